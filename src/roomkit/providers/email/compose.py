"""Turning a room event into the parts of an email: text, HTML, attachments, headers.

Bodies: ``TextContent`` (and system or template text) becomes plain text. ``RichContent``
in HTML becomes the HTML part, with its ``plain_text`` (or the HTML stripped of tags) as
the plain-text fallback; Markdown is sent as plain text. As soon as one part of the
event is HTML the email has an HTML part, the other parts escaped into it.

Attachments (the rule both email vendors follow, since neither fetches remote files):
a media item whose URL is a ``data:`` URL is decoded and attached; an ``http(s)`` URL is
not downloaded but listed as a link at the end of the body. A caption becomes text.
"""

from __future__ import annotations

import base64
import binascii
import html
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import formataddr, parseaddr
from typing import Any
from urllib.parse import unquote_to_bytes

from roomkit.errors import ErrorCode, ProviderError
from roomkit.models.content import (
    AudioContent,
    CompositeContent,
    EventContent,
    LocationContent,
    MediaContent,
    RichContent,
    SystemContent,
    TemplateContent,
    TextContent,
    VideoContent,
)
from roomkit.models.event import RoomEvent
from roomkit.providers._text import html_to_text
from roomkit.providers.email.threads import ThreadHeaders, reply_headers, reply_subject

__all__ = [
    "EmailAttachment",
    "EmailBody",
    "OutgoingEmail",
    "compose_body",
    "decode_data_url",
    "prepare_email",
]


@dataclass(frozen=True)
class EmailAttachment:
    """A file attached to an email."""

    filename: str
    mime_type: str
    data: bytes

    def base64(self) -> str:
        """Return the file content base64-encoded, as email APIs expect it."""
        return base64.b64encode(self.data).decode("ascii")


@dataclass(frozen=True)
class EmailBody:
    """The plain-text and optional HTML bodies and the attachments of an email."""

    text: str
    html: str | None = None
    attachments: tuple[EmailAttachment, ...] = ()


@dataclass
class _Builder:
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    has_html: bool = False
    links: list[tuple[str, str]] = field(default_factory=list)
    attachments: list[EmailAttachment] = field(default_factory=list)

    def add_text(self, text: str) -> None:
        if text:
            self.texts.append(text)
            self.htmls.append(_text_as_html(text))

    def add_html(self, markup: str, fallback: str) -> None:
        self.has_html = True
        self.htmls.append(markup)
        if fallback:
            self.texts.append(fallback)

    def build(self) -> EmailBody:
        texts, htmls = list(self.texts), list(self.htmls)
        if self.links:
            texts.append("\n".join(f"{name}: {url}" for name, url in self.links))
            items = "".join(
                f'<li><a href="{html.escape(url)}">{html.escape(name)}</a></li>'
                for name, url in self.links
            )
            htmls.append(f"<ul>{items}</ul>")
        text = "\n\n".join(texts)
        if not text and self.attachments:
            text = "Attached: " + ", ".join(a.filename for a in self.attachments)
        return EmailBody(
            text=text,
            html="\n".join(htmls) if self.has_html else None,
            attachments=tuple(self.attachments),
        )


def _text_as_html(text: str) -> str:
    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>"


def compose_body(content: EventContent) -> EmailBody:
    """Return the email bodies and attachments for ``content`` (see the module docstring)."""
    builder = _Builder()
    _add(builder, content)
    return builder.build()


def _add(builder: _Builder, content: EventContent) -> None:
    match content:
        case CompositeContent(parts=parts):
            for part in parts:
                _add(builder, part)
        case RichContent(format="html"):
            fallback = content.plain_text if content.plain_text is not None else None
            builder.add_html(content.body, fallback or html_to_text(content.body))
        case RichContent():
            builder.add_text(content.plain_text or content.body)
        case MediaContent() | AudioContent() | VideoContent():
            _add_media(builder, content)
        case LocationContent():
            label = content.label or content.address or "Location"
            maps = f"https://maps.google.com/?q={content.latitude},{content.longitude}"
            builder.add_text(f"{label} ({content.latitude}, {content.longitude})")
            builder.links.append((label, maps))
        case TextContent(body=body) | SystemContent(body=body):
            builder.add_text(body)
        case TemplateContent():
            builder.add_text(content.body or "")


def _add_media(builder: _Builder, media: MediaContent | AudioContent | VideoContent) -> None:
    caption = media.caption if isinstance(media, MediaContent) else None
    if isinstance(media, AudioContent) and media.transcript:
        caption = media.transcript
    filename = media.filename if isinstance(media, MediaContent) else None
    if caption:
        builder.add_text(caption)
    if media.url.startswith("data:"):
        mime, data = decode_data_url(media.url)
        mime_type = media.mime_type or mime
        number = len(builder.attachments) + 1
        name = filename or f"attachment-{number}{mimetypes.guess_extension(mime_type) or ''}"
        builder.attachments.append(EmailAttachment(name, mime_type, data))
    else:
        builder.links.append((filename or media.url.rsplit("/", 1)[-1] or media.url, media.url))


def decode_data_url(url: str) -> tuple[str, bytes]:
    """Return the MIME type and bytes of a ``data:`` URL; refuse a malformed one."""
    header, comma, payload = url.partition(",")
    if not header.startswith("data:") or not comma:
        raise _invalid("a data: URL has no comma separating its header from its data")
    params = header[len("data:") :].split(";")
    mime = params[0] or "text/plain"
    if "base64" in params[1:]:
        try:
            return mime, base64.b64decode(payload, validate=True)
        except (ValueError, binascii.Error):
            raise _invalid("a data: URL marked base64 does not hold valid base64") from None
    return mime, unquote_to_bytes(payload)


def _invalid(message: str) -> ProviderError:
    return ProviderError(message, code=ErrorCode.INVALID_REQUEST, retryable=False)


@dataclass(frozen=True)
class OutgoingEmail:
    """Everything an email vendor needs to send one event."""

    to: str
    from_email: str
    from_name: str | None
    subject: str
    body: EmailBody
    thread: ThreadHeaders
    reply_to: str | None = None

    @property
    def from_header(self) -> str:
        """The sender as ``Name <address>`` (or the bare address)."""
        return formataddr((self.from_name or "", self.from_email))


def prepare_email(
    event: RoomEvent,
    to: str,
    *,
    from_: str,
    from_name: str | None,
    subject: str | None,
    options: Mapping[str, Any],
    reply_to: str | None = None,
) -> OutgoingEmail:
    """Compose the email for ``event``: sender, subject, bodies, attachments and threading.

    ``from_`` may be ``Name <address>``; its name wins over ``from_name``. The recipient
    is reduced to its bare address.
    """
    name, address = parseaddr(from_)
    if "@" not in address:
        raise _invalid("the sender is not an email address")
    if "@" not in parseaddr(to)[1]:
        raise _invalid("the recipient is not an email address")
    thread = reply_headers(event, options, address)
    option_reply_to = options.get("reply_to")
    return OutgoingEmail(
        to=parseaddr(to)[1],
        from_email=address,
        from_name=name or from_name,
        subject=reply_subject(subject, event, options, replying=thread.is_reply),
        body=compose_body(event.content),
        thread=thread,
        reply_to=option_reply_to if isinstance(option_reply_to, str) else reply_to,
    )
