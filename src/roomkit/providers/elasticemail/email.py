"""Sending room events as emails through the Elastic Email v4 API.

``POST /v4/emails/transactional`` with the ``X-ElasticEmail-ApiKey`` header; the answer's
``MessageID`` (the id Elastic Email's notifications quote) becomes the result's
``provider_message_id`` and ``TransactionID`` goes in its metadata. Bodies, attachments
and threading follow :mod:`roomkit.providers.email.compose` and
:mod:`roomkit.providers.email.threads`: ``data:`` media are attached, remote media are
linked in the body (the API attaches only uploaded or inline files).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from roomkit.errors import ProviderError
from roomkit.models.delivery import ProviderResult
from roomkit.models.event import RoomEvent
from roomkit.providers._http import VendorHTTP
from roomkit.providers._send_results import failure_from_error
from roomkit.providers.elasticemail.config import ElasticEmailConfig
from roomkit.providers.email.base import EmailProvider
from roomkit.providers.email.compose import OutgoingEmail, prepare_email

if TYPE_CHECKING:
    import httpx

__all__ = ["ELASTIC_EMAIL_API", "ElasticEmailProvider"]

logger = logging.getLogger("roomkit.providers.elasticemail")

ELASTIC_EMAIL_API = "https://api.elasticemail.com/v4"
"""Base URL of the Elastic Email v4 REST API."""


class ElasticEmailProvider(EmailProvider):
    """Sends emails with Elastic Email's transactional endpoint."""

    def __init__(
        self,
        config: ElasticEmailConfig,
        *,
        http_client: httpx.AsyncClient | None = None,
        base_url: str = ELASTIC_EMAIL_API,
        timeout: float = 10.0,
    ) -> None:
        self._config = config
        self._http = VendorHTTP(
            "elasticemail",
            base_url,
            timeout=timeout,
            headers={"X-ElasticEmail-ApiKey": config.api_key.get_secret_value()},
            http_client=http_client,
        )

    def __repr__(self) -> str:
        return f"ElasticEmailProvider(from_email={self._config.from_email!r})"

    @property
    def name(self) -> str:
        """Vendor name used in results and webhooks."""
        return "elasticemail"

    @property
    def from_address(self) -> str | None:
        """The configured sender address."""
        return self._config.from_email

    async def send(
        self,
        event: RoomEvent,
        to: str,
        from_: str | None = None,
        subject: str | None = None,
        **options: Any,
    ) -> ProviderResult:
        """Send ``event`` to ``to``; vendor refusals come back as an unsuccessful result."""
        try:
            email = prepare_email(
                event,
                to,
                from_=from_ or self._config.from_email,
                from_name=self._config.from_name,
                subject=subject,
                options=options,
            )
            answer = await self._http.json(
                "POST", "/emails/transactional", json=transactional_payload(email)
            )
        except ProviderError as exc:
            logger.warning("Elastic Email refused event %s: %s", event.id, exc.code)
            return failure_from_error(exc)
        answer = answer if isinstance(answer, dict) else {}
        message_id = answer.get("MessageID") or answer.get("TransactionID")
        return ProviderResult(
            success=True,
            provider_message_id=str(message_id) if message_id else None,
            metadata={
                "transaction_id": answer.get("TransactionID"),
                "email_message_id": email.thread.message_id,
                "subject": email.subject,
            },
        )

    async def close(self) -> None:
        """Close the HTTP client if the provider created it."""
        await self._http.close()


def transactional_payload(email: OutgoingEmail) -> dict[str, Any]:
    """Return the v4 ``emails/transactional`` JSON body for ``email``."""
    body = [{"ContentType": "PlainText", "Content": email.body.text}]
    if email.body.html is not None:
        body.append({"ContentType": "HTML", "Content": email.body.html})
    content: dict[str, Any] = {
        "From": email.from_header,
        "Subject": email.subject,
        "Body": body,
        "Headers": email.thread.as_headers(),
    }
    if email.reply_to:
        content["ReplyTo"] = email.reply_to
    if email.body.attachments:
        content["Attachments"] = [
            {"BinaryContent": a.base64(), "Name": a.filename, "ContentType": a.mime_type}
            for a in email.body.attachments
        ]
    return {"Recipients": {"To": [email.to]}, "Content": content}
