"""Hypothesis strategies and the property check shared by the webhook fuzz tests.

Three families of input: arbitrary JSON-like values (with keys biased towards the field
names vendors really use), mutations of the real fixtures under ``tests/fixtures/``
(dropped keys, swapped types, wrong nesting, huge or exotic strings, empty values), and
arbitrary header text / bytes for the signature verifiers.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from roomkit.errors import WebhookError
from roomkit.models import InboundMessage
from roomkit.models.webhook import WebhookMeta

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

FUZZ_EXAMPLES = int(os.environ.get("ROOMKIT_FUZZ_EXAMPLES", "60"))
"""Examples per property; raise it (e.g. ``ROOMKIT_FUZZ_EXAMPLES=5000``) for a deep local run."""

FUZZ_SETTINGS = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
"""Reproducible, bounded runs: the whole fuzz set stays well under 20 s on two cores."""

Path_ = tuple[str | int, ...]

HUGE_TEXT = "x" * 100_000
ODD_TEXTS = (
    "",
    " ",
    HUGE_TEXT,
    "\x00",
    "\ud7ff\ufeff\u202e",
    "😀" * 50,
    "rcs:",
    "NaN",
    "inf",
    "-1",
    "1e400",
    "<>@",
    "=?utf-8?q?x?=",
    "a@b",
)


def load_json(vendor: str, name: str) -> Any:
    """Return a decoded JSON fixture."""
    return json.loads((FIXTURES / vendor / name).read_text(encoding="utf-8"))


def load_form(vendor: str, name: str) -> dict[str, str]:
    """Return a form-encoded fixture as its decoded fields."""
    text = (FIXTURES / vendor / name).read_text(encoding="utf-8").strip()
    return dict(parse_qsl(text, keep_blank_values=True))


def keys_of(value: Any) -> list[str]:
    """Every mapping key found anywhere in ``value``."""
    found: set[str] = set()
    for path in paths(value):
        if path and isinstance(path[-1], str):
            found.add(path[-1])
    return sorted(found)


def scalars() -> st.SearchStrategy[Any]:
    """JSON leaves, including exotic numbers and strings."""
    return (
        st.none()
        | st.booleans()
        | st.integers(min_value=-(2**70), max_value=2**70)
        | st.floats(allow_nan=True, allow_infinity=True)
        | st.text(max_size=20)
        | st.sampled_from(ODD_TEXTS)
    )


def json_values(known_keys: Sequence[str] = ()) -> st.SearchStrategy[Any]:
    """Arbitrary JSON-like values; mapping keys are often real vendor field names."""
    key = st.text(max_size=10)
    if known_keys:
        key = st.sampled_from(sorted(known_keys)) | key
    return st.recursive(
        scalars(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(key, inner, max_size=6),
        max_leaves=15,
    )


def json_objects(known_keys: Sequence[str] = ()) -> st.SearchStrategy[dict[str, Any]]:
    """Arbitrary JSON objects (the top level of most webhook bodies)."""
    key = st.text(max_size=10)
    if known_keys:
        key = st.sampled_from(sorted(known_keys)) | key
    return st.dictionaries(key, json_values(known_keys), max_size=8)


def paths(value: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    """Every path (sequence of keys / indexes) inside ``value``, the root included."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*prefix, index))


def _swap(value: Any) -> Any:
    """The same information in the wrong type."""
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list):
        return {str(i): item for i, item in enumerate(value)}
    if isinstance(value, str):
        return int(value) if value.isdigit() else [value]
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return str(value) if value % 2 else {"value": value}
    return 0


def mutations() -> st.SearchStrategy[tuple[str, Any]]:
    """One mutation: a name (``drop`` removes the key) and the replacement value maker."""
    return st.one_of(
        st.just(("drop", None)),
        st.just(("swap", None)),
        st.just(("wrap", None)),
        st.just(("nest", None)),
        st.sampled_from([None, "", [], {}, 0, -1, True, 1.5e308, float("nan")]).map(
            lambda v: ("set", v)
        ),
        st.sampled_from(ODD_TEXTS).map(lambda v: ("set", v)),
        st.text(max_size=30).map(lambda v: ("set", v)),
        json_values().map(lambda v: ("set", v)),
    )


def _apply(root: Any, path: Path_, op: str, value: Any) -> Any:
    if not path:
        return _change(root, op, value)
    parent = root
    for step in path[:-1]:
        try:
            parent = parent[step]
        except (KeyError, IndexError, TypeError):
            return root
    last = path[-1]
    try:
        current = parent[last]
    except (KeyError, IndexError, TypeError):
        return root
    if op == "drop":
        del parent[last]
    else:
        parent[last] = _change(current, op, value)
    return root


def _change(current: Any, op: str, value: Any) -> Any:
    if op == "drop":
        return None
    if op == "swap":
        return _swap(current)
    if op == "wrap":
        return [current]
    if op == "nest":
        return {"value": current, "data": [current]}
    return copy.deepcopy(value)


@st.composite
def mutated(draw: st.DrawFn, fixture: Any, max_changes: int = 3) -> Any:
    """``fixture`` with one to ``max_changes`` mutations at drawn paths."""
    result = copy.deepcopy(fixture)
    for _ in range(draw(st.integers(min_value=1, max_value=max_changes))):
        candidates = list(paths(result))
        path = draw(st.sampled_from(candidates))
        op, value = draw(mutations())
        result = _apply(result, path, op, value)
    return result


def fixture_inputs(fixtures: Sequence[Any]) -> st.SearchStrategy[Any]:
    """Arbitrary values, arbitrary objects with the fixtures' keys, and mutated fixtures."""
    known = sorted({key for fixture in fixtures for key in keys_of(fixture)})
    return st.one_of(
        json_values(known),
        json_objects(known),
        st.sampled_from(list(fixtures)).flatmap(mutated),
    )


def header_values() -> st.SearchStrategy[str | None]:
    """Whatever a client may put in a header (or leave out)."""
    return st.none() | st.text(max_size=120) | st.sampled_from(ODD_TEXTS)


def expect_typed(
    call: Callable[[], Any],
    result_type: type | tuple[type, ...],
    allowed: tuple[type[BaseException], ...] = (WebhookError,),
) -> Any:
    """Run ``call``: it returns ``result_type`` or raises one of ``allowed``; nothing else.

    Any other exception propagates, so Hypothesis reports and shrinks it.
    """
    try:
        result = call()
    except allowed:
        return None
    assert isinstance(result, result_type), f"unexpected result type {type(result)!r}"
    return result


def hand_on(meta: WebhookMeta) -> None:
    """What ``kit.process_webhook`` does with an accepted meta must not fail either."""
    if meta.is_inbound:
        assert isinstance(meta.to_inbound("channel-1"), InboundMessage)
        meta.content()
    elif meta.is_status:
        meta.to_status()


def raw_bodies(values: st.SearchStrategy[Any]) -> st.SearchStrategy[bytes | str]:
    """Raw request bodies: arbitrary bytes, arbitrary text, or JSON text of ``values``."""
    return st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200),
        values.map(lambda v: json.dumps(v, allow_nan=True)),
        values.map(lambda v: json.dumps(v, allow_nan=True).encode()),
    )
