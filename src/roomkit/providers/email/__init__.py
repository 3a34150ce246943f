"""Email providers: the EmailProvider contract, an in-memory mock, inbound parsing, threads."""

from __future__ import annotations

from roomkit.providers.email.base import EmailProvider
from roomkit.providers.email.inbound import parse_inbound_email
from roomkit.providers.email.mock import MockEmailProvider
from roomkit.providers.email.threads import email_thread_metadata

__all__ = ["EmailProvider", "MockEmailProvider", "email_thread_metadata", "parse_inbound_email"]
