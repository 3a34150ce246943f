"""The shared webhook-field reader and the ProviderError-to-result translation."""

from __future__ import annotations

import httpx
import pytest

from roomkit.errors import ErrorCode, InvalidPayloadError, ProviderError
from roomkit.providers._http import error_for_status
from roomkit.providers._send_results import error_body, failure_from_error, vendor_failure
from roomkit.providers._webhook_fields import PayloadReader, decode_form


def test_reader_converts_numbers_and_refuses_other_types() -> None:
    reader = PayloadReader("acme", {"n": 5, "f": 1.5, "b": True, "s": "x", "none": None})

    assert (reader.text("n"), reader.text("f"), reader.text("s")) == ("5", "1.5", "x")
    assert reader.text("none", default="d") == "d"
    assert reader.optional_text("missing") is None
    assert not reader.has("none") and reader.has("s")
    with pytest.raises(InvalidPayloadError, match=r"acme webhook: payload\.b is not text"):
        reader.text("b")
    with pytest.raises(InvalidPayloadError, match=r"payload\.missing is missing"):
        reader.text("missing", required=True)


def test_reader_navigates_objects_and_lists() -> None:
    reader = PayloadReader("acme", {"o": {"k": "v"}, "l": [{"k": "1"}, {"k": "2"}], "t": ["a"]})

    assert reader.child("o").text("k") == "v"
    assert reader.optional_child("absent") is None
    assert [c.text("k") for c in reader.children("l")] == ["1", "2"]
    assert reader.items("absent") == []
    assert reader.texts("t") == ["a"]
    with pytest.raises(InvalidPayloadError, match=r"payload\.l\[0\]"):
        reader.children("l")[0].text("missing", required=True)
    with pytest.raises(InvalidPayloadError, match="not a list"):
        reader.items("o")
    with pytest.raises(InvalidPayloadError, match="holds non-text"):
        reader.texts("l")
    with pytest.raises(InvalidPayloadError, match=r"payload\.t is not an object"):
        reader.child("t")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"A=1&B=two+words&C=", {"A": "1", "B": "two words", "C": ""}),
        ("A=1&A=2", {"A": "2"}),
        (b"", {}),
    ],
)
def test_decode_form(body: bytes | str, expected: dict[str, str]) -> None:
    assert decode_form(body, "acme") == expected


@pytest.mark.parametrize("body", [b"\xff\xfe=1", "no-equals-sign"])
def test_decode_form_refuses_garbage(body: bytes | str) -> None:
    with pytest.raises(InvalidPayloadError, match="not form-encoded"):
        decode_form(body, "acme")


def http_error(status: int, body: str) -> ProviderError:
    return ProviderError(
        f"acme answered HTTP {status}: {body}",
        code=ErrorCode.INVALID_REQUEST,
        status_code=status,
        provider="acme",
    )


def test_error_body_reads_the_quoted_json() -> None:
    assert error_body(http_error(400, '{"code": 7}')) == {"code": 7}
    assert error_body(http_error(400, "<html>")) is None
    assert error_body(ProviderError("no status")) is None
    assert error_body(ProviderError("odd text", status_code=500)) is None


def test_failure_keeps_code_retryability_and_vendor_code() -> None:
    result = failure_from_error(http_error(400, '{"code": 7}'), lambda b: str(b["code"]))

    assert not result.success
    assert result.metadata == {
        "code": "7",
        "reason": "invalid_request",
        "retryable": False,
        "status_code": 400,
    }


def test_a_vendor_code_reader_that_trips_falls_back() -> None:
    result = failure_from_error(http_error(400, '{"errors": []}'), lambda b: b["errors"][0])

    assert result.metadata["code"] == "invalid_request"


def test_vendor_failure_carries_id_and_extra_metadata() -> None:
    result = vendor_failure("nope", code=None, message_id="m1", status="failed")

    assert result.provider_message_id == "m1"
    assert result.metadata == {
        "status": "failed",
        "code": "delivery_failed",
        "reason": "delivery_failed",
        "retryable": False,
    }


def test_a_long_error_answer_keeps_its_vendor_code() -> None:
    """The message quotes 300 characters; the code is read from the whole answer."""
    answer = {
        "error": {
            "message": "(#131030) Recipient phone number not in allowed list " + "x" * 400,
            "type": "OAuthException",
            "code": 131030,
            "fbtrace_id": "Az9",
        }
    }
    response = httpx.Response(400, json=answer)
    error = error_for_status("whatsapp", response)

    assert len(str(error)) < len(response.text)  # the message is cut...
    assert error.body == response.text  # ...the body is whole
    assert error_body(error) == answer
    result = failure_from_error(error, lambda body: str(body["error"]["code"]))
    assert result.metadata["code"] == "131030"
