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
    ├── RoomClosedError
    ├── ConfigurationError
    │   └── VoiceNotConfiguredError
    ├── LockTimeoutError              (a room lock could not be had in time)
    ├── ProcessTimeoutError           (locked processing ran past process_timeout)
    ├── CircuitOpenError              (a provider's circuit breaker refuses calls)
    └── ProviderError                 (a vendor call failed; carries code and retryable)
"""

from __future__ import annotations

__all__ = [
    "ChannelNotFoundError",
    "ChannelNotRegisteredError",
    "CircuitOpenError",
    "ConfigurationError",
    "EventNotFoundError",
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
    "VoiceNotConfiguredError",
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


class ProviderError(RoomKitError):
    """A vendor call failed.

    ``code`` is a stable machine-readable reason, ``retryable`` tells the retry layer
    whether trying again may succeed, ``status_code`` is the HTTP status if any.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str = "provider_error",
        retryable: bool = False,
        status_code: int | None = None,
        provider: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.retryable = retryable
        self.status_code = status_code
        self.provider = provider
