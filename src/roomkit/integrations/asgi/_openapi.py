"""An OpenAPI 3.1 document generated from the REST operation table and its models."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from roomkit._version import __version__
from roomkit.integrations.asgi._http import Operation
from roomkit.integrations.schemas import ErrorBody

__all__ = ["build_openapi"]

_REF = "#/components/schemas/{model}"
_PATH_PARAM = re.compile(r"{(\w+)}")
_STATUS_TEXT = {
    400: "Bad request",
    401: "Not authenticated",
    404: "Not found",
    409: "Conflict",
    413: "Body too large",
    422: "Invalid request",
}

ModelKey = tuple[type[BaseModel], JsonSchemaMode]


def build_openapi(
    operations: Sequence[Operation], *, prefix: str = "", secured: bool = True
) -> dict[str, Any]:
    """Return the OpenAPI document describing ``operations`` mounted under ``prefix``."""
    keys = _model_keys(operations)
    refs, definitions = models_json_schema(keys, ref_template=_REF)
    schemas: dict[str, Any] = dict(definitions.get("$defs", {}))
    paths: dict[str, dict[str, Any]] = {}
    for operation in operations:
        item = paths.setdefault(prefix + operation.path, {})
        item[operation.method.lower()] = _operation(operation, refs, schemas, secured)
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "RoomKit API", "version": __version__},
        "paths": paths,
        "components": {"schemas": schemas},
    }
    if secured:
        document["components"]["securitySchemes"] = {
            "bearerAuth": {"type": "http", "scheme": "bearer"}
        }
        document["security"] = [{"bearerAuth": []}]
    return document


def _model_keys(operations: Sequence[Operation]) -> list[ModelKey]:
    keys: list[ModelKey] = [(ErrorBody, "serialization")]
    for operation in operations:
        if operation.body is not None:
            keys.append((operation.body, "validation"))
        keys.append((operation.response, "serialization"))
    return list(dict.fromkeys(keys))


def _operation(
    operation: Operation,
    refs: Mapping[Any, Any],
    schemas: dict[str, Any],
    secured: bool,
) -> dict[str, Any]:
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in _PATH_PARAM.findall(operation.path)
    ]
    if operation.query is not None:
        parameters += _query_parameters(operation.query, schemas)
    spec: dict[str, Any] = {
        "operationId": operation.operation_id,
        "summary": operation.summary,
        "tags": [operation.tag],
        "parameters": parameters,
        "responses": _responses(operation, refs, secured),
    }
    if operation.body is not None:
        spec["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[(operation.body, "validation")]}},
        }
    return spec


def _query_parameters(model: type[BaseModel], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template=_REF)
    schemas.update(schema.get("$defs", {}))
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": field}
        for name, field in schema.get("properties", {}).items()
    ]


def _responses(operation: Operation, refs: Mapping[Any, Any], secured: bool) -> dict[str, Any]:
    error = {"application/json": {"schema": refs[(ErrorBody, "serialization")]}}
    responses: dict[str, Any] = {
        str(operation.status_code): {
            "description": "Success",
            "content": {
                "application/json": {"schema": refs[(operation.response, "serialization")]}
            },
        }
    }
    codes = set(operation.errors)
    if operation.body is not None or operation.query is not None:
        codes.add(422)
    if operation.body is not None:
        codes.update((400, 413))
    if secured:
        codes.add(401)
    for code in sorted(codes):
        responses[str(code)] = {"description": _STATUS_TEXT.get(code, "Error"), "content": error}
    return responses
