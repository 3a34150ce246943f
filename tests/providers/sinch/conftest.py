"""Fixtures for these vendor tests (the fake vendor API lives in sms_vendor_support)."""

from __future__ import annotations

from tests.providers.sms_vendor_support import fake_vendor

__all__ = ["fake_vendor"]
