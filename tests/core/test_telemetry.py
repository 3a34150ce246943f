"""Spans and metrics recorded through OpenTelemetry, and the disabled default."""

from __future__ import annotations

import itertools
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode
from pipeline_support import add_sms, message

from roomkit import (
    AIChannel,
    ErrorCode,
    HookExecution,
    HookResult,
    HookTrigger,
    IdentityHookResult,
    IdentityResult,
    MockAIProvider,
    MockIdentityResolver,
    MockSMSProvider,
    ProviderError,
    RoomEvent,
    RoomKit,
    WebSocketChannel,
)
from roomkit.models.context import RoomContext
from roomkit.telemetry import NOOP_SPAN, OpenTelemetryTelemetry, Telemetry

SECRET_BODY = "my-private-message-4242"
SECRET_REPLY = "the-model-said-9999"


@dataclass
class Recorded:
    """A kit wired to in-memory span and metric collectors."""

    kit: RoomKit
    telemetry: OpenTelemetryTelemetry
    spans: InMemorySpanExporter
    metrics: InMemoryMetricReader

    def finished(self, name: str | None = None) -> list[ReadableSpan]:
        """Finished spans, optionally only those called ``name``."""
        spans = list(self.spans.get_finished_spans())
        return [s for s in spans if name is None or s.name == name]

    def one(self, name: str) -> ReadableSpan:
        """The single finished span called ``name``."""
        (span,) = self.finished(name)
        return span

    def points(self, metric: str) -> list[Any]:
        """The data points of one metric."""
        data = self.metrics.get_metrics_data()
        assert data is not None
        return [
            point
            for resource in data.resource_metrics
            for scope in resource.scope_metrics
            for m in scope.metrics
            if m.name == metric
            for point in m.data.data_points
        ]


@pytest.fixture
async def rec() -> AsyncIterator[Recorded]:
    """A kit with OpenTelemetry telemetry and a clock advancing 0.25 s per reading."""
    exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    reader = InMemoryMetricReader()
    meter_provider = MeterProvider(metric_readers=[reader])
    ticks: Iterator[float] = (n * 0.25 for n in itertools.count())
    telemetry = OpenTelemetryTelemetry(tracer_provider, meter_provider, clock=lambda: next(ticks))
    async with RoomKit(telemetry=telemetry) as kit:
        kit.register_channel(WebSocketChannel("ws-user"))
        await kit.create_room(room_id="room-t")
        await kit.attach_channel("room-t", "ws-user")
        yield Recorded(kit, telemetry, exporter, reader)
    meter_provider.shutdown()
    tracer_provider.shutdown()


def _parent_id(span: ReadableSpan) -> int | None:
    return span.parent.span_id if span.parent is not None else None


def _span_id(span: ReadableSpan) -> int:
    assert span.context is not None
    return int(span.context.span_id)


def attrs(span: ReadableSpan) -> Mapping[str, Any]:
    """A span's attributes (empty when it has none)."""
    return span.attributes or {}


