"""Reading vendor webhook payloads where every surprise is an InvalidPayloadError.

Vendor parsers read fields through :class:`PayloadReader` instead of indexing dicts, so
a missing field, a list where an object was expected or a number where text was
expected becomes :class:`~roomkit.errors.InvalidPayloadError` (never ``KeyError`` or
``TypeError``). Error messages name the vendor and the field path, never its value,
because webhook values carry phone numbers and message text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from roomkit.errors import InvalidPayloadError

__all__ = ["PayloadReader", "decode_form"]


class PayloadReader:
    """Typed, failure-checked access to one JSON object of a vendor webhook."""

    def __init__(self, vendor: str, data: object, path: str = "payload") -> None:
        if not isinstance(data, Mapping):
            raise InvalidPayloadError(f"{vendor} webhook: {path} is not an object")
        self.vendor = vendor
        self.path = path
        self.data: Mapping[str, Any] = data

    def _where(self, key: str) -> str:
        return f"{self.path}.{key}"

    def has(self, key: str) -> bool:
        """Whether ``key`` is present with a non-null value."""
        return self.data.get(key) is not None

    def text(self, key: str, *, required: bool = False, default: str = "") -> str:
        """Return ``key`` as text (numbers are converted); refuse other types."""
        value = self.optional_text(key)
        if value is None:
            if required:
                raise InvalidPayloadError(f"{self.vendor} webhook: {self._where(key)} is missing")
            return default
        return value

    def optional_text(self, key: str) -> str | None:
        """Return ``key`` as text, or ``None`` when absent or null."""
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise InvalidPayloadError(f"{self.vendor} webhook: {self._where(key)} is not text")

    def child(self, key: str) -> PayloadReader:
        """Return the object under ``key``; refuse a missing or non-object value."""
        value = self.data.get(key)
        if value is None:
            raise InvalidPayloadError(f"{self.vendor} webhook: {self._where(key)} is missing")
        return PayloadReader(self.vendor, value, self._where(key))

    def optional_child(self, key: str) -> PayloadReader | None:
        """Return the object under ``key``, or ``None`` when absent or null."""
        if self.data.get(key) is None:
            return None
        return self.child(key)

    def items(self, key: str) -> list[Any]:
        """Return the list under ``key`` (empty when absent); refuse a non-list value."""
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise InvalidPayloadError(f"{self.vendor} webhook: {self._where(key)} is not a list")
        return value

    def children(self, key: str) -> list[PayloadReader]:
        """Return the objects of the list under ``key`` (each must be an object)."""
        return [
            PayloadReader(self.vendor, item, f"{self._where(key)}[{i}]")
            for i, item in enumerate(self.items(key))
        ]

    def texts(self, key: str) -> list[str]:
        """Return the list under ``key`` as text values (each must be text)."""
        values = self.items(key)
        if not all(isinstance(v, str) for v in values):
            raise InvalidPayloadError(f"{self.vendor} webhook: {self._where(key)} holds non-text")
        return list(values)


def decode_form(body: bytes | str, vendor: str) -> dict[str, str]:
    """Decode an ``application/x-www-form-urlencoded`` body (the last repeated value wins)."""
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text))
    except (UnicodeDecodeError, ValueError):
        raise InvalidPayloadError(f"{vendor} webhook: body is not form-encoded") from None
    return dict(pairs)
