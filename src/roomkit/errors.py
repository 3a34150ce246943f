"""RoomKit's exception tree.

Every error the library raises on purpose derives from :class:`RoomKitError`::

    RoomKitError
    ├── NotFoundError
    │   ├── RoomNotFoundError
    │   ├── ChannelNotFoundError        (channel not attached to the room)
    │   ├── ChannelNotRegisteredError   (channel id unknown to the kit)
    │   ├── EventNotFoundError
    │   ├── ParticipantNotFoundError
    │   ├── IdentityNotFoundError
    │   └── TaskNotFoundError
    ├── DuplicateEventError           (the room already holds this idempotency key)
    ├── UnstorableValueError          (a value the store's database cannot hold)
    ├── RoomClosedError
    ├── ConfigurationError
    │   └── VoiceNotConfiguredError
    ├── LockTimeoutError              (a room lock could not be had in time)
    ├── ProcessTimeoutError           (locked processing ran past process_timeout)
    ├── CircuitOpenError              (a provider's circuit breaker refuses calls)
    ├── ProviderError                 (a vendor call failed; carries code and retryable)
    └── WebhookError                  (an inbound webhook was refused)
        ├── InvalidSignatureError     (missing, forged or stale signature)
        └── InvalidPayloadError       (malformed body or wrong content type)
"""

from __future__ import annotations

from enum import StrEnum, unique

__all__ = [
    "ErrorCode",
    "ChannelNotFoundError",
    "ChannelNotRegisteredError",
    "CircuitOpenError",
    "ConfigurationError",
    "DuplicateEventError",
    "EventNotFoundError",
    "InvalidPayloadError",
    "InvalidSignatureError",
    "IdentityNotFoundError",
    "LockTimeoutError",
    "NotFoundError",
    "ParticipantNotFoundError",
    "ProcessTimeoutError",
    "ProviderError",
    "RoomClosedError",
    "RoomKitError",
    "RoomNotFoundError",
    "TaskNotFoundError",
    "UnstorableValueError",
    "VoiceNotConfiguredError",
    "WebhookError",
]


class RoomKitError(Exception):
    """Base class of every error RoomKit raises on purpose."""


class NotFoundError(RoomKitError, LookupError):
    """Something looked up by id does not exist."""


class RoomNotFoundError(NotFoundError):
    """No room has this id."""


class ChannelNotFoundError(NotFoundError):
    """The channel is not attached to the room."""


class ChannelNotRegisteredError(NotFoundError):
    """No channel with this id was registered with the kit."""


class EventNotFoundError(NotFoundError):
    """No event has this id."""


class ParticipantNotFoundError(NotFoundError):
    """No participant with this id in the room."""


class IdentityNotFoundError(NotFoundError):
    """No identity has this id."""


class TaskNotFoundError(NotFoundError):
    """No task has this id."""


class DuplicateEventError(RoomKitError, ValueError):
    """A store refused an event whose idempotency key its room already holds.

    Stores with a unique index raise it when two processes race past the idempotency
    check; the inbound pipeline turns it into a duplicate result.
    """


class UnstorableValueError(RoomKitError, ValueError):
    """A store refused a value its database cannot hold as given; nothing was written.

    Text with a NUL character (U+0000) in PostgreSQL; in either SQL store, text with a
    lone surrogate (not valid Unicode, so not encodable as UTF-8 or JSON) or an
    infinite or NaN float (JSON has neither). ``json.loads`` accepts them all
    (``"\\u0000"``, ``"\\ud800"``, ``NaN``).
    """


class RoomClosedError(RoomKitError):
    """The room is closed or archived and accepts no new events."""


class ConfigurationError(RoomKitError, ValueError):
    """The kit, a channel or a provider was set up inconsistently."""


class VoiceNotConfiguredError(ConfigurationError):
    """A voice operation was asked for but no voice channel or provider is set up."""


class LockTimeoutError(RoomKitError, TimeoutError):
    """A room lock could not be acquired within the allowed time."""


class ProcessTimeoutError(RoomKitError, TimeoutError):
    """Processing inside a room lock took longer than ``process_timeout``."""


class CircuitOpenError(RoomKitError):
    """The circuit breaker of a provider is open: the call was not attempted."""


@unique
class ErrorCode(StrEnum):
    """Stable reasons carried by :class:`ProviderError` (``error.code``)."""

    AUTHENTICATION = "authentication"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    INVALID_REQUEST = "invalid_request"
    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"
    OVERLOADED = "overloaded"
    TIMEOUT = "timeout"
    NETWORK = "network"
    CONTEXT_LENGTH = "context_length"
    DELIVERY_FAILED = "delivery_failed"
    WEBSOCKET_SEND_FAILED = "websocket_send_failed"
    RCS_UNAVAILABLE = "rcs_unavailable"
    INVALID_SIGNATURE = "invalid_signature"
    INVALID_PAYLOAD = "invalid_payload"
    PROVIDER_ERROR = "provider_error"


class ProviderError(RoomKitError):
    """A vendor call failed.

    ``code`` is a stable machine-readable reason, ``retryable`` tells the retry layer
    whether trying again may succeed, ``status_code`` is the HTTP status if any, and
    ``body`` the vendor's answer as received (the message quotes only its start).
    """

    def __init__(
        self,
        message: str,
        *,
        code: str = ErrorCode.PROVIDER_ERROR,
        retryable: bool = False,
        status_code: int | None = None,
        provider: str | None = None,
        retry_after: float | None = None,
        body: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.body = body
        self.retry_after = retry_after
        self.retryable = retryable
        self.status_code = status_code
        self.provider = provider


class WebhookError(RoomKitError):
    """An inbound webhook was refused; nothing from it was processed or stored."""

    code: str = ErrorCode.INVALID_PAYLOAD


class InvalidSignatureError(WebhookError):
    """The webhook's signature is missing, does not match, or is too old."""

    code = ErrorCode.INVALID_SIGNATURE


class InvalidPayloadError(WebhookError, ValueError):
    """The webhook body is malformed, incomplete or of the wrong content type."""

    code = ErrorCode.INVALID_PAYLOAD
