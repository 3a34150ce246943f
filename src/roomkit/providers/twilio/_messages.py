"""Twilio's Messages resource, shared by the SMS and RCS providers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from roomkit.errors import ErrorCode, ProviderError
from roomkit.models.delivery import ProviderResult
from roomkit.providers._http import VendorHTTP
from roomkit.providers._send_results import failure_from_error, vendor_failure

if TYPE_CHECKING:
    import httpx

__all__ = ["TwilioMessages", "twilio_error_code"]

_FAILED = frozenset({"failed", "undelivered", "canceled"})


def twilio_error_code(body: Any) -> str | None:
    """Read the numeric error code of a Twilio error body."""
    code = body.get("code") if isinstance(body, dict) else None
    return None if code is None else str(code)


class TwilioMessages:
    """Creates messages through ``POST /2010-04-01/Accounts/{sid}/Messages.json``."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        base_url: str,
        timeout: float,
        http_client: httpx.AsyncClient | None,
    ) -> None:
        self.http = VendorHTTP(
            "twilio",
            base_url,
            timeout=timeout,
            auth=(account_sid, auth_token),
            http_client=http_client,
        )
        self.path = f"2010-04-01/Accounts/{account_sid}/Messages.json"

    async def create(self, params: dict[str, Any]) -> ProviderResult:
        """Create one message from form ``params``; report Twilio's answer."""
        try:
            body = await self.http.json("POST", self.path, data=params)
        except ProviderError as error:
            return failure_from_error(error, twilio_error_code)
        return message_result(body)

    async def close(self) -> None:
        """Close the HTTP client if owned."""
        await self.http.close()


def message_result(body: Any) -> ProviderResult:
    """Turn the Message resource Twilio answered into a ProviderResult."""
    if not isinstance(body, dict) or not isinstance(body.get("sid"), str):
        return vendor_failure(
            "twilio answered without a message sid", code=None, reason=ErrorCode.INVALID_PAYLOAD
        )
    status = body.get("status")
    code = body.get("error_code")
    if code is not None or status in _FAILED:
        return vendor_failure(
            str(body.get("error_message") or f"twilio reported the message {status}"),
            code=None if code is None else str(code),
            message_id=body["sid"],
            status=status,
        )
    return ProviderResult(
        success=True, provider_message_id=body["sid"], metadata={"status": status}
    )
