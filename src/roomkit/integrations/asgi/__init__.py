"""An ASGI app (Starlette) exposing a RoomKit over REST, WebSocket and vendor webhooks.

Needs the ``server`` extra: ``pip install 'roomkit[server]'``. Serve it with any ASGI
server, e.g. ``uvicorn.run(create_app(kit, auth=BearerAuth(tokens={"ops": token})))``.
"""

from __future__ import annotations

try:
    import starlette  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised in a venv without the extra
    raise ImportError(
        "roomkit.integrations.asgi needs Starlette; install it with: pip install 'roomkit[server]'"
    ) from exc

from roomkit.integrations.asgi._auth import AuthenticationError, Authenticator, BearerAuth
from roomkit.integrations.asgi.app import DEFAULT_MAX_BODY, create_app

__all__ = [
    "DEFAULT_MAX_BODY",
    "AuthenticationError",
    "Authenticator",
    "BearerAuth",
    "create_app",
]
