"""Fixtures of the AI provider-contract suite: a loopback server and each vendor."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from ai_loopback import LoopbackServer
from ai_vendors import VENDORS, Vendor


@pytest.fixture
async def server() -> AsyncIterator[LoopbackServer]:
    """A scripted HTTP server on 127.0.0.1, closed after the test."""
    instance = LoopbackServer()
    await instance.start()
    yield instance
    await instance.close()


@pytest.fixture(params=VENDORS, ids=repr)
def vendor(request: pytest.FixtureRequest) -> Vendor:
    """Each AI vendor in turn."""
    vendor: Vendor = request.param
    return vendor
