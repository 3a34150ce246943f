"""Hypothesis strategies built from an OpenAPI document's JSON schemas.

``from_schema`` covers the JSON Schema the app's pydantic models produce ($ref, anyOf,
oneOf, allOf, const, enum, objects, arrays, strings with patterns and lengths, bounded
numbers, date-times). ``any_json`` throws arbitrary JSON where a schema is expected,
so the property tests send both plausible and hostile requests.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st

Schema = dict[str, Any]
MAX_DEPTH = 4
KNOWN_IDS = ("room-1", "ws-user", "ai-bot", "missing")
"""Ids of the fixture's room and channels (plus one that does not exist)."""
_SHORT = 12

any_json: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)


def from_schema(schema: Schema, components: Schema, depth: int = 0) -> st.SearchStrategy[Any]:
    """A strategy producing values that satisfy ``schema`` (refs resolved in components)."""
    if "$ref" in schema:
        if depth > 3 * MAX_DEPTH:  # a recursive model (composite content) stops here
            return st.nothing()
        name = schema["$ref"].rsplit("/", 1)[-1]
        return from_schema(components[name], components, depth + 1)
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return st.one_of([from_schema(s, components, depth) for s in schema[key]])
    if "allOf" in schema:
        return from_schema(schema["allOf"][0], components, depth)
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([from_schema({**schema, "type": k}, components, depth) for k in kind])
    builders = {
        "string": _string,
        "integer": _integer,
        "number": _number,
        "boolean": lambda s, c, d: st.booleans(),
        "null": lambda s, c, d: st.none(),
        "array": _array,
        "object": _object,
    }
    if kind in builders:
        return builders[kind](schema, components, depth)
    return any_json


def _string(schema: Schema, components: Schema, depth: int) -> st.SearchStrategy[Any]:
    low = schema.get("minLength", 0)
    high = min(schema.get("maxLength", _SHORT), max(low, _SHORT))
    if schema.get("format") == "date-time":
        return st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat())
    if "pattern" in schema:
        return st.from_regex(schema["pattern"], fullmatch=True).filter(
            lambda s: low <= len(s) <= schema.get("maxLength", len(s))
        )
    return st.text(min_size=low, max_size=high)


def _integer(schema: Schema, components: Schema, depth: int) -> st.SearchStrategy[Any]:
    low = schema.get("minimum")
    high = schema.get("maximum")
    if "exclusiveMinimum" in schema:
        low = schema["exclusiveMinimum"] + 1
    if "exclusiveMaximum" in schema:
        high = schema["exclusiveMaximum"] - 1
    return st.integers(min_value=low, max_value=high)


def _number(schema: Schema, components: Schema, depth: int) -> st.SearchStrategy[Any]:
    return st.floats(
        min_value=schema.get("minimum", schema.get("exclusiveMinimum")),
        max_value=schema.get("maximum", schema.get("exclusiveMaximum")),
        exclude_min="exclusiveMinimum" in schema,
        exclude_max="exclusiveMaximum" in schema,
        allow_nan=False,
        allow_infinity=False,
    )


def _array(schema: Schema, components: Schema, depth: int) -> st.SearchStrategy[Any]:
    low = schema.get("minItems", 0)
    if depth >= MAX_DEPTH and low == 0:
        return st.just([])
    items = from_schema(schema.get("items", {}), components, depth + 1)
    high = min(schema.get("maxItems", 3), low + 3)
    return st.lists(items, min_size=low, max_size=high)


def _object(schema: Schema, components: Schema, depth: int) -> st.SearchStrategy[Any]:
    properties: dict[str, Schema] = schema.get("properties", {})
    required = set(schema.get("required", []))
    if not properties:
        extra = schema.get("additionalProperties", True)
        values = any_json if extra in (True, {}) else from_schema(extra, components, depth + 1)
        return st.dictionaries(
            st.text(max_size=6), values, max_size=0 if depth >= MAX_DEPTH else 3
        )
    fields = {name: _field(name, sub, components, depth) for name, sub in properties.items()}
    fixed = {k: v for k, v in fields.items() if k in required}
    optional = {} if depth >= MAX_DEPTH else {k: v for k, v in fields.items() if k not in required}
    return st.fixed_dictionaries(fixed, optional=optional)


def _field(name: str, schema: Schema, components: Schema, depth: int) -> st.SearchStrategy[Any]:
    """A property's values; ``*_id`` fields often name the fixture's real ids."""
    values = from_schema(schema, components, depth + 1)
    if name.endswith("_id"):
        return st.sampled_from(KNOWN_IDS) | values
    return values


def path_segment() -> st.SearchStrategy[str]:
    """Path parameters: mostly the fixture's room, other known ids, odd text; URL-quoted."""
    odd = st.text(min_size=1, max_size=_SHORT).filter(lambda s: s not in (".", ".."))
    return st.one_of(st.just(KNOWN_IDS[0]), st.sampled_from(KNOWN_IDS), odd).map(
        lambda s: quote(s, safe="")
    )
