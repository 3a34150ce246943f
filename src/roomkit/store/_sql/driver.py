"""The small database interface the shared SQL store code is written against.

Statements use PostgreSQL's ``$1, $2, ...`` placeholders; a driver for another dialect
rewrites them once per statement. Rows are indexed by column position.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

__all__ = ["IntegrityConflict", "Row", "SQLConnection", "SQLDriver"]


class Row(Protocol):
    """A result row: its columns by position."""

    def __getitem__(self, index: int, /) -> Any:
        """Return the value of the column at ``index``."""


class IntegrityConflict(Exception):  # noqa: N818 - internal signal, translated by the store
    """A write broke a uniqueness constraint (raised by drivers, never seen by users)."""


class SQLConnection(Protocol):
    """What a statement runner offers: a connection, possibly inside a transaction."""

    async def execute(self, sql: str, *args: Any) -> None:
        """Run a statement whose result is not needed."""

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        """Run a query and return every row."""

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        """Run a query and return its first row, or ``None``."""

    async def fetchval(self, sql: str, *args: Any) -> Any:
        """Run a query and return the first column of its first row (``None`` if none)."""


class SQLDriver(ABC):
    """A database the store talks to: one-off statements and transactions.

    Statements run outside :meth:`transaction` are independent (autocommit). A driver
    raises :class:`IntegrityConflict` when a write breaks a uniqueness constraint.
    """

    @abstractmethod
    async def execute(self, sql: str, *args: Any) -> None:
        """Run a statement whose result is not needed."""

    @abstractmethod
    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        """Run a query and return every row."""

    @abstractmethod
    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        """Run a query and return its first row, or ``None``."""

    @abstractmethod
    async def fetchval(self, sql: str, *args: Any) -> Any:
        """Run a query and return the first column of its first row (``None`` if none)."""

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[SQLConnection]:
        """Run the ``async with`` body in one transaction, rolled back if it raises."""

    @abstractmethod
    async def open(self) -> None:
        """Connect (if not connected yet) and bring the schema up to date."""

    @abstractmethod
    async def close(self) -> None:
        """Release the connections; the next statement connects again."""
