"""The one place that decides whether tests needing PostgreSQL or Redis run.

``ROOMKIT_TEST_POSTGRES_DSN`` and ``ROOMKIT_TEST_REDIS_URL`` point at the servers
(defaults: the local ones). When a server cannot be reached the test is skipped with the
reason, unless ``ROOMKIT_REQUIRE_SERVICES=1`` (set by ``.ci/run``), which turns the skip
into a failure so CI never goes green without having run them.

Each test works in its own PostgreSQL schema or Redis key prefix, made by
:func:`postgres_schema` / :func:`redis_prefix`, and removes it afterwards.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import NoReturn
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import pytest

__all__ = [
    "POSTGRES_DSN",
    "REDIS_URL",
    "postgres_schema",
    "redis_prefix",
    "require_postgres",
    "require_redis",
]

POSTGRES_DSN = os.environ.get(
    "ROOMKIT_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("ROOMKIT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

# Probe results, one per server for the whole session: None means reachable.
_problems: dict[str, str | None] = {}


def _redacted(url: str) -> str:
    """The URL without its password, fit for a skip reason."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


def _unavailable(service: str, problem: str) -> NoReturn:
    reason = f"{service} unavailable ({problem})"
    if os.environ.get("ROOMKIT_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} and ROOMKIT_REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip(f"{reason}; start it or set its URL to run these tests")


async def require_postgres() -> str:
    """Return the test DSN, or skip (fail under ROOMKIT_REQUIRE_SERVICES=1) without a server."""
    if "postgres" not in _problems:
        import asyncpg

        try:
            conn = await asyncpg.connect(POSTGRES_DSN, timeout=3)
        except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
            _problems["postgres"] = f"{_redacted(POSTGRES_DSN)}: {exc}"
        else:
            await conn.close()
            _problems["postgres"] = None
    problem = _problems["postgres"]
    if problem is not None:
        _unavailable("PostgreSQL", problem)
    return POSTGRES_DSN


async def require_redis() -> str:
    """Return the test Redis URL, or skip (fail under ROOMKIT_REQUIRE_SERVICES=1)."""
    if "redis" not in _problems:
        from redis.asyncio import Redis
        from redis.exceptions import RedisError

        client = Redis.from_url(REDIS_URL, socket_connect_timeout=3)
        try:
            await client.ping()
        except (OSError, RedisError) as exc:
            _problems["redis"] = f"{_redacted(REDIS_URL)}: {exc}"
        else:
            _problems["redis"] = None
        finally:
            await client.aclose()
    problem = _problems["redis"]
    if problem is not None:
        _unavailable("Redis", problem)
    return REDIS_URL


@asynccontextmanager
async def postgres_schema() -> AsyncIterator[tuple[str, str]]:
    """A fresh schema name (not yet created) and the DSN; the schema is dropped after."""
    import asyncpg

    dsn = await require_postgres()
    schema = f"roomkit_test_{uuid4().hex[:12]}"
    try:
        yield dsn, schema
    finally:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await conn.close()


@asynccontextmanager
async def redis_prefix() -> AsyncIterator[tuple[str, str]]:
    """A fresh key prefix and the Redis URL; every key under the prefix is deleted after."""
    from redis.asyncio import Redis

    url = await require_redis()
    prefix = f"roomkit-test:{uuid4().hex[:12]}:"
    try:
        yield url, prefix
    finally:
        client = Redis.from_url(url)
        try:
            keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
            if keys:
                await client.delete(*keys)
        finally:
            await client.aclose()