async def test_hooks_and_deliveries_are_children_of_the_inbound_span(rec: Recorded) -> None:
    await add_sms(rec.kit, "room-t", "sms-1")

    @rec.kit.hook(HookTrigger.BEFORE_BROADCAST, name="gate")
    async def gate(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult.allow()

    @rec.kit.hook(HookTrigger.AFTER_BROADCAST, HookExecution.ASYNC, name="audit")
    async def audit(event: RoomEvent, ctx: RoomContext) -> None:
        return None

    result = await rec.kit.process_inbound(message("ws-user", "hi"))

    root = rec.one("roomkit.process_inbound")
    assert root.parent is None
    assert result.event is not None
    assert root.attributes == {
        "roomkit.channel_id": "ws-user",
        "roomkit.channel_type": "websocket",
        "roomkit.room_id": "room-t",
        "roomkit.event_id": result.event.id,
        "roomkit.blocked": False,
        "roomkit.duplicate": False,
    }
    hooks = rec.finished("roomkit.hook")
    assert {attrs(s)["roomkit.hook.name"] for s in hooks} == {"gate", "audit"}
    children = [*hooks, rec.one("roomkit.deliver")]
    assert all(_parent_id(s) == _span_id(root) for s in children)
    assert all(s.status.status_code is StatusCode.UNSET for s in rec.finished())


async def test_hook_spans_name_the_trigger_and_the_outcome(rec: Recorded) -> None:
    @rec.kit.hook(HookTrigger.BEFORE_BROADCAST, name="stop", priority=1)
    async def stop(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult.block("no")

    @rec.kit.hook(HookTrigger.BEFORE_BROADCAST, name="broken", priority=0)
    async def broken(event: RoomEvent, ctx: RoomContext) -> None:
        raise RuntimeError(SECRET_BODY)

    @rec.kit.hook(HookTrigger.ON_ERROR, HookExecution.ASYNC, name="slow")
    async def slow(event: RoomEvent, ctx: RoomContext, error: object) -> None:
        raise TimeoutError  # as call_hook raises when a hook overruns its timeout

    result = await rec.kit.process_inbound(message("ws-user", "hi"))

    assert result.blocked
    spans = {attrs(s)["roomkit.hook.name"]: s for s in rec.finished("roomkit.hook")}
    stop_span, broken_span, slow_span = spans["stop"], spans["broken"], spans["slow"]
    assert stop_span.attributes == {
        "roomkit.hook.name": "stop",
        "roomkit.hook.trigger": "before_broadcast",
        "roomkit.hook.execution": "sync",
        "roomkit.hook.outcome": "block",
        "roomkit.hook.timed_out": False,
    }
    assert attrs(broken_span)["roomkit.hook.outcome"] == "error"
    assert broken_span.status.status_code is StatusCode.ERROR
    assert broken_span.status.description == "RuntimeError"
    assert attrs(slow_span)["roomkit.hook.outcome"] == "timeout"
    assert attrs(slow_span)["roomkit.hook.timed_out"] is True
    assert attrs(slow_span)["roomkit.hook.execution"] == "async"
    assert attrs(slow_span)["roomkit.hook.trigger"] == "on_error"
    root = rec.one("roomkit.process_inbound")
    assert attrs(root)["roomkit.blocked"] is True


async def test_a_failed_delivery_marks_its_span_as_an_error(rec: Recorded) -> None:
    failure = ProviderError("carrier down", code=ErrorCode.SERVER_ERROR)
    await add_sms(rec.kit, "room-t", "sms-bad", provider=MockSMSProvider(fail_with=failure))
    await add_sms(rec.kit, "room-t", "sms-ok", "+15550002222")

    await rec.kit.process_inbound(message("ws-user", "hi"))

    spans = {attrs(s)["roomkit.channel_id"]: s for s in rec.finished("roomkit.deliver")}
    bad, ok = spans["sms-bad"], spans["sms-ok"]
    assert bad.status.status_code is StatusCode.ERROR
    assert bad.status.description == "ProviderError"
    assert attrs(bad)["roomkit.delivery.status"] == "failed"
    assert attrs(bad)["roomkit.delivery.attempts"] == 1
    assert attrs(bad)["roomkit.channel_type"] == "sms"
    assert attrs(bad)["error.type"] == "ProviderError"
    assert ok.status.status_code is StatusCode.UNSET
    assert attrs(ok)["roomkit.delivery.status"] == "delivered"


async def test_an_ai_reply_is_traced_from_inbound_to_the_provider_call(rec: Recorded) -> None:
    ai = AIChannel("bot", provider=MockAIProvider([SECRET_REPLY]), telemetry=rec.telemetry)
    rec.kit.register_channel(ai)
    await rec.kit.attach_channel("room-t", "bot")

    await rec.kit.process_inbound(message("ws-user", "hi"))

    root = rec.one("roomkit.process_inbound")
    reaction = rec.one("roomkit.channel.on_event")
    generate = rec.one("roomkit.ai.generate")
    assert _parent_id(reaction) == _span_id(root)
    assert _parent_id(generate) == _span_id(reaction)
    assert attrs(reaction)["roomkit.channel_type"] == "ai"
    assert attrs(reaction)["roomkit.response_events"] == 1
    assert generate.attributes == {
        "roomkit.channel_id": "bot",
        "roomkit.ai.provider": "MockAIProvider",
        "roomkit.ai.model": "mock-model",
        "roomkit.ai.finish_reason": "stop",
        "roomkit.ai.usage.prompt_tokens": 1,
        "roomkit.ai.usage.completion_tokens": 5,
        "roomkit.ai.tool_calls": 0,
    }


async def test_a_failing_ai_provider_fails_its_spans(rec: Recorded) -> None:
    provider = MockAIProvider(fail_with=ValueError(SECRET_BODY))
    rec.kit.register_channel(AIChannel("bot", provider=provider, telemetry=rec.telemetry))
    await rec.kit.attach_channel("room-t", "bot")

    await rec.kit.process_inbound(message("ws-user", "hi"))

    for name in ("roomkit.ai.generate", "roomkit.channel.on_event"):
        span = rec.one(name)
        assert span.status.status_code is StatusCode.ERROR
        assert span.status.description == "ValueError"


async def test_no_message_body_reply_or_error_text_reaches_the_spans(rec: Recorded) -> None:
    failure = ProviderError(f"rejected {SECRET_BODY}", code=ErrorCode.PROVIDER_ERROR)
    await add_sms(rec.kit, "room-t", "sms-bad", provider=MockSMSProvider(fail_with=failure))
    ai = AIChannel("bot", provider=MockAIProvider([SECRET_REPLY]), telemetry=rec.telemetry)
    rec.kit.register_channel(ai)
    await rec.kit.attach_channel("room-t", "bot")

    @rec.kit.hook(HookTrigger.BEFORE_BROADCAST, name="leaky")
    async def leaky(event: RoomEvent, ctx: RoomContext) -> None:
        raise RuntimeError(SECRET_BODY)

    await rec.kit.process_inbound(message("ws-user", SECRET_BODY))

    spans = rec.finished()
    assert {s.name for s in spans} >= {"roomkit.deliver", "roomkit.ai.generate", "roomkit.hook"}
    text = " ".join(
        [s.to_json() for s in spans]  # attributes, status, events, links
    )
    assert SECRET_BODY not in text
    assert SECRET_REPLY not in text
    assert all(not s.events for s in spans)


async def test_inbound_messages_are_counted_and_timed_by_outcome(rec: Recorded) -> None:
    @rec.kit.hook(HookTrigger.BEFORE_BROADCAST, name="no-spam")
    async def no_spam(event: RoomEvent, ctx: RoomContext) -> HookResult | None:
        body = getattr(event.content, "body", "")
        return HookResult.block("spam") if body == "spam" else None

    await rec.kit.process_inbound(message("ws-user", "one", idempotency_key="k1"))
    await rec.kit.process_inbound(message("ws-user", "one", idempotency_key="k1"))
    await rec.kit.process_inbound(message("ws-user", "spam"))
    await rec.kit.process_inbound(message("ws-user", "two"))
    with pytest.raises(Exception, match="not registered"):
        await rec.kit.process_inbound(message("nowhere", "lost"))

    counts = {
        (attrs(p)["roomkit.channel_type"], attrs(p)["roomkit.outcome"]): p.value
        for p in rec.points("roomkit.inbound.messages")
    }
    assert counts == {
        ("websocket", "processed"): 2,
        ("websocket", "duplicate"): 1,
        ("websocket", "blocked"): 1,
        ("unknown", "error"): 1,
    }
    durations = rec.points("roomkit.inbound.duration")
    assert sum(p.count for p in durations) == 5
    assert {p.sum / p.count for p in durations} == {250.0}
    duplicate = [
        s for s in rec.finished("roomkit.process_inbound") if attrs(s).get("roomkit.duplicate")
    ]
    assert len(duplicate) == 1
    assert "roomkit.event_id" not in attrs(duplicate[0])
    failed = [
        s
        for s in rec.finished("roomkit.process_inbound")
        if s.status.status_code is StatusCode.ERROR
    ]
    assert [s.status.description for s in failed] == ["ChannelNotRegisteredError"]


async def test_the_default_telemetry_is_disabled_and_records_nothing() -> None:
    kit = RoomKit()
    telemetry = kit.telemetry

    assert type(telemetry) is Telemetry
    assert telemetry.enabled is False
    with telemetry.span("anything", {"a": 1}) as span:
        span.set_attribute("b", 2)
        span.set_error("Boom")
    assert span is NOOP_SPAN
    telemetry.record_inbound("sms", "processed", 1.0)
    assert telemetry.now() <= telemetry.now()
    await kit.close()


def test_roomkit_imports_and_runs_without_opentelemetry() -> None:
    script = textwrap.dedent(
        """
        import asyncio, sys
        sys.modules["opentelemetry"] = None
        import roomkit
        from roomkit.telemetry import OpenTelemetryTelemetry

        async def main():
            async with roomkit.RoomKit() as kit:
                assert not kit.telemetry.enabled
        asyncio.run(main())
        try:
            OpenTelemetryTelemetry()
        except ImportError as exc:
            print(exc)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )

    assert done.returncode == 0, done.stderr
    assert "install it with: pip install 'roomkit[otel]'" in done.stdout


async def test_a_registered_ai_channel_is_traced_with_the_kits_telemetry(rec: Recorded) -> None:
    ai = AIChannel("bot", provider=MockAIProvider(["ok"]))  # no telemetry given
    rec.kit.register_channel(ai)
    await rec.kit.attach_channel("room-t", "bot")

    await rec.kit.process_inbound(message("ws-user", "hi"))

    assert ai.telemetry is rec.telemetry
    assert len(rec.finished("roomkit.ai.generate")) == 1


async def test_identity_hooks_are_traced_like_other_hooks() -> None:
    exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    telemetry = OpenTelemetryTelemetry(tracer_provider, MeterProvider())
    async with RoomKit(identity_resolver=MockIdentityResolver(), telemetry=telemetry) as kit:
        kit.register_channel(WebSocketChannel("ws-user"))
        await kit.create_room(room_id="room-i")
        await kit.attach_channel("room-i", "ws-user")

        @kit.identity_hook(HookTrigger.ON_IDENTITY_UNKNOWN)
        async def turn_away(
            event: RoomEvent, ctx: RoomContext, found: IdentityResult
        ) -> IdentityHookResult:
            return IdentityHookResult.reject(SECRET_BODY)

        result = await kit.process_inbound(message("ws-user", SECRET_BODY))

    assert result.blocked
    spans = [s for s in exporter.get_finished_spans() if s.name == "roomkit.hook"]
    (span,) = spans
    assert attrs(span)["roomkit.hook.name"] == "turn_away"
    assert attrs(span)["roomkit.hook.trigger"] == "on_identity_unknown"
    assert attrs(span)["roomkit.hook.outcome"] == "identity_rejected"
    (root,) = [s for s in exporter.get_finished_spans() if s.name == "roomkit.process_inbound"]
    assert _parent_id(span) == _span_id(root)
    assert all(SECRET_BODY not in str(value) for value in attrs(span).values())
    tracer_provider.shutdown()
