"""Fixtures of the store conformance suite.

Every test here is written against :class:`ConversationStore` and runs once per
backend listed in ``STORE_FACTORIES``. To check another backend, append a factory: an
async context manager called with the test's temporary directory and store options
(``clock=...``), yielding a fresh, empty store and cleaning up after it. That one entry
runs the whole suite against the backend.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pytest

from roomkit.models import Room
from roomkit.store import ConversationStore
from tests.factories import make_room
from tests.store.backends import (
    Backend,
    memory,
    postgres,
    postgres_backend,
    sqlite,
    sqlite_backend,
)

StoreFactory = Callable[..., AbstractAsyncContextManager[ConversationStore]]

STORE_FACTORIES: list[StoreFactory] = [memory, sqlite, postgres]


def _factory_name(factory: StoreFactory) -> str:
    return getattr(factory, "__name__", repr(factory))


@pytest.fixture(params=STORE_FACTORIES, ids=_factory_name)
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[..., Any]:
    """Opens a fresh store of each backend: ``async with store_factory(clock=...) as s``."""
    factory: StoreFactory = request.param

    def with_options(**options: Any) -> AbstractAsyncContextManager[ConversationStore]:
        return factory(tmp_path, **options)

    return with_options


@pytest.fixture
async def store(
    store_factory: Callable[..., AbstractAsyncContextManager[ConversationStore]],
) -> AsyncIterator[ConversationStore]:
    """A fresh, empty store of each backend under test."""
    async with store_factory() as instance:
        yield instance


@pytest.fixture
async def room(store: ConversationStore) -> Room:
    """A stored room with id ``room-1`` (the factories' default room id)."""
    return await store.create_room(make_room(id="room-1"))


@pytest.fixture(params=["sqlite", "postgres"])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    """Each SQL backend's data location, on which a test may open several stores."""
    opened = sqlite_backend(tmp_path) if request.param == "sqlite" else postgres_backend()
    async with opened as instance:
        yield instance
