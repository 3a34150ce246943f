"""How pydantic writes RoomKit's enums: members as their values, with no Python code run.

pydantic's default reads a member's ``value`` property (Python code in the ``enum``
module) for every member it writes; RoomKit's enums are written with ``str()`` instead
(see ``roomkit.models.enums``). The JSON and the schemas must stay pydantic's own.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from enum import StrEnum

import pytest
from pydantic import BaseModel, TypeAdapter

from roomkit.models import enums
from roomkit.models.enums import ChannelMediaType, ChannelType, EventStatus
from tests.factories import make_event

ALL = [getattr(enums, name) for name in enums.__all__]


class _Plain(StrEnum):
    """The same kind of enum, left to pydantic's defaults."""

    ONE = "one"


@pytest.fixture
def python_calls() -> Iterator[list[str]]:
    """The qualified names of the Python functions started while the test body runs."""
    monitoring = sys.monitoring
    tool = next(i for i in range(6) if monitoring.get_tool(i) is None)
    started: list[str] = []

    def record(code: object, offset: int) -> None:
        started.append(getattr(code, "co_qualname", "?"))

    monitoring.use_tool_id(tool, "roomkit-test")
    monitoring.register_callback(tool, monitoring.events.PY_START, record)
    monitoring.set_events(tool, monitoring.events.PY_START)
    try:
        yield started
    finally:
        monitoring.set_events(tool, 0)
        monitoring.register_callback(tool, monitoring.events.PY_START, None)
        monitoring.free_tool_id(tool)


def test_writing_an_event_runs_no_enum_code(python_calls: list[str]) -> None:
    event = make_event(status=EventStatus.DELIVERED)
    adapter = TypeAdapter(_Plain)
    python_calls.clear()  # what building them ran

    text = event.model_dump_json()
    plain = adapter.dump_json(_Plain.ONE)

    enum_code = [name for name in python_calls if name in ("Enum.value", "property.__get__")]
    assert enum_code == ["property.__get__", "Enum.value"]  # the plain enum's, only
    assert '"status":"delivered"' in text and '"channel_type":"sms"' in text
    assert plain == b'"one"'


@pytest.mark.parametrize("enum_cls", ALL, ids=lambda cls: cls.__name__)
def test_each_member_is_written_as_its_value_and_read_back(enum_cls: type[StrEnum]) -> None:
    adapter = TypeAdapter(list[enum_cls])  # type: ignore[valid-type]
    members = list(enum_cls)

    text = adapter.dump_json(members)

    assert text == ("[" + ",".join(f'"{m.value}"' for m in members) + "]").encode()
    assert adapter.dump_python(members, mode="json") == [m.value for m in members]
    assert all(type(v) is str for v in adapter.dump_python(members, mode="json"))
    assert adapter.dump_python(members) == members
    assert adapter.validate_json(text) == members


def test_schemas_still_name_each_enum_with_its_values() -> None:
    class Holder(BaseModel):
        kind: ChannelType
        media: list[ChannelMediaType] = []

    for mode in ("validation", "serialization"):
        schema = Holder.model_json_schema(mode=mode)  # type: ignore[arg-type]
        assert schema["properties"]["kind"] == {"$ref": "#/$defs/ChannelType"}
        definition = schema["$defs"]["ChannelType"]
        assert definition["enum"] == [member.value for member in ChannelType]
        assert definition["title"] == "ChannelType" and definition["type"] == "string"
