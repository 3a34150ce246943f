"""The REST API over real HTTP on loopback: rooms, timeline, events, channels, side records."""

from __future__ import annotations

import httpx
import pytest

from roomkit import Observation, RoomKit, Task, TextContent
from roomkit.integrations.asgi import create_app
from roomkit.integrations.schemas import SendEventRequest
from tests.integrations.conftest import Served, serve


async def test_create_get_list_and_close_rooms(api: httpx.AsyncClient) -> None:
    created = await api.post("/rooms", json={"room_id": "sales-7", "metadata": {"org": "acme"}})
    assert created.status_code == 201
    assert created.json()["id"] == "sales-7"
    assert created.json()["metadata"] == {"org": "acme"}

    fetched = await api.get("/rooms/sales-7")
    assert fetched.status_code == 200
    assert fetched.json()["status"] == "active"

    page = await api.get("/rooms", params={"limit": 1, "offset": 1})
    assert page.status_code == 200
    assert [r["id"] for r in page.json()["items"]] == ["sales-7"]

    closed = await api.delete("/rooms/sales-7")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    only_closed = await api.get("/rooms", params={"status": "closed"})
    assert [r["id"] for r in only_closed.json()["items"]] == ["sales-7"]


async def test_create_room_without_body_and_with_timers(api: httpx.AsyncClient) -> None:
    bare = await api.post("/rooms")
    assert bare.status_code == 201
    assert len(bare.json()["id"]) == 32
    timed = await api.post("/rooms", json={"timers": {"inactive_after_seconds": 60}})
    assert timed.json()["timers"]["inactive_after_seconds"] == 60


