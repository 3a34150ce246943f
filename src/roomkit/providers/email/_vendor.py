"""The sending policy shared by the HTTP email vendors (Elastic Email, SendGrid).

Template method: :meth:`VendorEmailProvider.send` composes the email (bodies,
attachments, threading headers), hands it to the vendor's ``_submit`` and turns a vendor
refusal into an unsuccessful :class:`ProviderResult`; each vendor only builds its request
and reads its answer.
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from typing import Any, Protocol

from roomkit.errors import ProviderError
from roomkit.models.delivery import ProviderResult
from roomkit.models.event import RoomEvent
from roomkit.providers._http import VendorHTTP
from roomkit.providers._send_results import failure_from_error
from roomkit.providers.email.base import EmailProvider
from roomkit.providers.email.compose import OutgoingEmail, prepare_email

__all__ = ["VendorEmailProvider"]

logger = logging.getLogger("roomkit.providers.email")


class SenderConfig(Protocol):
    """The config fields every email vendor has."""

    from_email: str
    from_name: str | None


class VendorEmailProvider(EmailProvider):
    """An email vendor reached over HTTP: compose, submit, translate refusals."""

    def __init__(self, config: SenderConfig, http: VendorHTTP) -> None:
        self._config = config
        self._http = http

    @property
    def from_address(self) -> str | None:
        """The configured sender address."""
        return self._config.from_email

    async def send(
        self,
        event: RoomEvent,
        to: str,
        from_: str | None = None,
        subject: str | None = None,
        **options: Any,
    ) -> ProviderResult:
        """Send ``event`` to ``to``; vendor refusals come back as an unsuccessful result."""
        try:
            email = prepare_email(
                event,
                to,
                from_=from_ or self._config.from_email,
                from_name=self._config.from_name,
                subject=subject,
                options=options,
                reply_to=getattr(self._config, "reply_to", None),
            )
            return await self._submit(email)
        except ProviderError as exc:
            logger.warning("%s refused event %s: %s", self.name, event.id, exc.code)
            return failure_from_error(exc)

    @abstractmethod
    async def _submit(self, email: OutgoingEmail) -> ProviderResult:
        """Send the composed email with the vendor's API and read its answer."""

    async def close(self) -> None:
        """Close the HTTP client if the provider created it."""
        await self._http.close()
