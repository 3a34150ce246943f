"""The mock SMS, email, Messenger, WhatsApp and HTTP providers record sends and fail on demand."""

from __future__ import annotations

from typing import Any

import pytest

from roomkit.errors import ProviderError
from roomkit.models import RoomEvent
from roomkit.providers._mock import MockSendRecorder, RecordedSend
from roomkit.providers.email import EmailProvider, MockEmailProvider
from roomkit.providers.http import HTTPProvider, MockHTTPProvider
from roomkit.providers.messenger import MessengerProvider, MockMessengerProvider
from roomkit.providers.rcs import MockRCSProvider, RCSProvider
from roomkit.providers.sms import MockSMSProvider, SMSProvider
from roomkit.providers.whatsapp import MockWhatsAppProvider, WhatsAppProvider

MOCKS: list[tuple[type[MockSendRecorder], type[object], str]] = [
    (MockSMSProvider, SMSProvider, "mock-sms"),
    (MockEmailProvider, EmailProvider, "mock-email"),
    (MockRCSProvider, RCSProvider, "mock-rcs"),
    (MockMessengerProvider, MessengerProvider, "mock-messenger"),
    (MockWhatsAppProvider, WhatsAppProvider, "mock-whatsapp"),
    (MockHTTPProvider, HTTPProvider, "mock-http"),
]
IDS = [mock.__name__ for mock, _, _ in MOCKS]


def make(mock: type[MockSendRecorder], **failure: Any) -> Any:
    return mock(**failure)


@pytest.mark.parametrize(("mock", "base", "prefix"), MOCKS, ids=IDS)
async def test_send_is_recorded_and_succeeds(
    mock: type[MockSendRecorder], base: type[object], prefix: str, event: RoomEvent
) -> None:
    provider = make(mock)

    first = await provider.send(event, to="addr-1", note="x")
    second = await provider.send(event, to="addr-2")

    assert issubclass(mock, base)
    assert first.success and second.success
    assert [first.provider_message_id, second.provider_message_id] == [
        f"{prefix}-1",
        f"{prefix}-2",
    ]
    assert [call.to for call in provider.calls] == ["addr-1", "addr-2"]
    assert provider.calls[0].event == event
    assert provider.calls[0].options["note"] == "x"


@pytest.mark.parametrize(("mock", "base", "prefix"), MOCKS, ids=IDS)
async def test_error_answers_an_unsuccessful_result(
    mock: type[MockSendRecorder], base: type[object], prefix: str, event: RoomEvent
) -> None:
    provider = make(mock, error="rejected", retryable=True)

    result = await provider.send(event, to="addr")

    assert not result.success
    assert result.error == "rejected"
    assert result.metadata["retryable"] is True
    assert len(provider.calls) == 1


@pytest.mark.parametrize(("mock", "base", "prefix"), MOCKS, ids=IDS)
async def test_fail_with_raises_after_recording(
    mock: type[MockSendRecorder], base: type[object], prefix: str, event: RoomEvent
) -> None:
    error = ProviderError("down", retryable=True)
    provider = make(mock, fail_with=error)

    with pytest.raises(ProviderError) as caught:
        await provider.send(event, to="addr")

    assert caught.value is error
    assert len(provider.calls) == 1


async def test_fail_count_fails_only_the_first_calls(event: RoomEvent) -> None:
    provider = MockSMSProvider(error="busy", retryable=True, fail_count=2)

    results = [await provider.send(event, to="+1") for _ in range(3)]

    assert [r.success for r in results] == [False, False, True]
    assert results[2].provider_message_id == "mock-sms-3"


async def test_failure_switches_can_be_changed_after_construction(event: RoomEvent) -> None:
    provider = MockWhatsAppProvider()
    provider.error = "blocked"

    assert not (await provider.send(event, to="+1")).success

    provider.error = None
    assert (await provider.send(event, to="+1")).success


async def test_reset_forgets_calls(event: RoomEvent) -> None:
    provider = MockHTTPProvider()
    await provider.send(event, to="u")

    provider.reset()

    assert provider.calls == []


async def test_sms_sender_defaults_to_from_number(event: RoomEvent) -> None:
    provider = MockSMSProvider()

    await provider.send(event, to="+1")
    await provider.send(event, to="+1", from_="+1999")

    assert provider.from_number == "+15550000000"
    assert [call.from_ for call in provider.calls] == ["+15550000000", "+1999"]


async def test_email_records_sender_and_subject(event: RoomEvent) -> None:
    provider = MockEmailProvider(from_address="support@example.com")

    await provider.send(event, to="a@b.c", subject="Your order")
    await provider.send(event, to="a@b.c", from_="other@example.com")

    first, second = provider.calls
    assert provider.from_address == "support@example.com"
    assert (first.from_, first.options) == ("support@example.com", {"subject": "Your order"})
    assert (second.from_, second.options) == ("other@example.com", {})


def test_recorded_sends_are_immutable(event: RoomEvent) -> None:
    recorded = RecordedSend(to="x", event=event)

    with pytest.raises(ValueError):
        recorded.to = "y"


def test_base_providers_have_no_default_sender() -> None:
    class PlainSMS(SMSProvider):
        async def send(self, event: RoomEvent, to: str, from_: str | None = None, **o: Any) -> Any:
            return None

    class PlainEmail(EmailProvider):
        async def send(
            self,
            event: RoomEvent,
            to: str,
            from_: str | None = None,
            subject: str | None = None,
            **o: Any,
        ) -> Any:
            return None

    assert PlainSMS().from_number is None
    assert PlainEmail().from_address is None
