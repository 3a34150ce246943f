"""An insertion-ordered set of ids with O(log n) removal and page-by-offset access.

A plain list gives O(1) access by position but O(n) removal; a dict gives O(1)
removal but no access by position. :class:`OrderedIds` keeps ids in slots, marks
removed slots as holes, and counts the live slots in a Fenwick (binary indexed) tree,
so the id at live position ``k`` is found in O(log n). Holes are squeezed out once
they outnumber the live ids, which keeps memory proportional to the live ids and the
rebuild cost amortised O(1) per removal.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

__all__ = ["OrderedIds"]

_MIN_HOLES_BEFORE_COMPACTION = 64


class OrderedIds:
    """Ids in insertion order: append, remove and slice by live position."""

    __slots__ = ("_holes", "_position", "_slots", "_tree")

    def __init__(self) -> None:
        """Start empty."""
        self._slots: list[str | None] = []
        self._position: dict[str, int] = {}
        self._tree: list[int] = [0]  # 1-based Fenwick tree over slot liveness
        self._holes = 0

    def __len__(self) -> int:
        """Return how many ids are held."""
        return len(self._position)

    def __contains__(self, key: object) -> bool:
        """Tell whether ``key`` is held."""
        return key in self._position

    def __iter__(self) -> Iterator[str]:
        """Yield the ids in insertion order."""
        return (key for key in self._slots if key is not None)

    def append(self, key: str) -> None:
        """Add ``key`` after every id held; raises ``ValueError`` if already held."""
        if key in self._position:
            raise ValueError(f"{key!r} is already held")
        self._position[key] = len(self._slots)
        self._slots.append(key)
        tree = self._tree
        node = len(tree)
        total = 1
        child = node - 1
        stop = node - (node & -node)
        while child > stop:
            total += tree[child]
            child -= child & -child
        tree.append(total)

    def remove(self, key: str) -> bool:
        """Remove ``key``; return whether it was held."""
        slot = self._position.pop(key, None)
        if slot is None:
            return False
        self._slots[slot] = None
        tree = self._tree
        node = slot + 1
        while node < len(tree):
            tree[node] -= 1
            node += node & -node
        self._holes += 1
        if self._holes > max(_MIN_HOLES_BEFORE_COMPACTION, len(self._position)):
            self._compact()
        return True

    def page(self, offset: int, limit: int) -> list[str]:
        """Return up to ``limit`` ids starting at live position ``offset``."""
        live = len(self._position)
        if limit <= 0 or offset >= live:
            return []
        end = min(live, offset + limit)
        slots = self._slots
        slot = self._slot_of(offset)
        found: list[str] = []
        for rank in range(offset, end):
            key = slots[slot] if slot < len(slots) else None
            if key is None:
                slot = self._slot_of(rank)
                key = slots[slot]
            found.append(cast(str, key))  # the slot of a live position holds an id
            slot += 1
        return found

    def _slot_of(self, rank: int) -> int:
        """Return the slot of the id at live position ``rank`` (0-based)."""
        tree = self._tree
        size = len(tree) - 1
        remaining = rank + 1
        node = 0
        step = 1 << size.bit_length()
        while step:
            candidate = node + step
            if candidate <= size and tree[candidate] < remaining:
                node = candidate
                remaining -= tree[candidate]
            step >>= 1
        return node

    def _compact(self) -> None:
        """Drop the holes and rebuild the tree in O(n)."""
        keys = [key for key in self._slots if key is not None]
        self._slots = list(keys)
        self._position = {key: slot for slot, key in enumerate(keys)}
        tree = [0] + [1] * len(keys)
        for node in range(1, len(tree)):
            parent = node + (node & -node)
            if parent < len(tree):
                tree[parent] += tree[node]
        self._tree = tree
        self._holes = 0
