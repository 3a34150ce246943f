"""The Redis import guard and client set-up shared by the lock manager and realtime backend."""

from __future__ import annotations

try:
    from redis.asyncio import Redis
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "Redis support needs the redis package; install it with: pip install 'roomkit[redis]'"
    ) from exc

__all__ = ["Redis", "redis_client"]


def redis_client(url: str | None, client: Redis | None) -> tuple[Redis, bool]:
    """Return the client to use and whether it is ours to close.

    Exactly one of ``url`` (a client is created for it) and ``client`` (used as given,
    closed by its owner) must be given.
    """
    if client is not None and url is None:
        return client, False
    if url is not None and client is None:
        return Redis.from_url(url), True
    raise ValueError("give exactly one of url and client")
