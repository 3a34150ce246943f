"""Small helpers shared by the models: id and clock factories."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from os import urandom
from time import time_ns
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel

# The version and variant fields of a UUID (RFC 9562): cleared, then set to version 7.
_VERSION_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_VERSION_7 = (0x7000 << 64) | (0x8000 << 48)


def new_id() -> str:
    """Return a fresh identifier: a version 7 UUID as 32 lowercase hex characters."""
    # Version 7 leads with the Unix time in milliseconds, then 74 random bits, so ids made
    # later sort later: a database index on them grows at its right edge instead of
    # taking each new id on a random page of a large index.
    bits = (time_ns() // 1_000_000) << 80 | int.from_bytes(urandom(10))
    return f"{bits & _VERSION_CLEAR | _VERSION_7:032x}"


utcnow: Callable[[], datetime] = partial(datetime.now, UTC)
"""Return the current time as a timezone-aware UTC datetime.

A ``partial`` of ``datetime.now`` rather than a function of its own: it is the default of
every model's timestamps, and a call to it then runs no Python code.
"""


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


UTCDateTime = Annotated[datetime, AfterValidator(_as_utc)]
"""A datetime that is always timezone-aware UTC (naive input is taken as UTC)."""


new_object = object.__new__
"""``object.__new__``: an instance made without running ``__init__``."""
# BaseModel's slot setters, bound once: what object.__setattr__ does for these names,
# without looking the descriptor up by name on every call.
set_dict = BaseModel.__dict__["__dict__"].__set__
set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def replace[M: BaseModel](model: M, **changes: Any) -> M:
    """Return a shallow copy of ``model`` with ``changes`` applied, without validation.

    The hot-path equivalent of ``model.model_copy(update=changes)`` for values the
    caller knows are already valid (nested objects are shared, as with ``model_copy``).
    """
    new = new_object(type(model))
    fields = model.__dict__.copy()
    fields.update(changes)
    set_dict(new, fields)
    set_fields_set(new, model.__pydantic_fields_set__.union(changes))
    set_extra(new, model.__pydantic_extra__)
    set_private(new, model.__pydantic_private__)
    return new
