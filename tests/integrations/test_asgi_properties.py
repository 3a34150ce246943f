"""Property-based HTTP testing against the app's own OpenAPI schema.

For every operation of ``/openapi.json``, hypothesis builds requests from the declared
path parameters, query parameters and body schema (and, a quarter of the time, hostile JSON
in place of the body or a query value). Whatever it sends: never a 500, only statuses
the schema documents, and every body valid against the documented response schema.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roomkit import RoomKit
from roomkit.integrations.asgi import BearerAuth, create_app
from roomkit.integrations.asgi._rest import OPERATIONS
from tests.integrations.conftest import chat_kit
from tests.integrations.schema_strategies import any_json, from_schema, path_segment

Request = dict[str, Any]


def _operations(schema: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    found = {}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            found[operation["operationId"]] = (method.upper(), path, operation)
    return found


def _mostly(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Schema-shaped values three times out of four, arbitrary JSON otherwise."""
    return st.integers(0, 3).flatmap(lambda pick: any_json if pick == 0 else valid)


def _requests(path: str, operation: dict[str, Any], components: Any) -> st.SearchStrategy[Request]:
    """Requests for one operation (the schemas stay out of the strategy's repr)."""

    @st.composite
    def build(draw: st.DrawFn) -> Request:
        url = path
        query: dict[str, str] = {}
        for parameter in operation["parameters"]:
            name = parameter["name"]
            if parameter["in"] == "path":
                url = url.replace("{" + name + "}", draw(path_segment()))
                continue
            if not parameter["required"] and draw(st.booleans()):
                continue
            value = draw(_mostly(from_schema(parameter["schema"], components)))
            if value is not None:
                query[name] = value if isinstance(value, str) else json.dumps(value)
        request: Request = {"url": url, "params": query}
        if "requestBody" in operation:
            body_schema = operation["requestBody"]["content"]["application/json"]["schema"]
            body = draw(_mostly(from_schema(body_schema, components)))
            request["content"] = json.dumps(body).encode()
            request["headers"] = {"content-type": "application/json"}
        return request

    return build()


def _check_response(
    response: httpx.Response, operation: dict[str, Any], document: dict[str, Any]
) -> None:
    assert response.status_code < 500, response.text
    documented = operation["responses"]
    assert str(response.status_code) in documented, (response.status_code, response.text)
    schema = documented[str(response.status_code)]["content"]["application/json"]["schema"]
    validator = jsonschema.Draft202012Validator({**schema, "components": document["components"]})
    validator.validate(response.json())


async def _setup() -> tuple[RoomKit, httpx.AsyncClient, dict[str, Any]]:
    kit = RoomKit()
    await chat_kit(kit)
    app = create_app(kit, allow_anonymous=True)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    client = httpx.AsyncClient(transport=transport, base_url="http://roomkit.test")
    document = (await client.get("/openapi.json")).json()
    return kit, client, document


@pytest.mark.parametrize("operation_id", [op.operation_id for op in OPERATIONS])
def test_no_generated_request_gets_a_500(operation_id: str) -> None:
    with asyncio.Runner() as runner:
        kit, client, document = runner.run(_setup())
        method, path, operation = _operations(document)[operation_id]
        components = document["components"]["schemas"]
        statuses: set[int] = set()

        @settings(
            max_examples=200,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        @given(request=_requests(path, operation, components))
        def check(request: Request) -> None:
            response = runner.run(client.request(method, **request))
            statuses.add(response.status_code)
            _check_response(response, operation, document)

        try:
            check()
        finally:
            runner.run(client.aclose())
            runner.run(kit.close())
    # The generator is not vacuous: some requests were valid enough to succeed.
    assert any(200 <= status < 300 for status in statuses), statuses


def test_every_operation_is_in_the_schema_with_resolvable_refs() -> None:
    with asyncio.Runner() as runner:
        kit, client, document = runner.run(_setup())
        runner.run(client.aclose())
        runner.run(kit.close())
    assert set(_operations(document)) == {op.operation_id for op in OPERATIONS}
    components = document["components"]["schemas"]
    for name, schema in components.items():
        jsonschema.Draft202012Validator.check_schema(schema)
        for ref in _refs(schema):
            assert ref.rsplit("/", 1)[-1] in components, (name, ref)


async def test_every_operation_documents_and_answers_401_without_a_token(kit: RoomKit) -> None:
    await chat_kit(kit)
    app = create_app(kit, auth=BearerAuth(["secret-token"]))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://roomkit.test") as client:
        document = (await client.get("/openapi.json")).json()
        for method, path, operation in _operations(document).values():
            url = path.replace("{room_id}", "room-1").replace("{channel_id}", "ws-user")
            response = await client.request(method, url, json={})
            assert response.status_code == 401
            _check_response(response, operation, document)
    assert [r.id for r in await kit.store.list_rooms()] == ["room-1"]


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []
