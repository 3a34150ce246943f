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

from roomkit.models.delivery import ProviderResult
from roomkit.providers._http import VendorHTTP
from roomkit.providers.elasticemail.config import ElasticEmailConfig
from roomkit.providers.email._vendor import VendorEmailProvider
from roomkit.providers.email.compose import OutgoingEmail

if TYPE_CHECKING:
    import httpx

__all__ = ["ELASTIC_EMAIL_API", "ElasticEmailProvider"]

logger = logging.getLogger("roomkit.providers.elasticemail")

ELASTIC_EMAIL_API = "https://api.elasticemail.com/v4"
"""Base URL of the Elastic Email v4 REST API."""


class ElasticEmailProvider(VendorEmailProvider):
    """Sends emails with Elastic Email's transactional endpoint."""

    def __init__(
        self,
        config: ElasticEmailConfig,
        *,
        http_client: httpx.AsyncClient | None = None,
        base_url: str = ELASTIC_EMAIL_API,
        timeout: float = 10.0,
    ) -> None:
        super().__init__(
            config,
            VendorHTTP(
                "elasticemail",
                base_url,
                timeout=timeout,
                headers={"X-ElasticEmail-ApiKey": config.api_key.get_secret_value()},
                http_client=http_client,
            ),
        )

    def __repr__(self) -> str:
        return f"ElasticEmailProvider(from_email={self._config.from_email!r})"

    @property
    def name(self) -> str:
        """Vendor name used in results and webhooks."""
        return "elasticemail"

    async def _submit(self, email: OutgoingEmail) -> ProviderResult:
        """Post the email to ``emails/transactional`` and read the ids it answers."""
        answer = await self._http.json(
            "POST", "/emails/transactional", json=transactional_payload(email)
        )
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
