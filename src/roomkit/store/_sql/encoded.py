"""Models written as JSON by the SQL stores, refusing text that JSON cannot carry."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticSerializationError

from roomkit.errors import UnstorableValueError

__all__ = ["json_text"]


def json_text(model: BaseModel, **options: Any) -> str:
    """Return ``model`` as JSON text (``options`` go to ``model_dump_json``).

    A lone surrogate (``"\\ud800"``, which ``json.loads`` accepts) is not Unicode text
    and has no UTF-8 form: such a model is refused with :class:`UnstorableValueError`
    before anything is written.
    """
    try:
        return model.model_dump_json(**options)
    except PydanticSerializationError as exc:
        ident = getattr(model, "id", None)
        label = type(model).__name__ + (f" {ident!r}" if ident else "")
        raise UnstorableValueError(f"{label} cannot be stored: {exc}") from exc
