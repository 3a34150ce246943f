"""Models decoded from stored JSON, kept by the exact text they came from.

The pipeline reads a room, its bindings and its participants for every message, and
their JSON rarely changes. Validating it again each time costs more than copying the
model it gave last time, so the SQL stores keep what each text decoded to and hand out
alias-free copies (:func:`~roomkit.models._clone.clone`) of it.

Nothing here can go stale: the database is still read every time, and a model is only
reused when the row's text is byte for byte the text it was decoded from, so a change
made by any process is seen on the next read. Only the decoding is skipped.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from roomkit.models._clone import clone

__all__ = ["DECODED_PER_MODEL", "Decoded"]

DECODED_PER_MODEL = 4096
"""Texts remembered per model class; the oldest is forgotten first."""


class Decoded:
    """Decodes stored JSON into models, reusing the model an identical text gave."""

    __slots__ = ("_limit", "_models")

    def __init__(self, limit: int = DECODED_PER_MODEL) -> None:
        """Remember up to ``limit`` texts per model class."""
        self._limit = limit
        # Values typed ``Any``: each inner dict holds models of its key's class only, which
        # the types cannot say; ``load`` gives them back as that class without a cast.
        self._models: dict[type[BaseModel], dict[str, Any]] = {}

    def load[M: BaseModel](
        self, cls: type[M], text: str, changes: dict[str, Any] | None = None
    ) -> M:
        """Return a model of ``cls`` private to the caller, decoded from ``text``.

        ``changes`` (field name to value) are set on the copy afterwards: values stored
        in columns of their own, such as counters; they must be valid for their fields.
        """
        known = self._models.get(cls)
        if known is None:
            known = self._models[cls] = {}
        model = known.get(text)
        if model is None:
            model = known[text] = cls.model_validate_json(text)
            if len(known) > self._limit:
                del known[next(iter(known))]
        copy: M = clone(model)
        if changes:
            copy.__dict__.update(changes)
            copy.__pydantic_fields_set__.update(changes)
        return copy

    def clear(self) -> None:
        """Forget every decoded model."""
        self._models.clear()
