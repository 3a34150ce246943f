"""Cheap, alias-free copies of pydantic models, for the stores and the pipeline.

``model_copy(deep=True)`` goes through :func:`copy.deepcopy` and its memo machinery,
which costs tens of microseconds for a single event. Store models are plain trees of
models, dicts, lists and immutable scalars, so :func:`clone` copies that tree directly.

For each model class a *plan* is worked out once: the fields whose declared type can
only hold immutable values (``str``, ``int``, enums, datetimes, literals and optionals
or unions of those) are shared as they are, since pydantic validates values into those
types. Every other field is copied by looking at the value it actually holds: dicts,
lists, sets, tuples and nested models are copied recursively, immutable values are
shared, and anything unrecognised falls back to :func:`copy.deepcopy`. Extra fields
and private attributes are copied the same careful way.
"""

from __future__ import annotations

import copy
import types
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from pathlib import PurePath
from typing import Annotated, Any, Literal, Union, get_args, get_origin
from uuid import UUID

from pydantic import BaseModel

from roomkit.models._util import new_object, set_dict, set_extra, set_fields_set, set_private

__all__ = ["clone"]

_IMMUTABLE_BASES: tuple[type, ...] = (
    str,
    int,
    float,
    complex,
    bytes,
    bool,
    Enum,
    Decimal,
    UUID,
    date,
    datetime,
    time,
    timedelta,
    PurePath,
    range,
)

# Exact types known to be immutable; subclasses of the bases above join on first sight.
_immutable_types: set[type] = {type(None), *_IMMUTABLE_BASES}

# Per model class: a generated function copying its instances.
_cloners: dict[type[BaseModel], Callable[[Any], Any]] = {}


def clone[M: BaseModel](model: M) -> M:
    """Return a copy of ``model`` that shares no mutable state with it."""
    cloner = _cloners.get(type(model))
    if cloner is None:
        cloner = _cloners[type(model)] = _compile(type(model))
    result: M = cloner(model)
    return result


def _compile(cls: type[BaseModel]) -> Callable[[Any], Any]:
    """Generate a straight-line copier for ``cls`` from its plan (no per-call dispatch)."""
    lines = ["def _clone(model):", "    fields = model.__dict__.copy()"]
    for name in _make_plan(cls):
        lines += [f"    value = fields.get({name!r})", *_copy_lines(name, cls)]
    lines += [
        "    new = NEW(CLS)",
        "    SET_DICT(new, fields)",
        "    SET_FIELDS_SET(new, model.__pydantic_fields_set__.copy())",
        "    extra = model.__pydantic_extra__",
        "    SET_EXTRA(new, None if extra is None else COPY(extra))",
        "    private = model.__pydantic_private__",
        "    SET_PRIVATE(new, None if private is None else DEEPCOPY(private))",
        "    return new",
    ]
    namespace: dict[str, Any] = {
        "IMMUTABLE": _immutable_types,
        "COPY": _copy,
        "CLONE": clone,
        "BaseModel": BaseModel,
        "NEW": new_object,
        "CLS": cls,
        "DEEPCOPY": copy.deepcopy,
        "SET_DICT": set_dict,
        "SET_FIELDS_SET": set_fields_set,
        "SET_EXTRA": set_extra,
        "SET_PRIVATE": set_private,
    }
    exec("\n".join(lines), namespace)  # the source is built from field names only
    cloner: Callable[[Any], Any] = namespace["_clone"]
    return cloner


def _copy_lines(name: str, cls: type[BaseModel]) -> list[str]:
    """Source lines copying field ``name`` (held in ``value``) by its declared kind."""
    kind = _declared_kind(cls.model_fields[name].annotation)
    if kind == "dict":  # pydantic always stores a plain dict here
        return [f"    fields[{name!r}] = COPY(value) if value else {{}}"]
    if kind == "list":
        return [f"    fields[{name!r}] = COPY(value) if value else []"]
    if kind == "model":
        return [
            "    if isinstance(value, BaseModel):",
            f"        fields[{name!r}] = CLONE(value)",
            "    elif type(value) not in IMMUTABLE:",
            f"        fields[{name!r}] = COPY(value)",
        ]
    return ["    if type(value) not in IMMUTABLE:", f"        fields[{name!r}] = COPY(value)"]


def _declared_kind(annotation: Any) -> str:
    """Classify a field type as ``dict``, ``list``, ``model`` (models or None) or ``other``."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _declared_kind(get_args(annotation)[0])
    if annotation is dict or origin is dict:
        return "dict"
    if annotation is list or origin is list:
        return "list"
    members = get_args(annotation) if origin in (Union, types.UnionType) else (annotation,)
    models = [m for m in members if m is not type(None)]
    if models and all(isinstance(m, type) and issubclass(m, BaseModel) for m in models):
        return "model"
    return "other"


def _copy(value: Any) -> Any:
    """Copy one value: share immutables, copy containers and models."""
    kind = type(value)
    if kind in _immutable_types:
        return value
    if kind is dict:
        return {
            key: item if type(item) in _immutable_types else _copy(item)
            for key, item in value.items()
        }
    if kind is list:
        return [item if type(item) in _immutable_types else _copy(item) for item in value]
    if isinstance(value, BaseModel):
        return clone(value)
    return _copy_uncommon(value)


def _copy_uncommon(value: Any) -> Any:
    """Copy the rarer values: immutable subclasses, tuples, sets and the unknown."""
    kind = type(value)
    if issubclass(kind, _IMMUTABLE_BASES):
        _immutable_types.add(kind)
        return value
    if kind is tuple:
        return tuple(_copy(item) for item in value)
    if kind is set:
        return {_copy(item) for item in value}
    if kind is frozenset:
        return frozenset(_copy(item) for item in value)
    return copy.deepcopy(value)


def _make_plan(cls: type[BaseModel]) -> tuple[str, ...]:
    """Return the fields of ``cls`` whose declared type admits mutable values."""
    return tuple(
        name
        for name, info in cls.model_fields.items()
        if not _holds_only_immutables(info.annotation)
    )


def _holds_only_immutables(annotation: Any) -> bool:
    """Tell whether every value valid for ``annotation`` is immutable."""
    if annotation is None or annotation is type(None):
        return True
    origin = get_origin(annotation)
    if origin is Annotated:
        return _holds_only_immutables(get_args(annotation)[0])
    if origin is Literal:
        return all(
            arg is None or isinstance(arg, _IMMUTABLE_BASES) for arg in get_args(annotation)
        )
    if origin is Union or origin is types.UnionType:
        return all(_holds_only_immutables(arg) for arg in get_args(annotation))
    return isinstance(annotation, type) and issubclass(annotation, _IMMUTABLE_BASES)