async def test_taken_room_id_is_a_conflict(api: httpx.AsyncClient) -> None:
    response = await api.post("/rooms", json={"room_id": "room-1"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "room_exists"


async def test_unknown_room_is_404_with_a_typed_code(api: httpx.AsyncClient) -> None:
    for method, path in [
        ("GET", "/rooms/nope"),
        ("DELETE", "/rooms/nope"),
        ("GET", "/rooms/nope/timeline"),
        ("GET", "/rooms/nope/tasks"),
        ("GET", "/rooms/nope/observations"),
        ("GET", "/rooms/nope/channels"),
        ("DELETE", "/rooms/nope/channels/ws-user"),
    ]:
        response = await api.request(method, path)
        assert response.status_code == 404, (method, path)
        assert response.json()["error"]["code"] == "room_not_found"


async def test_send_text_reaches_the_timeline_and_the_ai_answers(
    api: httpx.AsyncClient, served: Served
) -> None:
    sent = await api.post("/rooms/room-1/events", json={"channel_id": "ws-user", "text": "Hi"})
    assert sent.status_code == 201
    assert sent.json()["content"] == {"type": "text", "body": "Hi", "language": None}

    page = await api.get("/rooms/room-1/timeline", params={"visibility": "all"})
    bodies = [e["content"].get("body") for e in page.json()["items"] if e["type"] == "message"]
    assert bodies == ["Hi", "Hello from the bot"]
    assert page.json()["total"] == 4  # the two messages and two channel attachments
    assert len((await api.get("/rooms/room-1/timeline")).json()["items"]) == 4
    assert len(served.ai.calls) == 1


async def test_timeline_pages_with_offset_and_limit(api: httpx.AsyncClient) -> None:
    for text in ("one", "two", "three"):
        await api.post(
            "/rooms/room-1/events",
            json={"channel_id": "system", "content": {"type": "text", "body": text}},
        )
    everything = (await api.get("/rooms/room-1/timeline")).json()
    second = (await api.get("/rooms/room-1/timeline", params={"offset": 1, "limit": 1})).json()
    assert second["items"] == everything["items"][1:2]
    assert (second["offset"], second["limit"], second["total"]) == (1, 1, everything["total"])


@pytest.mark.parametrize(
    "body",
    [
        {"channel_id": "ws-user"},
        {"channel_id": "ws-user", "text": "a", "content": {"type": "text", "body": "b"}},
        {"channel_id": "", "text": "a"},
        {"channel_id": "ws-user", "content": {"type": "carrier-pigeon"}},
        {"channel_id": "ws-user", "text": "a", "surprise": True},
    ],
)
async def test_invalid_event_bodies_are_422(api: httpx.AsyncClient, body: object) -> None:
    response = await api.post("/rooms/room-1/events", json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"]


async def test_malformed_json_and_bad_query_are_422(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/rooms", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert (await api.get("/rooms/room-1/timeline", params={"limit": "lots"})).status_code == 422
    assert (await api.get("/rooms/room-1/timeline", params={"offset": -1})).status_code == 422
    assert (await api.get("/rooms", params={"status": "sleeping"})).status_code == 422


async def test_sending_into_a_closed_room_is_409(api: httpx.AsyncClient) -> None:
    await api.delete("/rooms/room-1")
    response = await api.post("/rooms/room-1/events", json={"channel_id": "ws-user", "text": "x"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "room_closed"
    attach = await api.post("/rooms/room-1/channels", json={"channel_id": "ws-user"})
    assert attach.status_code == 409


async def test_attach_mute_unmute_and_detach(api: httpx.AsyncClient, served: Served) -> None:
    await api.post("/rooms", json={"room_id": "r2"})
    attached = await api.post(
        "/rooms/r2/channels",
        json={"channel_id": "ws-user", "visibility": "transport", "metadata": {"k": "v"}},
    )
    assert attached.status_code == 201
    assert attached.json()["channel_type"] == "websocket"
    assert attached.json()["metadata"] == {"k": "v"}

    muted = await api.post("/rooms/r2/channels/ws-user/mute")
    assert muted.json()["muted"] is True
    assert (await served.kit.get_binding("r2", "ws-user")).muted
    unmuted = await api.post("/rooms/r2/channels/ws-user/unmute")
    assert unmuted.json()["muted"] is False

    listed = await api.get("/rooms/r2/channels")
    assert [b["channel_id"] for b in listed.json()["items"]] == ["ws-user"]

    detached = await api.delete("/rooms/r2/channels/ws-user")
    assert detached.json() == {"room_id": "r2", "channel_id": "ws-user", "detached": True}
    again = await api.delete("/rooms/r2/channels/ws-user")
    assert again.status_code == 404
    assert again.json()["error"]["code"] == "channel_not_found"


async def test_channel_errors_are_404(api: httpx.AsyncClient) -> None:
    unknown = await api.post("/rooms/room-1/channels", json={"channel_id": "ghost"})
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "channel_not_registered"
    not_attached = await api.post("/rooms/room-1/channels/ghost/mute")
    assert not_attached.status_code == 404
    assert not_attached.json()["error"]["code"] == "channel_not_found"
    typed = await api.post(
        "/rooms/room-1/channels", json={"channel_id": "ext-sms", "channel_type": "sms"}
    )
    assert typed.status_code == 201


async def test_tasks_and_observations(api: httpx.AsyncClient, served: Served) -> None:
    store = served.kit.store
    await store.add_task(Task(room_id="room-1", title="Call back"))
    await store.add_task(Task(room_id="room-1", title="Done already", status="completed"))
    await store.add_observation(
        Observation(room_id="room-1", channel_id="ai-bot", content="happy customer")
    )
    pending = await api.get("/rooms/room-1/tasks", params={"status": "pending"})
    assert [t["title"] for t in pending.json()["items"]] == ["Call back"]
    assert len((await api.get("/rooms/room-1/tasks")).json()["items"]) == 2
    observations = await api.get("/rooms/room-1/observations")
    assert [o["content"] for o in observations.json()["items"]] == ["happy customer"]
    assert (await api.get("/rooms/room-1/tasks", params={"status": "maybe"})).status_code == 422


async def test_registered_channels_are_listed(api: httpx.AsyncClient) -> None:
    response = await api.get("/channels")
    assert response.json()["items"] == [
        {
            "channel_id": "ws-user",
            "channel_type": "websocket",
            "category": "transport",
            "direction": "bidirectional",
        },
        {
            "channel_id": "ai-bot",
            "channel_type": "ai",
            "category": "intelligence",
            "direction": "bidirectional",
        },
    ]


async def test_unknown_path_and_wrong_method_answer_json(api: httpx.AsyncClient) -> None:
    missing = await api.get("/nowhere")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    wrong = await api.put("/rooms")
    assert wrong.status_code == 405
    assert wrong.json()["error"]["code"] == "method_not_allowed"


async def test_oversized_body_is_413(kit: RoomKit) -> None:
    app = create_app(kit, allow_anonymous=True, max_body_bytes=64)
    async with serve(app) as base_url, httpx.AsyncClient(base_url=base_url) as client:
        big = await client.post("/rooms", json={"metadata": {"blob": "x" * 100}})
        assert big.status_code == 413
        assert big.json()["error"]["code"] == "body_too_large"

        async def chunks():  # no Content-Length: the limit holds while streaming
            yield b'{"metadata": {"blob": "'
            yield b"x" * 100
            yield b'"}}'

        streamed = await client.post("/rooms", content=chunks())
        assert streamed.status_code == 413
    assert await kit.store.list_rooms() == []


async def test_prefix_mounts_every_route_under_it(kit: RoomKit) -> None:
    app = create_app(kit, allow_anonymous=True, prefix="api/v1/")
    async with serve(app) as base_url, httpx.AsyncClient(base_url=base_url) as client:
        assert (await client.post("/api/v1/rooms", json={"room_id": "p"})).status_code == 201
        assert (await client.get("/rooms/p")).status_code == 404
        schema = (await client.get("/api/v1/openapi.json")).json()
    assert "/api/v1/rooms/{room_id}" in schema["paths"]
    assert "security" not in schema


async def test_kit_errors_a_client_cannot_cause_still_surface_as_500(kit: RoomKit) -> None:
    await kit.create_room(room_id="r")

    async def broken_store_call(*args: object, **kwargs: object) -> object:
        raise RuntimeError("disk on fire")

    kit.store.list_observations = broken_store_call  # type: ignore[method-assign]
    app = create_app(kit, allow_anonymous=True)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/rooms/r/observations")
    assert response.status_code == 500
    assert "disk on fire" not in response.text


def test_event_content_helper_prefers_explicit_content() -> None:
    request = SendEventRequest(channel_id="c", content=TextContent(body="x"))
    assert request.event_content() == TextContent(body="x")


async def test_a_room_id_taken_concurrently_is_still_a_conflict(kit: RoomKit) -> None:
    await kit.create_room(room_id="taken")

    async def looks_free(room_id: str) -> None:
        return None

    kit.store.get_room = looks_free  # type: ignore[method-assign,assignment]
    app = create_app(kit, allow_anonymous=True)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post("/rooms", json={"room_id": "taken"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "room_exists"


def test_handlers_get_the_models_their_operation_declares() -> None:
    from roomkit.integrations.asgi._http import Call
    from roomkit.integrations.schemas import CreateRoomRequest, TimelineQuery

    call = Call(RoomKit(), {}, CreateRoomRequest(), TimelineQuery(), None)
    assert call.body_as(CreateRoomRequest) == CreateRoomRequest()
    assert call.query_as(TimelineQuery).limit == 50
    with pytest.raises(TypeError, match="SendEventRequest"):
        call.body_as(SendEventRequest)
    with pytest.raises(TypeError, match="CreateRoomRequest"):
        call.query_as(CreateRoomRequest)
