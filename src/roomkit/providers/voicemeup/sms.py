"""VoiceMeUp SMS/MMS through its REST API (httpx, form POST).

A send posts ``username``, ``auth_token``, ``source_number``, ``destination_number``
and ``message`` (plus ``attachment``, the URL of the first media file, for an MMS; the
URLs of any further files are appended to the text) to ``base_url + send_path``. The
answer is JSON; ``response_status`` ``"error"``/``"failed"`` is a refusal, and the
message id is read from ``message_uid`` (or ``sms_uid`` / ``id``).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from roomkit.errors import ErrorCode, ProviderError
from roomkit.models.delivery import ProviderResult
from roomkit.models.event import RoomEvent
from roomkit.models.webhook import WebhookMeta
from roomkit.providers._http import VendorHTTP
from roomkit.providers._send_results import failure_from_error, vendor_failure
from roomkit.providers.sms._vendor import VendorSMSProvider
from roomkit.providers.voicemeup.config import VoiceMeUpConfig
from roomkit.providers.voicemeup.webhook import voicemeup_webhook_meta

if TYPE_CHECKING:
    import httpx

__all__ = ["VoiceMeUpSMSProvider", "voicemeup_error_code"]

logger = logging.getLogger("roomkit.providers.voicemeup")

_REFUSED = frozenset({"error", "failed", "failure"})


def voicemeup_error_code(body: Any) -> str | None:
    """Read the error code of a VoiceMeUp answer, if it names one."""
    if not isinstance(body, dict):
        return None
    code = body.get("error_code", body.get("code"))
    return None if code is None else str(code)


class VoiceMeUpSMSProvider(VendorSMSProvider[VoiceMeUpConfig]):
    """Sends SMS and MMS with VoiceMeUp (see the module docstring for the request)."""

    def __init__(
        self, config: VoiceMeUpConfig, *, http_client: httpx.AsyncClient | None = None
    ) -> None:
        self._config = config
        self._http = VendorHTTP(
            "voicemeup", config.base_url, timeout=config.timeout, http_client=http_client
        )

    def __repr__(self) -> str:
        return f"VoiceMeUpSMSProvider(username={self._config.username!r})"

    async def _send_sms(
        self, event: RoomEvent, to: str, from_: str | None, text: str, media: list[str]
    ) -> ProviderResult:
        """Send ``event`` to ``to`` (MMS when it carries media)."""
        form = {
            "username": self._config.username,
            "auth_token": self._config.auth_token.get_secret_value(),
            "source_number": from_ or self._config.from_number,
            "destination_number": to,
            "message": "\n".join(part for part in [text, *media[1:]] if part),
        }
        if media:
            form["attachment"] = media[0]
        try:
            answer = await self._http.json("POST", self._config.send_path, data=form)
        except ProviderError as error:
            return failure_from_error(error, voicemeup_error_code)
        result = _result(answer)
        logger.debug("voicemeup send of event %s: success=%s", event.id, result.success)
        return result

    def parse_webhook(self, payload: Mapping[str, Any]) -> WebhookMeta:
        """Normalise one VoiceMeUp webhook (MMS parts are not joined here)."""
        return voicemeup_webhook_meta(payload)

    def verify_shared_secret(self, token: str | None) -> bool:
        """Whether ``token`` (from your webhook URL) equals ``webhook_secret``.

        VoiceMeUp does not sign webhooks; without a configured secret this is ``False``.
        """
        secret = self._config.webhook_secret
        if secret is None or not token:
            return False
        return hmac.compare_digest(secret.get_secret_value().encode(), token.encode())

    async def close(self) -> None:
        """Close the HTTP client if this provider created it."""
        await self._http.close()


def _result(answer: Any) -> ProviderResult:
    if not isinstance(answer, dict):
        return vendor_failure(
            "voicemeup answered a body that is not an object",
            code=None,
            reason=ErrorCode.INVALID_PAYLOAD,
        )
    status = str(answer.get("response_status", answer.get("status", ""))).lower()
    if status in _REFUSED:
        message = answer.get("response_message", answer.get("message"))
        return vendor_failure(
            str(message or "voicemeup refused the message"), code=voicemeup_error_code(answer)
        )
    message_id = next(
        (str(answer[k]) for k in ("message_uid", "sms_uid", "id") if answer.get(k)), None
    )
    return ProviderResult(
        success=True, provider_message_id=message_id, metadata={"status": status}
    )
