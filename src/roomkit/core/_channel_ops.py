"""ChannelOpsMixin: registering channels and managing their bindings to rooms."""

from __future__ import annotations

from typing import Any

from roomkit.channels.ai import AIChannel
from roomkit.channels.base import Channel
from roomkit.channels.websocket import SendFn, WebSocketChannel
from roomkit.core._helpers import HelpersMixin
from roomkit.errors import (
    ChannelNotRegisteredError,
    ConfigurationError,
    RoomClosedError,
    VoiceNotConfiguredError,
)
from roomkit.models.channel import ChannelBinding
from roomkit.models.content import AudioContent, SystemContent
from roomkit.models.enums import (
    Access,
    ChannelCategory,
    ChannelDirection,
    ChannelType,
    EventStatus,
    EventType,
    HookTrigger,
    RoomStatus,
)
from roomkit.models.event import EventSource, RoomEvent
from roomkit.voice.backends.base import VoiceBackend
from roomkit.voice.base import VoiceSession

__all__ = ["ChannelOpsMixin"]

_BINDING_FIELDS = frozenset(
    {
        "direction",
        "muted",
        "participant_id",
        "rate_limit",
        "retry_policy",
        "metadata",
        "capabilities",
        "last_read_index",
    }
)


class ChannelOpsMixin(HelpersMixin):
    """Registering channels, attaching them to rooms and changing their permissions."""

    def register_channel(self, channel: Channel) -> None:
        """Make a channel available to rooms; its id must be unique in the kit."""
        if (
            channel.channel_id in self._channels
            and self._channels[channel.channel_id] is not channel
        ):
            raise ConfigurationError(f"a channel with id {channel.channel_id!r} is registered")
        self._channels[channel.channel_id] = channel
        if isinstance(channel, AIChannel) and not channel.telemetry.enabled:
            channel.telemetry = self._telemetry  # AI generations join the kit's traces
        # A channel that works with the kit itself (a voice channel runs hooks and feeds
        # transcriptions in) receives it through an optional ``on_register(kit)``.
        attach = getattr(channel, "on_register", None)
        if callable(attach):
            attach(self)

    def get_channel(self, channel_id: str) -> Channel | None:
        """Return a registered channel, or ``None``."""
        return self._channels.get(channel_id)

    def list_channels(self) -> list[Channel]:
        """Return every registered channel."""
        return list(self._channels.values())

    async def attach_channel(
        self,
        room_id: str,
        channel_id: str,
        channel_type: ChannelType | None = None,
        category: ChannelCategory = ChannelCategory.TRANSPORT,
        access: Access = Access.READ_WRITE,
        visibility: str = "all",
        **kwargs: Any,
    ) -> ChannelBinding:
        """Bind a channel to a room; extra keywords set binding fields (metadata, muted...)."""
        unknown = set(kwargs) - _BINDING_FIELDS
        if unknown:
            raise TypeError(f"attach_channel() got unexpected keyword(s): {sorted(unknown)}")
        room = await self._require_room(room_id)
        if room.status in (RoomStatus.CLOSED, RoomStatus.ARCHIVED):
            raise RoomClosedError(f"room {room_id!r} is {room.status.value}")
        binding = self._new_binding(
            room_id, channel_id, channel_type, category, access, visibility, kwargs
        )
        stored = await self._store.add_binding(binding)
        await self._emit("room_channel_attached", room_id=room_id, channel_id=channel_id)
        await self._channel_event(
            stored, EventType.CHANNEL_ATTACHED, HookTrigger.ON_CHANNEL_ATTACHED
        )
        return stored

    def _new_binding(
        self,
        room_id: str,
        channel_id: str,
        channel_type: ChannelType | None,
        category: ChannelCategory,
        access: Access,
        visibility: str,
        fields: dict[str, Any],
    ) -> ChannelBinding:
        channel = self._channels.get(channel_id)
        values: dict[str, Any] = {"access": access, "visibility": visibility, **fields}
        if channel is not None:
            values.setdefault("capabilities", channel.capabilities())
            values.setdefault("direction", channel.direction)
            category = channel.category
            channel_type = channel_type or channel.channel_type
        if channel_type is None:
            raise ChannelNotRegisteredError(
                f"channel {channel_id!r} is not registered; register it or pass channel_type"
            )
        return ChannelBinding(
            channel_id=channel_id,
            room_id=room_id,
            channel_type=channel_type,
            category=category,
            attached_at=self._clock(),
            **values,
        )

    async def detach_channel(self, room_id: str, channel_id: str) -> bool:
        """Remove a channel from a room; return whether it was attached."""
        binding = await self._store.get_binding(room_id, channel_id)
        if binding is None:
            return False
        removed = await self._store.remove_binding(room_id, channel_id)
        await self._emit("room_channel_detached", room_id=room_id, channel_id=channel_id)
        await self._channel_event(
            binding, EventType.CHANNEL_DETACHED, HookTrigger.ON_CHANNEL_DETACHED
        )
        return removed

    async def mute(self, room_id: str, channel_id: str) -> ChannelBinding:
        """Silence a channel: it still sees events, but what it says is not broadcast."""
        binding = await self._update_binding(room_id, channel_id, muted=True)
        await self._channel_event(binding, EventType.CHANNEL_MUTED, HookTrigger.ON_CHANNEL_MUTED)
        return binding

    async def unmute(self, room_id: str, channel_id: str) -> ChannelBinding:
        """Let a muted channel speak again."""
        binding = await self._update_binding(room_id, channel_id, muted=False)
        await self._channel_event(
            binding, EventType.CHANNEL_UNMUTED, HookTrigger.ON_CHANNEL_UNMUTED
        )
        return binding

    async def set_visibility(
        self, room_id: str, channel_id: str, visibility: str
    ) -> ChannelBinding:
        """Set who sees what this channel writes (all, none, transport, intelligence, ids)."""
        binding = await self._update_binding(room_id, channel_id, visibility=visibility)
        await self._channel_event(binding, EventType.CHANNEL_UPDATED, None)
        return binding

    async def set_access(self, room_id: str, channel_id: str, access: Access) -> ChannelBinding:
        """Set whether the channel may send and/or receive in the room."""
        binding = await self._update_binding(room_id, channel_id, access=Access(access))
        await self._channel_event(binding, EventType.CHANNEL_UPDATED, None)
        return binding

    async def update_binding_metadata(
        self, room_id: str, channel_id: str, metadata: dict[str, Any]
    ) -> ChannelBinding:
        """Merge ``metadata`` into the binding's metadata (per-room channel settings)."""
        binding = await self._require_binding(room_id, channel_id)
        merged = {**binding.metadata, **metadata}
        return await self._store.update_binding(binding.model_copy(update={"metadata": merged}))

    async def get_binding(self, room_id: str, channel_id: str) -> ChannelBinding:
        """Return the channel's binding in the room; raises ``ChannelNotFoundError``."""
        return await self._require_binding(room_id, channel_id)

    async def list_bindings(self, room_id: str) -> list[ChannelBinding]:
        """Return every binding of the room."""
        await self._require_room(room_id)
        return await self._store.list_bindings(room_id)

    async def _update_binding(
        self, room_id: str, channel_id: str, **changes: Any
    ) -> ChannelBinding:
        binding = await self._require_binding(room_id, channel_id)
        return await self._store.update_binding(binding.model_copy(update=changes))

    async def _channel_event(
        self, binding: ChannelBinding, event_type: EventType, trigger: HookTrigger | None
    ) -> None:
        """Record a binding change in the timeline and run its lifecycle hooks."""
        event = RoomEvent(
            room_id=binding.room_id,
            type=event_type,
            source=EventSource(
                channel_id=binding.channel_id,
                channel_type=binding.channel_type,
                direction=ChannelDirection.OUTBOUND,
            ),
            content=SystemContent(
                body=event_type.value,
                code=event_type.value,
                data={"channel_id": binding.channel_id},
            ),
            status=EventStatus.DELIVERED,
            visibility="none",
            created_at=self._clock(),
        )
        stored = await self._store.add_event(event)
        if trigger is not None:
            context = await self._build_context(binding.room_id)
            await self._run_async_hooks(trigger, stored, context)

    # --- WebSocket connections -----------------------------------------------------

    def _websocket(self, channel_id: str) -> WebSocketChannel:
        channel = self._require_channel(channel_id)
        if not isinstance(channel, WebSocketChannel):
            raise ConfigurationError(f"channel {channel_id!r} is not a WebSocketChannel")
        return channel

    async def connect_websocket(
        self, channel_id: str, connection_id: str, send_fn: SendFn
    ) -> None:
        """Register a live connection on a WebSocket channel; events reach it via ``send_fn``."""
        self._websocket(channel_id).register_connection(connection_id, send_fn)
        await self._emit(
            "channel_connected", channel_id=channel_id, data={"connection_id": connection_id}
        )

    async def disconnect_websocket(self, channel_id: str, connection_id: str) -> None:
        """Forget a connection of a WebSocket channel."""
        if self._websocket(channel_id).unregister_connection(connection_id):
            await self._emit(
                "channel_disconnected",
                channel_id=channel_id,
                data={"connection_id": connection_id},
            )

    # --- voice ----------------------------------------------------------------------------

    def _voice_backend(self, channel_id: str) -> VoiceBackend:
        channel = self._channels.get(channel_id)
        backend = getattr(channel, "backend", None)
        if isinstance(backend, VoiceBackend):
            return backend
        if self._voice is None:
            raise VoiceNotConfiguredError(
                "no voice backend: pass RoomKit(voice=...) or register a channel with a backend"
            )
        return self._voice

    async def connect_voice(
        self,
        room_id: str,
        participant_id: str,
        channel_id: str,
        metadata: dict[str, Any] | None = None,
    ) -> VoiceSession:
        """Open a voice session for a participant on a channel of the room."""
        backend = self._voice_backend(channel_id)
        room = await self._require_room(room_id)
        if room.status in (RoomStatus.CLOSED, RoomStatus.ARCHIVED):
            raise RoomClosedError(f"room {room_id!r} is {room.status.value}")
        if await self._store.get_binding(room_id, channel_id) is None:
            await self.attach_channel(
                room_id, channel_id, channel_type=ChannelType.VOICE, participant_id=participant_id
            )
        session = await backend.connect(room_id, participant_id, channel_id, metadata=metadata)
        bind = getattr(self._channels.get(channel_id), "bind_session", None)
        if callable(bind):
            bind(session)
        await self._emit(
            "voice_session_started",
            room_id=room_id,
            channel_id=channel_id,
            data={"session_id": session.id, "participant_id": participant_id},
        )
        return session

    async def disconnect_voice(self, session: VoiceSession) -> None:
        """End a voice session."""
        unbind = getattr(self._channels.get(session.channel_id), "unbind_session", None)
        if callable(unbind):
            await unbind(session)
        await self._voice_backend(session.channel_id).disconnect(session)
        await self._emit(
            "voice_session_ended",
            room_id=session.room_id,
            channel_id=session.channel_id,
            data={"session_id": session.id},
        )

    async def transcribe(self, audio: AudioContent) -> str:
        """Turn audio into text with the kit's speech-to-text provider."""
        if self._stt is None:
            raise VoiceNotConfiguredError("no speech-to-text provider: pass RoomKit(stt=...)")
        return await self._stt.transcribe(audio)

    async def synthesize(self, text: str, voice: str | None = None) -> AudioContent:
        """Turn text into audio with the kit's text-to-speech provider."""
        if self._tts is None:
            raise VoiceNotConfiguredError("no text-to-speech provider: pass RoomKit(tts=...)")
        return await self._tts.synthesize(text, voice=voice)
