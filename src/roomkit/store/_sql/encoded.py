"""Models written as JSON by the SQL stores, refusing what JSON cannot carry."""

from __future__ import annotations

import json
import re
from typing import NoReturn

from pydantic import BaseModel
from pydantic_core import PydanticSerializationError, SchemaSerializer

from roomkit.errors import UnstorableValueError

__all__ = ["json_text"]

_serializers: dict[type[BaseModel], SchemaSerializer] = {}
"""Each model's serializer, writing infinities and NaN as the tokens ``json`` reads."""

_STRING_OR_EXPONENT = re.compile(r'"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?e\+\d+')
"""A JSON string (skipped whole) or a number with a positive exponent."""


def json_text(model: BaseModel, exclude: set[str] | None = None) -> str:
    """Return ``model`` as JSON text, as ``model.model_dump_json(exclude=exclude)`` would.

    The serializer is called directly: the store writes a model on every event, and
    ``model_dump_json`` only passes its defaults on. What JSON cannot carry is refused
    with :class:`UnstorableValueError` before anything is written, where pydantic would
    quietly write ``null`` or fail with its own error: a lone surrogate (``"\\ud800"``,
    which ``json.loads`` accepts) has no UTF-8 form, and JSON has no infinity or NaN.
    A float written with an exponent (``1e+100``) is spelt out with a decimal point,
    which PostgreSQL's JSONB needs to hand it back as a float rather than an integer.
    """
    cls = type(model)
    serializer = _serializers.get(cls)
    if serializer is None:
        schema = cls.__pydantic_core_schema__
        serializer = _serializers[cls] = SchemaSerializer(
            schema, {"ser_json_inf_nan": "constants"}
        )
    try:
        text = serializer.to_json(model, exclude=exclude).decode()
    except PydanticSerializationError as exc:
        _refuse(model, str(exc), exc)
    # One character is found far faster than a word: look for a word only if it may be there.
    if (("I" in text and "Infinity" in text) or ("N" in text and "NaN" in text)) and (
        _holds_a_constant(text)
    ):
        _refuse(model, "JSON has no infinity or NaN", None)
    if "+" in text and "e+" in text:
        return _STRING_OR_EXPONENT.sub(_spelt_out, text)
    return text


def _holds_a_constant(text: str) -> bool:
    """Whether ``text`` holds ``Infinity``, ``-Infinity`` or ``NaN`` outside its strings."""
    found: list[str] = []
    json.loads(text, parse_constant=found.append)
    return bool(found)


def _spelt_out(match: re.Match[str]) -> str:
    """A number with an exponent in full (``1e+20`` -> ``100000000000000000000.0``)."""
    token = match.group()
    return token if token[0] == '"' else f"{float(token):.1f}"


def _refuse(model: BaseModel, reason: str, cause: Exception | None) -> NoReturn:
    """Raise :class:`UnstorableValueError` naming ``model`` and ``reason``."""
    ident = getattr(model, "id", None)
    label = type(model).__name__ + (f" {ident!r}" if ident else "")
    raise UnstorableValueError(f"{label} cannot be stored: {reason}") from cause
