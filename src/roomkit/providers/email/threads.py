"""Email threading: Message-ID, In-Reply-To, References and the reply subject.

Outbound: every send gets a fresh ``Message-ID`` (``<hex@domain-of-the-sender>``). When
the email answers an earlier one, ``In-Reply-To`` and ``References`` are taken from the
first of these that is present:

1. the ``in_reply_to`` / ``references`` send options;
2. the ``email_thread`` send option — the channel passes it from the binding metadata
   when its defaults name it (``{"message_id": ..., "references": [...], "subject": ...}``,
   the shape :func:`email_thread_metadata` builds from an inbound email);
3. ``event.metadata["email_thread"]`` (same shape);
4. ``event.channel_data``: ``reply_to_id`` becomes In-Reply-To, ``thread_id`` the root
   of References.

A reply's subject gets a ``Re: `` prefix unless it already has one.

Inbound: :func:`thread_root` picks the id every message of a thread shares — the first
``References`` entry, else ``In-Reply-To``, else the message's own ``Message-ID`` — and
the email parsers put it in ``WebhookMeta.thread_id`` (hence ``InboundMessage.thread_id``
and ``event.channel_data.thread_id``), so an application can keep a thread in one room.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from roomkit.models.event import RoomEvent
from roomkit.models.webhook import WebhookMeta

__all__ = [
    "DEFAULT_SUBJECT",
    "ThreadHeaders",
    "email_thread_metadata",
    "new_message_id",
    "parse_message_ids",
    "reply_headers",
    "reply_subject",
    "thread_root",
]

DEFAULT_SUBJECT = "New message"
"""Subject used when neither the send, the binding nor the event gives one."""

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_REPLY_PREFIX = re.compile(r"^\s*re\s*:", re.IGNORECASE)


def new_message_id(from_email: str) -> str:
    """Return a fresh ``<hex@domain>`` Message-ID in the sender's domain."""
    domain = from_email.rpartition("@")[2] if "@" in from_email else ""
    return f"<{uuid4().hex}@{domain.strip(' >') or 'roomkit.local'}>"


def parse_message_ids(value: object) -> list[str]:
    """Return the ``<...>`` ids in a header value or list (bare ids get angle brackets)."""
    items = value if isinstance(value, list | tuple) else [value]
    ids: list[str] = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            continue
        found = _MESSAGE_ID.findall(item)
        ids.extend(found if found else [f"<{item.strip().strip('<>')}>"])
    return ids


def thread_root(
    message_id: str | None, in_reply_to: str | None, references: list[str]
) -> str | None:
    """Return the id shared by every message of the thread (see the module docstring)."""
    if references:
        return references[0]
    return in_reply_to or message_id


@dataclass(frozen=True)
class ThreadHeaders:
    """The threading headers of one outgoing email."""

    message_id: str
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()

    @property
    def is_reply(self) -> bool:
        """Whether the email answers an earlier one."""
        return self.in_reply_to is not None

    def as_headers(self) -> dict[str, str]:
        """Return the headers to set on the email (reply headers only on replies)."""
        headers = {"Message-ID": self.message_id}
        if self.in_reply_to is not None:
            headers["In-Reply-To"] = self.in_reply_to
        if self.references:
            headers["References"] = " ".join(self.references)
        return headers


def reply_headers(event: RoomEvent, options: Mapping[str, Any], from_email: str) -> ThreadHeaders:
    """Return the threading headers of an email sending ``event`` (see the module docstring)."""
    message_id = new_message_id(from_email)
    parent, references = _thread_source(event, options)
    if parent is None:
        return ThreadHeaders(message_id=message_id)
    chain = [ref for ref in references if ref != parent] + [parent]
    return ThreadHeaders(message_id=message_id, in_reply_to=parent, references=tuple(chain))


def _thread_source(event: RoomEvent, options: Mapping[str, Any]) -> tuple[str | None, list[str]]:
    explicit = parse_message_ids(options.get("in_reply_to"))
    if explicit:
        return explicit[0], parse_message_ids(options.get("references"))
    for thread in (options.get("email_thread"), event.metadata.get("email_thread")):
        if isinstance(thread, Mapping):
            ids = parse_message_ids(thread.get("message_id"))
            if ids:
                return ids[0], parse_message_ids(thread.get("references"))
    data = event.channel_data
    parent_ids = parse_message_ids(data.reply_to_id)
    if parent_ids:
        return parent_ids[0], parse_message_ids(data.thread_id)
    return None, []


def reply_subject(
    subject: str | None, event: RoomEvent, options: Mapping[str, Any], *, replying: bool
) -> str:
    """Return the subject: explicit, else the thread's or the event's, with ``Re: `` on replies."""
    chosen = subject or _str(event.metadata.get("subject"))
    if not chosen:
        for thread in (options.get("email_thread"), event.metadata.get("email_thread")):
            if isinstance(thread, Mapping) and _str(thread.get("subject")):
                chosen = _str(thread.get("subject"))
                break
    chosen = chosen or DEFAULT_SUBJECT
    if replying and not _REPLY_PREFIX.match(chosen):
        return f"Re: {chosen}"
    return chosen


def _str(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def email_thread_metadata(meta: WebhookMeta) -> dict[str, Any]:
    """Return binding metadata that makes replies to an inbound email join its thread.

    Store it with ``kit.update_binding_metadata(room_id, channel_id, ...)``; a channel
    whose defaults include ``email_thread`` (and ``subject``) then hands it to the
    provider on every send.
    """
    email = meta.raw.get("email")
    if not isinstance(email, Mapping) or not email.get("message_id"):
        return {}
    thread = {
        "message_id": email["message_id"],
        "references": list(email.get("references") or []),
        "subject": email.get("subject") or "",
    }
    metadata: dict[str, Any] = {"email_thread": thread}
    if thread["subject"]:
        metadata["subject"] = thread["subject"]
    return metadata
