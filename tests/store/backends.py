"""The store backends under test, each a place to keep data and a way to open stores on it.

A :class:`Backend` can open several stores on the same data (to check that what one
wrote survives a restart or is seen by another process); the conformance fixtures use
one store per test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from roomkit.store import ConversationStore, InMemoryStore
from roomkit.store.postgres import PostgresStore
from roomkit.store.sqlite import SQLiteStore
from tests.services import postgres_schema

__all__ = ["Backend", "memory", "postgres", "postgres_backend", "sqlite", "sqlite_backend"]


@dataclass(frozen=True)
class Backend:
    """A place holding a database, and how to open a store on it (options: clock...)."""

    name: str
    open_store: Callable[..., ConversationStore]
    location: str


@asynccontextmanager
async def sqlite_backend(tmp_path: Path) -> AsyncIterator[Backend]:
    """A SQLite file in the test's temporary directory."""
    path = tmp_path / "roomkit.db"
    yield Backend("sqlite", lambda **options: SQLiteStore(path, **options), str(path))


@asynccontextmanager
async def postgres_backend() -> AsyncIterator[Backend]:
    """A PostgreSQL schema of the test's own, dropped afterwards."""
    async with postgres_schema() as (dsn, schema):

        def open_store(**options: Any) -> ConversationStore:
            options.setdefault("max_pool_size", 4)
            return PostgresStore(dsn, schema=schema, **options)

        yield Backend("postgres", open_store, schema)


@asynccontextmanager
async def _one_store(
    backend: Backend, options: dict[str, Any]
) -> AsyncIterator[ConversationStore]:
    store = backend.open_store(**options)
    try:
        yield store
    finally:
        await store.close()


@asynccontextmanager
async def memory(tmp_path: Path, **options: Any) -> AsyncIterator[ConversationStore]:
    """The in-memory store."""
    store = InMemoryStore(**options)
    yield store
    await store.close()


@asynccontextmanager
async def sqlite(tmp_path: Path, **options: Any) -> AsyncIterator[ConversationStore]:
    """A SQLite store in a new file."""
    async with sqlite_backend(tmp_path) as backend, _one_store(backend, options) as store:
        yield store


@asynccontextmanager
async def postgres(tmp_path: Path, **options: Any) -> AsyncIterator[ConversationStore]:
    """A PostgreSQL store in a new schema."""
    async with postgres_backend() as backend, _one_store(backend, options) as store:
        yield store
