"""Authentication: bearer tokens, pluggable authenticators and the anonymous opt-in."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr
from starlette.requests import HTTPConnection
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from roomkit import ConfigurationError, RoomKit, WebSocketChannel
from roomkit.integrations.asgi import AuthenticationError, BearerAuth, create_app
from tests.integrations.conftest import TOKEN, Served, serve


def test_the_app_refuses_to_start_without_auth_unless_anonymous_is_explicit() -> None:
    kit = RoomKit()
    with pytest.raises(ConfigurationError, match="allow_anonymous"):
        create_app(kit)
    assert create_app(kit, allow_anonymous=True) is not None
    with pytest.raises(ConfigurationError, match="max_body_bytes"):
        create_app(kit, allow_anonymous=True, max_body_bytes=0)


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}],
)
async def test_rest_without_a_valid_token_is_401_and_touches_nothing(
    served: Served, headers: dict[str, str]
) -> None:
    async with httpx.AsyncClient(base_url=served.base_url, headers=headers) as client:
        response = await client.post("/rooms", json={"room_id": "sneaky"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "unauthenticated"
    assert await served.kit.store.get_room("sneaky") is None


async def test_the_openapi_schema_is_public_and_declares_bearer_auth(served: Served) -> None:
    async with served.client(authenticated=False) as client:
        schema = (await client.get("/openapi.json")).json()
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert schema["security"] == [{"bearerAuth": []}]


async def test_websocket_handshake_without_token_is_refused(served: Served) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(f"{served.ws_url}/ws/ws-user"):
            pass
    assert refused.value.response.status_code == 403
    with pytest.raises(InvalidStatus):
        async with connect(f"{served.ws_url}/ws/ws-user?access_token=wrong"):
            pass
    assert served.kit.get_channel("ws-user").connection_count == 0  # type: ignore[union-attr]


async def test_websocket_accepts_the_header_or_the_query_token(served: Served) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with connect(f"{served.ws_url}/ws/ws-user", additional_headers=headers) as ws:
        assert '"connected"' in str(await ws.recv())
    async with connect(f"{served.ws_url}/ws/ws-user?access_token={TOKEN}") as ws:
        assert '"connected"' in str(await ws.recv())


async def test_query_token_is_refused_for_rest_and_when_disabled(kit: RoomKit) -> None:
    kit.register_channel(WebSocketChannel("ws"))
    app = create_app(kit, auth=BearerAuth(["t1"], query_param=None))
    async with serve(app) as base_url:
        async with httpx.AsyncClient(base_url=base_url) as client:
            assert (await client.get("/rooms", params={"access_token": "t1"})).status_code == 401
            ok = await client.get("/rooms", headers={"Authorization": "Bearer t1"})
            assert ok.status_code == 200
        with pytest.raises(InvalidStatus):
            async with connect("ws" + base_url[4:] + "/ws/ws?access_token=t1"):
                pass


async def test_a_custom_authenticator_sees_the_connection_and_can_forbid(kit: RoomKit) -> None:
    seen: list[str] = []

    async def by_api_key(connection: HTTPConnection) -> str:
        key = connection.headers.get("x-api-key")
        seen.append(connection.url.path)
        if key == "admin":
            return "admin"
        if key is None:
            raise AuthenticationError()
        raise AuthenticationError("read-only key", status_code=403)

    app = create_app(kit, auth=by_api_key)
    async with serve(app) as base_url, httpx.AsyncClient(base_url=base_url) as client:
        assert (await client.get("/rooms", headers={"x-api-key": "admin"})).status_code == 200
        forbidden = await client.get("/rooms", headers={"x-api-key": "guest"})
        assert forbidden.status_code == 403
        assert forbidden.json()["error"]["code"] == "forbidden"
        assert "www-authenticate" not in forbidden.headers
        assert (await client.get("/rooms")).status_code == 401
    assert seen == ["/rooms"] * 3


async def test_bearer_auth_maps_tokens_to_principals() -> None:
    auth = BearerAuth({"alice": SecretStr("a-token"), "bob": "b-token"})
    request = HTTPConnection(
        {"type": "http", "headers": [(b"authorization", b"Bearer b-token")], "query_string": b""}
    )
    assert await auth(request) == "bob"
    assert "b-token" not in repr(auth)
    assert "a-token" not in repr(auth)


def test_bearer_auth_needs_tokens() -> None:
    with pytest.raises(ValueError, match="token"):
        BearerAuth([])
    with pytest.raises(ValueError, match="token"):
        BearerAuth({"x": ""})
