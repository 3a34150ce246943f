"""The wire form of an ephemeral event, shared by every realtime backend.

:class:`~roomkit.scale.realtime.RedisRealtime` sends :func:`encode_event`'s JSON text and
its listeners rebuild the event with :func:`decode_event`; :class:`InMemoryRealtime`
passes each published event through both, so its subscribers receive exactly what the
wire would carry (JSON types in ``data``) and a publish fails alike on either backend.
"""

from __future__ import annotations

import json

from roomkit.realtime.base import EphemeralEvent

__all__ = ["decode_event", "encode_event"]


def encode_event(event: EphemeralEvent) -> str:
    """Return ``event`` as JSON text; raise ``ValueError`` if its data has no JSON form."""
    return json.dumps(event.to_dict())


def decode_event(text: str | bytes) -> EphemeralEvent:
    """Rebuild an event from :func:`encode_event`'s text (``ValueError`` if malformed)."""
    return EphemeralEvent.from_dict(json.loads(text))
