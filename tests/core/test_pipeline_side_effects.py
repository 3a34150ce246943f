"""Side effects: tasks, observations and injected events from hooks and AI channels."""

from __future__ import annotations

from pipeline_support import (
    EchoAIProvider,
    FrameworkLog,
    add_sms,
    body_of,
    message,
    messages_of,
    sent_bodies,
)

from roomkit import (
    AIChannel,
    Channel,
    ChannelBinding,
    ChannelCategory,
    ChannelDirection,
    ChannelOutput,
    ChannelType,
    EventSource,
    EventStatus,
    HookExecution,
    HookResult,
    HookTrigger,
    InboundMessage,
    InjectedEvent,
    Observation,
    RoomContext,
    RoomEvent,
    Task,
    TextContent,
)
from tests.conftest import ChatRoom

BEFORE = HookTrigger.BEFORE_BROADCAST


def _notice(room_id: str, body: str) -> RoomEvent:
    return RoomEvent(
        room_id=room_id,
        source=EventSource(
            channel_id="system",
            channel_type=ChannelType.SYSTEM,
            direction=ChannelDirection.OUTBOUND,
        ),
        content=TextContent(body=body),
    )


async def test_hook_side_effects_are_persisted_after_broadcast(
    chat_room: ChatRoom, framework_log: FrameworkLog
) -> None:
    kit = chat_room.kit
    room_id = chat_room.room_id
    at_task_time: list[tuple[str, list[str | None]]] = []

    @kit.hook(BEFORE, name="triage", directions=[ChannelDirection.INBOUND])
    async def triage(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult.allow(
            tasks=[Task(room_id=room_id, title="refund request")],
            observations=[Observation(room_id=room_id, channel_id="triage", content="angry")],
        )

    @kit.hook(HookTrigger.ON_TASK_CREATED, execution=HookExecution.ASYNC, name="on_task")
    async def on_task(task: Task, ctx: RoomContext) -> None:
        stored = messages_of(await kit.get_timeline(room_id))
        at_task_time.append((task.title, [body_of(e) for e in stored]))

    await chat_room.say("I want my money back")

    assert [t.title for t in await kit.list_tasks(room_id)] == ["refund request"]
    assert [o.content for o in await kit.list_observations(room_id)] == ["angry"]
    # When the task hook fires, the message and the AI reply are already stored.
    assert at_task_time == [("refund request", ["I want my money back", "Hello from the bot"])]
    assert chat_room.inbox.texts == ["Hello from the bot"]
    [created] = framework_log.of("task_created")
    assert created.room_id == room_id


async def test_side_effects_of_a_blocking_hook_are_kept(chat_room: ChatRoom) -> None:
    kit = chat_room.kit
    room_id = chat_room.room_id

    @kit.hook(BEFORE, name="compliance")
    async def compliance(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult.block("pii", tasks=[Task(room_id=room_id, title="review message")])

    result = await chat_room.say("my ssn is 123")

    assert result.blocked
    assert [t.title for t in await kit.list_tasks(room_id)] == ["review message"]


async def test_injected_event_goes_only_to_its_targets_even_the_source(
    chat_room: ChatRoom,
) -> None:
    kit = chat_room.kit
    room_id = chat_room.room_id
    sms = await add_sms(kit, room_id)

    @kit.hook(BEFORE, name="auto_reply", channel_ids=["sms-1"])
    async def auto_reply(event: RoomEvent, ctx: RoomContext) -> HookResult:
        reply = InjectedEvent(
            event=_notice("ignored-room", "We got your text"), target_channel_ids=["sms-1"]
        )
        return HookResult.allow(injected_events=[reply])

    result = await kit.process_inbound(message("sms-1", "hello?", "+15550001111"))

    assert not result.blocked
    assert sent_bodies(sms) == ["Hello from the bot", "We got your text"]
    assert "We got your text" not in chat_room.inbox.texts
    events = messages_of(await kit.get_timeline(room_id))
    assert [body_of(e) for e in events] == ["hello?", "Hello from the bot", "We got your text"]
    injected = events[-1]
    assert injected.room_id == room_id
    assert injected.status == EventStatus.DELIVERED
    assert injected.delivery_results["sms-1"]["status"] == "delivered"


async def test_injected_event_without_targets_is_broadcast(chat_room: ChatRoom) -> None:
    kit = chat_room.kit
    sms = await add_sms(kit, chat_room.room_id)

    @kit.hook(BEFORE, name="announce", directions=[ChannelDirection.INBOUND])
    async def announce(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult.allow(injected_events=[InjectedEvent(event=_notice("x", "FYI"))])

    await chat_room.say("hello")

    assert "FYI" in chat_room.inbox.texts
    assert "FYI" in sent_bodies(sms)


async def test_ai_provider_tasks_and_observations_are_stored(chat_room: ChatRoom) -> None:
    kit = chat_room.kit
    provider = EchoAIProvider(task_titles=["send invoice"], observations=["wants invoice"])
    kit.register_channel(AIChannel("ai-finance", provider=provider))
    await kit.detach_channel(chat_room.room_id, "ai-bot")
    await kit.attach_channel(
        chat_room.room_id, "ai-finance", category=ChannelCategory.INTELLIGENCE
    )
    fired: list[str] = []

    @kit.hook(HookTrigger.ON_TASK_CREATED, execution=HookExecution.ASYNC)
    async def on_task(task: Task, ctx: RoomContext) -> None:
        fired.append(task.title)

    await chat_room.say("invoice please")

    assert [t.title for t in await kit.list_tasks(chat_room.room_id)] == ["send invoice"]
    observations = await kit.list_observations(chat_room.room_id)
    assert [o.content for o in observations] == ["wants invoice"]
    assert fired == ["send invoice"]
    assert chat_room.inbox.texts == ["re: invoice please"]


class _Tagger(Channel):
    """An intelligence channel that only updates room metadata and logs an observation."""

    channel_type = ChannelType.AI
    category = ChannelCategory.INTELLIGENCE

    async def handle_inbound(self, message: InboundMessage, context: RoomContext) -> RoomEvent:
        raise NotImplementedError

    async def deliver(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> ChannelOutput:
        return ChannelOutput.empty()

    async def on_event(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> ChannelOutput:
        return ChannelOutput(
            metadata_updates={"topic": body_of(event)},
            observations=[
                Observation(room_id=event.room_id, channel_id=self.channel_id, content="seen")
            ],
        )


async def test_channel_metadata_updates_are_merged_into_the_room(chat_room: ChatRoom) -> None:
    kit = chat_room.kit
    await kit.update_room_metadata(chat_room.room_id, {"owner": "team-a"})
    kit.register_channel(_Tagger("tagger"))
    await kit.attach_channel(chat_room.room_id, "tagger")

    await chat_room.say("billing")

    room = await kit.get_room(chat_room.room_id)
    assert room.metadata["owner"] == "team-a"
    assert room.metadata["topic"] == "Hello from the bot"  # the last event it saw
    assert len(await kit.list_observations(chat_room.room_id)) == 2
