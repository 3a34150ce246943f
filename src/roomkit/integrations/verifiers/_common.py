"""Pieces every vendor verifier shares: body decoding and the optional shared-secret check."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from collections.abc import Mapping
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs, urlsplit

from pydantic import SecretStr

from roomkit.errors import InvalidPayloadError, InvalidSignatureError
from roomkit.providers._webhook_fields import decode_form

__all__ = [
    "DEFAULT_TOKEN_PARAM",
    "check_shared_secret",
    "form_fields",
    "json_body",
    "media_type",
    "secret_of",
]

DEFAULT_TOKEN_PARAM = "token"
"""The query parameter that carries an optional shared secret (``?token=...``)."""


def secret_of(value: SecretStr | str, what: str) -> SecretStr:
    """Wrap a configured secret, refusing an empty one."""
    secret = value if isinstance(value, SecretStr) else SecretStr(value)
    if not secret.get_secret_value():
        raise ValueError(f"the {what} must not be empty")
    return secret


def media_type(content_type: str) -> str:
    """The bare, lower-case media type of a ``Content-Type`` header."""
    return content_type.split(";", 1)[0].strip().lower()


def json_body(body: bytes, vendor: str) -> Any:
    """Decode a JSON request body."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise InvalidPayloadError(f"{vendor} webhook: body is not JSON") from None


def form_fields(body: bytes, content_type: str, vendor: str) -> dict[str, str]:
    """Decode a form body: url-encoded, or multipart (file parts are left out)."""
    if media_type(content_type) != "multipart/form-data":
        return decode_form(body, vendor)
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart() or message.defects:
        raise InvalidPayloadError(f"{vendor} webhook: body is not multipart form data")
    fields: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or part.get_filename() is not None:
            continue
        fields[name] = _text_of(part, vendor)
    return fields


def _text_of(part: Message, vendor: str) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        raise InvalidPayloadError(f"{vendor} webhook: a form field is not text")
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset)
    except (LookupError, UnicodeDecodeError):
        raise InvalidPayloadError(f"{vendor} webhook: a form field is not {charset}") from None


def check_shared_secret(
    secret: SecretStr, headers: Mapping[str, str], url: str, param: str = DEFAULT_TOKEN_PARAM
) -> None:
    """Refuse a request that carries the secret neither as ``?<param>=`` nor as basic auth.

    For vendors that do not sign: the secret is part of the URL registered with the
    vendor, as a query parameter or as the password of ``https://user:secret@host/...``
    (sent as an ``Authorization: Basic`` header).
    """
    expected = secret.get_secret_value().encode()
    candidates = parse_qs(urlsplit(url).query).get(param, [])
    password = _basic_password(headers.get("authorization", ""))
    if password is not None:
        candidates.append(password)
    if not any(hmac.compare_digest(given.encode(), expected) for given in candidates):
        raise InvalidSignatureError("the webhook's shared secret is missing or wrong")


def _basic_password(authorization: str) -> str | None:
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode()
    except (binascii.Error, ValueError):
        return None
    _, colon, password = decoded.partition(":")
    return password if colon else None
