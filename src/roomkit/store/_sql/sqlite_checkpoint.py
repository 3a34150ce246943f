"""Background WAL checkpoints for the SQLite store, in a worker thread of their own.

A checkpoint copies the write-ahead log into the database file and waits for the disk
(two ``fsync`` calls), which would stall the event loop for milliseconds if the store's
connection did it itself. The store's connection therefore has automatic checkpoints
off, and :class:`Checkpointer` runs them on a second connection in a thread.

A passive checkpoint copies the log while the store goes on writing. When it has copied
every frame, the next write starts the log again from its beginning. A store that never
stops writing may keep adding frames faster than that happens (or another process's
readers may hold the log), so once the log is longer than ``RESTART_AFTER_FRAMES`` a
``RESTART`` checkpoint follows: it copies the frames written meanwhile, holding writers
(of every process) back for that short while, so that the log starts again and never
grows without bound. Holding writers back costs more than a longer log, hence the
threshold rather than a restart at every checkpoint: with two processes writing to a
million-event file, restarting every time made their writes about 12 % slower.

The work goes to the thread directly, not through the event loop, so it runs even when
the loop's callers never pause (a tight loop of writes that never waits for I/O).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from concurrent.futures import Future, ThreadPoolExecutor

__all__ = ["RESTART_AFTER_FRAMES", "Checkpointer"]

logger = logging.getLogger("roomkit.store.sqlite")

RESTART_WAIT = 0.05
"""How long the restarting checkpoint waits for other connections' readers (seconds)."""

RESTART_AFTER_FRAMES = 4096
"""Log frames past which a checkpoint also restarts the log (16 MiB of 4 KiB pages)."""


class Checkpointer:
    """Checkpoints the WAL of one database file from a worker thread."""

    def __init__(self, path: str) -> None:
        """Open the checkpointing connection on the database at ``path``."""
        self._conn = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=RESTART_WAIT
        )
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="roomkit-sqlite-checkpoint")
        self._running: Future[None] | None = None

    @property
    def active(self) -> bool:
        """Whether a checkpoint is under way (it may hold writers back briefly)."""
        return self._running is not None and not self._running.done()

    def start(self) -> bool:
        """Start a checkpoint in the thread unless one is running; say if started."""
        if self.active:
            return False
        self._running = self._thread.submit(self._checkpoint)
        return True

    def _checkpoint(self) -> None:
        """Copy the log into the file; restart it if long (runs in the worker thread)."""
        try:
            done = self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            if done[0][1] > RESTART_AFTER_FRAMES:  # (busy, frames in the log, copied)
                done = self._conn.execute("PRAGMA wal_checkpoint(RESTART)").fetchall()
        except sqlite3.Error as exc:
            logger.warning("background checkpoint failed: %s", exc)
            return
        logger.debug("checkpoint (busy, log frames, checkpointed): %s", done)

    async def close(self) -> None:
        """Close after any running checkpoint; the last connection to close copies
        the whole log into the file, here in the worker thread."""
        await asyncio.wrap_future(self._thread.submit(self._conn.close))
        self._thread.shutdown(wait=False)
