"""The ordered id set behind InMemoryStore's room listing."""

from __future__ import annotations

import random

import pytest

from roomkit.store._ordered import OrderedIds


def test_ordered_ids_pages_match_a_list_through_random_changes() -> None:
    rng = random.Random(7)
    ids = OrderedIds()
    model: list[str] = []
    for step in range(3000):
        if model and rng.random() < 0.55:
            victim = rng.choice(model)
            model.remove(victim)
            assert ids.remove(victim) is True
        else:
            ids.append(f"k{step}")
            model.append(f"k{step}")
        if step % 50 == 0:
            for offset in (0, 1, len(model) // 3, max(0, len(model) - 2), len(model) + 1):
                assert ids.page(offset, 7) == model[offset : offset + 7]
    assert list(ids) == model
    assert len(ids) == len(model)


def test_ordered_ids_basics() -> None:
    ids = OrderedIds()
    ids.append("a")
    ids.append("b")

    assert "a" in ids and "z" not in ids
    assert ids.remove("z") is False
    assert ids.page(0, 0) == []
    with pytest.raises(ValueError):
        ids.append("a")
