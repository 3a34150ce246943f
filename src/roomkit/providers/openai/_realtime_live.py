"""What :class:`OpenAIRealtimeProvider` keeps for each session: state and settings."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from roomkit.errors import ConfigurationError
from roomkit.providers.openai.config import OpenAIRealtimeConfig
from roomkit.voice.realtime.base import RealtimeSession

if TYPE_CHECKING:
    from openai.resources.realtime.realtime import AsyncRealtimeConnection

    from roomkit.voice.codecs import Resampler

__all__ = ["LiveSession", "make_resampler", "session_config"]

_SESSION_OPTIONS = frozenset(OpenAIRealtimeConfig.model_fields) - {"api_key", "base_url"}
"""Config fields a session may override through ``provider_config``."""


@dataclass
class LiveSession:
    """One open Realtime connection and the state read from its events.

    ``audio_item`` is the ``(item_id, content_index)`` of the model audio being
    received and ``audio_ms`` how much of it arrived, so an interruption can truncate
    the item. ``response_wanted`` marks a ``response.create`` held until the running
    response ends. ``tool_names`` remembers function names announced by
    ``response.output_item.added`` (beta argument events carry none).
    ``vad_interrupts`` tells that the server cuts its own response when its VAD hears
    the participant (server VAD with ``interrupt_response``).
    """

    session: RealtimeSession
    conn: AsyncRealtimeConnection
    config: OpenAIRealtimeConfig
    to_api: Resampler | None
    from_api: Resampler | None
    reader: asyncio.Task[None] | None = None
    closing: bool = False
    response_active: bool = False
    response_wanted: bool = False
    audio_item: tuple[str, int] | None = None
    audio_ms: float = 0.0
    tool_names: dict[str, str] = field(default_factory=dict)
    vad_interrupts: bool = False


def make_resampler(from_rate: int, to_rate: int) -> Resampler | None:
    """A streaming resampler between two rates, or ``None`` when they are equal.

    The codecs module (and numpy) is imported only when a conversion is needed.
    """
    if from_rate == to_rate:
        return None
    from roomkit.voice.codecs import Resampler

    return Resampler(from_rate, to_rate)


def session_config(
    config: OpenAIRealtimeConfig, overrides: dict[str, Any] | None
) -> OpenAIRealtimeConfig:
    """``config`` with a session's ``provider_config`` applied (validated)."""
    if not overrides:
        return config
    unknown = sorted(set(overrides) - _SESSION_OPTIONS)
    if unknown:
        raise ConfigurationError(f"unknown OpenAI Realtime provider_config keys: {unknown}")
    try:
        return OpenAIRealtimeConfig.model_validate({**dict(config), **overrides})
    except ValueError as exc:
        raise ConfigurationError(f"invalid OpenAI Realtime provider_config: {exc}") from exc
