"""Models written as JSON by the SQL stores, refusing text that JSON cannot carry."""

from __future__ import annotations

from pydantic import BaseModel
from pydantic_core import PydanticSerializationError

from roomkit.errors import UnstorableValueError

__all__ = ["json_text"]


def json_text(model: BaseModel, exclude: set[str] | None = None) -> str:
    """Return ``model`` as JSON text, as ``model.model_dump_json(exclude=exclude)`` would.

    The serializer is called directly: the store writes a model on every event, and
    ``model_dump_json`` only passes its defaults on. A lone surrogate (``"\\ud800"``,
    which ``json.loads`` accepts) is not Unicode text and has no UTF-8 form: such a model
    is refused with :class:`UnstorableValueError` before anything is written.
    """
    try:
        return model.__pydantic_serializer__.to_json(model, exclude=exclude).decode()
    except PydanticSerializationError as exc:
        ident = getattr(model, "id", None)
        label = type(model).__name__ + (f" {ident!r}" if ident else "")
        raise UnstorableValueError(f"{label} cannot be stored: {exc}") from exc
