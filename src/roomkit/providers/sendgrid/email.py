"""Sending room events as emails through the SendGrid v3 Mail Send API.

``POST /v3/mail/send`` with bearer authentication; SendGrid answers ``202 Accepted`` with
the message id in the ``X-Message-Id`` header (the prefix of the ``sg_message_id`` its
event webhook reports). Bodies, attachments and threading follow
:mod:`roomkit.providers.email.compose` and :mod:`roomkit.providers.email.threads`:
``data:`` media are attached base64-encoded, remote media are linked in the body
(SendGrid does not fetch attachments by URL).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from roomkit.models.delivery import ProviderResult
from roomkit.providers._http import VendorHTTP
from roomkit.providers.email._vendor import VendorEmailProvider
from roomkit.providers.email.compose import OutgoingEmail
from roomkit.providers.sendgrid.config import SendGridConfig

if TYPE_CHECKING:
    import httpx

__all__ = ["SENDGRID_API", "SendGridProvider", "mail_send_payload"]

logger = logging.getLogger("roomkit.providers.sendgrid")

SENDGRID_API = "https://api.sendgrid.com/v3"
"""Base URL of the SendGrid v3 REST API."""


class SendGridProvider(VendorEmailProvider):
    """Sends emails with SendGrid's Mail Send endpoint."""

    def __init__(
        self,
        config: SendGridConfig,
        *,
        http_client: httpx.AsyncClient | None = None,
        base_url: str = SENDGRID_API,
        timeout: float = 10.0,
    ) -> None:
        super().__init__(
            config,
            VendorHTTP(
                "sendgrid",
                base_url,
                timeout=timeout,
                headers={"Authorization": f"Bearer {config.api_key.get_secret_value()}"},
                http_client=http_client,
            ),
        )

    def __repr__(self) -> str:
        return f"SendGridProvider(from_email={self._config.from_email!r})"

    @property
    def name(self) -> str:
        """Vendor name used in results and webhooks."""
        return "sendgrid"

    async def _submit(self, email: OutgoingEmail) -> ProviderResult:
        """Post the email to ``mail/send``; the id comes back in ``X-Message-Id``."""
        response = await self._http.request("POST", "/mail/send", json=mail_send_payload(email))
        return ProviderResult(
            success=True,
            provider_message_id=response.headers.get("x-message-id"),
            metadata={"email_message_id": email.thread.message_id, "subject": email.subject},
        )


def mail_send_payload(email: OutgoingEmail) -> dict[str, Any]:
    """Return the v3 ``mail/send`` JSON body for ``email``."""
    sender: dict[str, str] = {"email": email.from_email}
    if email.from_name:
        sender["name"] = email.from_name
    content = [{"type": "text/plain", "value": email.body.text or " "}]
    if email.body.html is not None:
        content.append({"type": "text/html", "value": email.body.html})
    payload: dict[str, Any] = {
        "personalizations": [{"to": [{"email": email.to}]}],
        "from": sender,
        "subject": email.subject,
        "content": content,
        "headers": email.thread.as_headers(),
    }
    if email.reply_to:
        payload["reply_to"] = {"email": email.reply_to}
    if email.body.attachments:
        payload["attachments"] = [
            {
                "content": a.base64(),
                "type": a.mime_type,
                "filename": a.filename,
                "disposition": "attachment",
            }
            for a in email.body.attachments
        ]
    return payload
