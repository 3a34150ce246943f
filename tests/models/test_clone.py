"""clone(): alias-free copies of models, as the stores hand them out."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import IntEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from roomkit.models._clone import clone
from tests.factories import make_binding, make_event


class Holder:
    """A mutable object pydantic knows nothing about."""

    def __init__(self, items: list[int]) -> None:
        self.items = items

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Holder) and other.items == self.items


class Level(IntEnum):
    LOW = 1


class Tag(str):
    """A str subclass, immutable like str."""


class Leaf(BaseModel):
    values: list[int] = Field(default_factory=list)


class Everything(BaseModel):
    model_config = ConfigDict(extra="allow", arbitrary_types_allowed=True)

    name: str = "n"
    mode: Literal["a", "b"] = "a"
    maybe: int | None = None
    bounded: Annotated[int, Field(ge=0)] | None = None
    level_only: Literal[Level.LOW] = Level.LOW
    when: datetime = datetime(2024, 1, 1, tzinfo=UTC)
    amount: Decimal = Decimal("1.5")
    level: Level = Level.LOW
    tag: Any = None
    pair: tuple[list[int], str] = ([1], "x")
    group: set[int] = Field(default_factory=set)
    frozen: frozenset[int] = frozenset({1})
    leaves: list[Leaf] = Field(default_factory=list)
    by_name: dict[str, Leaf] = Field(default_factory=dict)
    holder: Holder | None = None
    _secret: dict[str, list[int]] = PrivateAttr(default_factory=dict)


def _everything() -> Everything:
    model = Everything(
        tag=Tag("t"),
        group={1, 2},
        leaves=[Leaf(values=[1])],
        by_name={"x": Leaf(values=[2])},
        holder=Holder([3]),
    )
    extra = model.model_extra
    assert extra is not None
    extra["extra_field"] = {"k": [1]}
    model._secret["s"] = [1]
    return model


def test_clone_is_equal_and_shares_no_mutable_state() -> None:
    original = _everything()

    copy = clone(original)

    assert copy == original
    assert copy.model_fields_set == original.model_fields_set
    assert copy.pair[0] is not original.pair[0]
    assert copy.group is not original.group
    assert copy.frozen == original.frozen
    assert copy.leaves[0] is not original.leaves[0]
    assert copy.leaves[0].values is not original.leaves[0].values
    assert copy.by_name["x"] is not original.by_name["x"]
    assert copy.holder is not None and original.holder is not None
    assert copy.holder is not original.holder and copy.holder.items == [3]
    assert copy.model_extra == {"extra_field": {"k": [1]}}
    assert copy.model_extra is not original.model_extra
    assert copy._secret == {"s": [1]} and copy._secret is not original._secret


def test_clone_shares_immutable_values() -> None:
    original = _everything()

    copy = clone(original)

    assert copy.tag is original.tag
    assert copy.when is original.when
    assert copy.amount is original.amount


def test_mutating_a_clone_leaves_the_original_alone() -> None:
    original = _everything()
    before = original.model_dump()

    copy = clone(original)
    copy.pair[0].append(9)
    copy.group.add(9)
    copy.leaves[0].values.append(9)
    copy.by_name["x"].values.append(9)
    copy.by_name["y"] = Leaf()
    assert copy.holder is not None
    copy.holder.items.append(9)
    copy.name = "changed"

    assert original.model_dump() == before
    assert original.holder is not None and original.holder.items == [3]
    assert "name" not in original.model_fields_set


def test_clone_of_store_models() -> None:
    event = make_event(metadata={"a": {"b": [1]}}, delivery_results={"c": {"d": 1}})
    binding = make_binding(metadata={"phone": "+1"})

    event_copy = clone(event)
    binding_copy = clone(binding)

    assert event_copy == event and binding_copy == binding
    assert event_copy.metadata["a"]["b"] is not event.metadata["a"]["b"]
    assert event_copy.content is not event.content
    assert event_copy.source is not event.source
    assert binding_copy.capabilities.media_types is not binding.capabilities.media_types
