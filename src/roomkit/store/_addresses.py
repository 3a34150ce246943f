"""Identities and the index that resolves a channel address to one of them."""

from __future__ import annotations

from roomkit.errors import IdentityNotFoundError
from roomkit.models.identity import Identity

__all__ = ["AddressBook"]


class AddressBook:
    """Stored identities, with ``(channel_type, address) -> identity id`` kept in step.

    An address reaches one identity at a time: linking it to another identity moves it
    there, removing it from the previous owner's ``channel_addresses``. Identities held
    here are the stored objects themselves; callers copy them on the way in and out.
    """

    __slots__ = ("_addresses", "_identities")

    def __init__(self) -> None:
        """Start with no identities."""
        self._identities: dict[str, Identity] = {}
        self._addresses: dict[tuple[str, str], str] = {}

    def add(self, identity: Identity) -> None:
        """Store an identity and index its addresses; raises ``ValueError`` on a taken id."""
        if identity.id in self._identities:
            raise ValueError(f"identity {identity.id!r} already exists")
        self._identities[identity.id] = identity
        for channel_type, addresses in list(identity.channel_addresses.items()):
            for address in list(addresses):
                self._claim(identity.id, str(channel_type), address)

    def get(self, identity_id: str) -> Identity | None:
        """Return the stored identity, or ``None``."""
        return self._identities.get(identity_id)

    def resolve(self, channel_type: str, address: str) -> Identity | None:
        """Return the stored identity reachable at the address, or ``None``."""
        identity_id = self._addresses.get((str(channel_type), address))
        return None if identity_id is None else self._identities[identity_id]

    def link(self, identity_id: str, channel_type: str, address: str) -> Identity:
        """Give the identity one more address and return it (stored object)."""
        identity = self._identities.get(identity_id)
        if identity is None:
            raise IdentityNotFoundError(f"identity {identity_id!r} not found")
        kind = str(channel_type)
        addresses = identity.channel_addresses.setdefault(kind, [])
        if address not in addresses:
            addresses.append(address)
        self._claim(identity_id, kind, address)
        return identity

    def _claim(self, identity_id: str, channel_type: str, address: str) -> None:
        """Point the address at ``identity_id``, removing it from a previous owner."""
        key = (channel_type, address)
        previous = self._addresses.get(key)
        self._addresses[key] = identity_id
        if previous is None or previous == identity_id:
            return
        owned = self._identities[previous].channel_addresses
        addresses = owned.get(channel_type, [])
        if address in addresses:
            addresses.remove(address)
            if not addresses:
                del owned[channel_type]
