"""unvalidated(): models built from valid values, as their constructors would build them."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    create_model,
    field_validator,
    model_validator,
)

from roomkit import ChannelOutput, HookResult, RoomContext, RoomEvent, TextContent
from roomkit.channels._inbound import inbound_event
from roomkit.models._unvalidated import unvalidated
from roomkit.models.delivery import DeliveryResult, InboundMessage
from roomkit.models.enums import ChannelDirection, ChannelType, EventStatus
from roomkit.models.event import ChannelData, EventSource
from roomkit.models.room import Room


def _same(built: BaseModel, validated: BaseModel) -> None:
    """``built`` holds what ``validated`` holds, in the same order, with the same set fields."""
    assert type(built) is type(validated)
    assert list(built.__dict__) == list(type(built).model_fields)
    assert built.__dict__ == validated.__dict__
    assert built.model_fields_set == validated.model_fields_set
    assert built.__pydantic_extra__ is None
    assert built.__pydantic_private__ is None
    assert repr(built) == repr(validated)


def _source() -> EventSource:
    return EventSource(
        channel_id="ws", channel_type=ChannelType.WEBSOCKET, direction=ChannelDirection.INBOUND
    )


class TestBuildsWhatTheConstructorBuilds:
    def test_small_models(self) -> None:
        given: dict[str, Any] = {
            "channel_id": "sms",
            "status": EventStatus.DELIVERED,
            "provider_message_id": None,
            "attempts": 2,
        }
        _same(unvalidated(DeliveryResult)(**given), DeliveryResult(**given))
        _same(unvalidated(TextContent)(body="hi"), TextContent(body="hi"))
        room = Room(id="r1")
        _same(unvalidated(RoomContext)(room=room), RoomContext(room=room))

    def test_an_event_with_factory_defaults(self) -> None:
        given: dict[str, Any] = {
            "id": "e1",
            "room_id": "r1",
            "source": _source(),
            "content": TextContent(body="hi"),
            "created_at": RoomEvent(
                room_id="x", source=_source(), content=TextContent(body="")
            ).created_at,
        }
        built = unvalidated(RoomEvent)(**given)
        _same(built, RoomEvent(**given))
        assert isinstance(built.channel_data, ChannelData)
        _same(built.channel_data, ChannelData())

    def test_defaults_made_by_factories_are_fresh(self) -> None:
        build = unvalidated(RoomEvent)
        one = build(room_id="r1", source=_source(), content=TextContent(body="a"))
        two = build(room_id="r1", source=_source(), content=TextContent(body="b"))
        assert one.id != two.id
        assert one.metadata is not two.metadata
        assert one.channel_data is not two.channel_data
        assert one.created_at.tzinfo is not None

    def test_each_instance_has_its_own_set_fields(self) -> None:
        build = unvalidated(TextContent)
        one, two = build(body="a"), build(body="b")
        one.language = "fr"
        assert one.model_fields_set == {"body", "language"}
        assert two.model_fields_set == {"body"}

    def test_a_mutable_plain_default_is_copied_for_each_instance(self) -> None:
        class Basket(BaseModel):
            items: list[dict[str, int]] = [{"n": 1}]  # noqa: RUF012 - a plain default on purpose

        build = unvalidated(Basket)
        one, two = build(), build()
        one.items[0]["n"] = 5
        assert two.items == [{"n": 1}]
        assert Basket.model_fields["items"].default == [{"n": 1}]

    def test_after_validators_still_run(self) -> None:
        event = RoomEvent(room_id="r1", source=_source(), content=TextContent(body="hi"))
        build = unvalidated(ChannelOutput)
        assert build is not ChannelOutput
        _same(build(response_events=[event]), ChannelOutput(response_events=[event]))
        assert build(response_events=[event]).responded
        _same(build(), ChannelOutput())
        _same(ChannelOutput.empty(), ChannelOutput())

    def test_hook_allow(self) -> None:
        _same(
            HookResult.allow(),
            HookResult(action="allow", injected_events=[], tasks=[], observations=[]),
        )
        assert HookResult.allow().injected_events is not HookResult.allow().injected_events

        class Verdict(HookResult):
            note: str = "kept"

        assert isinstance(Verdict.allow(), Verdict)
        assert Verdict.allow().note == "kept"


class TestRefusals:
    def test_missing_and_unknown_fields_are_refused(self) -> None:
        build = unvalidated(DeliveryResult)
        with pytest.raises(TypeError):
            build(status=EventStatus.DELIVERED)
        with pytest.raises(TypeError):
            build(channel_id="c", status=EventStatus.DELIVERED, colour="red")

    def test_models_that_must_validate_get_their_constructor(self) -> None:
        class Checked(BaseModel):
            name: str

            @field_validator("name")
            @classmethod
            def _upper(cls, value: str) -> str:
                return value.upper()

        class Before(BaseModel):
            name: str

            @model_validator(mode="before")
            @classmethod
            def _fill(cls, data: Any) -> Any:
                return data

        class Private(BaseModel):
            name: str
            _seen: int = PrivateAttr(default=0)

        class Open(BaseModel):
            model_config = ConfigDict(extra="allow")
            name: str

        class Computed(BaseModel):
            name: str
            label: str = Field(default_factory=lambda data: data["name"].title())

        class PostInit(BaseModel):
            name: str

            def model_post_init(self, context: Any, /) -> None:
                self.name = self.name.strip()

        class CheckedDefault(BaseModel):
            size: int = Field(default=1, validate_default=True)

        class AllCheckedDefaults(BaseModel):
            model_config = ConfigDict(validate_default=True)
            size: int = 1

        keyworded = create_model("Keyworded", **{"class": (str, "a")})

        for cls in (
            keyworded,
            Checked,
            Before,
            Private,
            Open,
            Computed,
            PostInit,
            CheckedDefault,
            AllCheckedDefaults,
        ):
            assert unvalidated(cls) is cls
        assert unvalidated(Checked)(name="ann").name == "ANN"


class TestInboundEvents:
    def _message(self) -> InboundMessage:
        return InboundMessage(channel_id="sms", sender_id="u1", content=TextContent(body="hi"))

    def test_values_of_the_exact_types_are_kept(self) -> None:
        context = RoomContext(room=Room(id="r1"))
        event = inbound_event(
            self._message(), context, channel_id="sms", channel_type=ChannelType.SMS, provider="p"
        )
        assert event.source.channel_type is ChannelType.SMS
        assert event.source.provider == "p"
        assert event.channel_data.provider == "p"
        _same(event.source, EventSource(**event.source.model_dump(exclude_unset=True)))

    def test_a_channel_passing_plain_strings_still_gets_enums(self) -> None:
        context = RoomContext(room=Room(id="r1"))
        loose: Any = "sms"
        event = inbound_event(self._message(), context, channel_id="sms", channel_type=loose)
        assert event.source.channel_type is ChannelType.SMS
        assert event.model_dump(mode="json")["source"]["channel_type"] == "sms"
