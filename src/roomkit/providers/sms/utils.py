"""SMS helpers: phone numbers in E.164 and one entry point for every vendor's webhooks.

``extract_sms_meta(provider, payload)`` normalises a decoded webhook of ``"twilio"``,
``"telnyx"``, ``"sinch"`` or ``"voicemeup"`` into a :class:`WebhookMeta`: an inbound
message (``kind="inbound"``), a delivery report (``kind="status"``, with the vendor's
own status word and error code) or something else (``kind="other"``). Hand it to
``kit.process_webhook``. The per-vendor ``parse_<vendor>_webhook(payload, channel_id)``
functions return an InboundMessage for an inbound webhook and refuse everything else;
a malformed payload always raises InvalidPayloadError.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from roomkit.errors import ConfigurationError
from roomkit.models.webhook import WebhookMeta
from roomkit.providers.sinch.webhook import sinch_webhook_meta
from roomkit.providers.telnyx.webhook import telnyx_webhook_meta
from roomkit.providers.twilio.webhook import twilio_webhook_meta
from roomkit.providers.voicemeup.webhook import voicemeup_webhook_meta

__all__ = ["SMS_WEBHOOK_PARSERS", "extract_sms_meta", "normalize_phone"]

SMS_WEBHOOK_PARSERS: Mapping[str, Callable[[Mapping[str, Any]], WebhookMeta]] = {
    "sinch": sinch_webhook_meta,
    "telnyx": telnyx_webhook_meta,
    "twilio": twilio_webhook_meta,
    "voicemeup": voicemeup_webhook_meta,
}
"""The webhook normaliser of each SMS vendor, by name."""


def extract_sms_meta(provider: str, payload: Mapping[str, Any]) -> WebhookMeta:
    """Normalise ``payload`` from the SMS vendor ``provider`` (see the module docstring)."""
    parser = SMS_WEBHOOK_PARSERS.get(provider.lower())
    if parser is None:
        known = ", ".join(sorted(SMS_WEBHOOK_PARSERS))
        raise ConfigurationError(f"unknown SMS provider {provider!r} (known: {known})")
    return parser(payload)


def normalize_phone(number: str, region: str = "US") -> str:
    """Return ``number`` in E.164 (``+14185551234``); ``region`` applies to local forms.

    Needs the ``phonenumbers`` package; raises ValueError for an invalid number.
    """
    try:
        import phonenumbers
    except ImportError as exc:  # pragma: no cover - exercised in the bare-install test
        raise ImportError(
            "normalize_phone needs phonenumbers; install it with: "
            "pip install 'roomkit[phonenumbers]'"
        ) from exc
    try:
        parsed = phonenumbers.parse(number, region.upper())
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"not a phone number: {exc}") from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError("not a valid phone number for its country")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
