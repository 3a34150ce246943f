"""Persistence: the ConversationStore contract and its in-memory implementation."""

from __future__ import annotations

from roomkit.store.base import ConversationStore
from roomkit.store.memory import InMemoryStore

__all__ = ["ConversationStore", "InMemoryStore"]
