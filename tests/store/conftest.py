"""Fixtures of the store conformance suite.

Every test here is written against :class:`ConversationStore` and runs once per
backend listed in ``STORE_FACTORIES``. To check another backend, append a callable
that returns a fresh, empty instance of it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from roomkit.models import Room
from roomkit.store import ConversationStore, InMemoryStore
from tests.factories import make_room

STORE_FACTORIES: list[Callable[[], ConversationStore]] = [
    InMemoryStore,
]


def _factory_name(factory: Callable[[], ConversationStore]) -> str:
    return getattr(factory, "__name__", repr(factory))


@pytest.fixture(params=STORE_FACTORIES, ids=_factory_name)
async def store(request: pytest.FixtureRequest) -> AsyncIterator[ConversationStore]:
    """A fresh, empty store of each backend under test."""
    factory: Callable[[], ConversationStore] = request.param
    instance = factory()
    yield instance
    await instance.close()


@pytest.fixture
async def room(store: ConversationStore) -> Room:
    """A stored room with id ``room-1`` (the factories' default room id)."""
    return await store.create_room(make_room(id="room-1"))
