"""Fixtures of the Redis tests: a key prefix of the test's own and clients on the server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from tests.scale.scale_support import RedisSpace
from tests.services import redis_prefix


@pytest.fixture
async def space() -> AsyncIterator[RedisSpace]:
    """A key prefix no other test uses; every key under it is deleted afterwards."""
    async with redis_prefix() as (url, prefix):
        client = Redis.from_url(url, decode_responses=True)
        try:
            yield RedisSpace(url, prefix, client)
        finally:
            await client.aclose()
