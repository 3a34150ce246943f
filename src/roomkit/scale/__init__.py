"""Running RoomKit in several processes: Redis-backed room locks and realtime events.

* :class:`roomkit.scale.locks.RedisLockManager`: per-room locks shared by every process
  using the same Redis, for ``RoomKit(lock_manager=...)``.
* :class:`roomkit.scale.realtime.RedisRealtime`: typing, presence and read receipts
  carried over Redis pub/sub, for ``RoomKit(realtime=...)``.

Both need the ``redis`` extra (``pip install 'roomkit[redis]'``); importing this package
does not import Redis, its modules do. Pair them with a shared store
(:class:`~roomkit.store.postgres.PostgresStore`) to run several workers side by side.
"""

__all__: list[str] = []
