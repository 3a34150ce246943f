"""Tracing and metrics for the pipeline, switched off unless a kit is given a recorder.

RoomKit reports its work through a :class:`Telemetry` object. The default one is
disabled: each instrumented step reads ``telemetry.enabled`` once and, when it is false,
runs exactly the code it would run without telemetry. :class:`OpenTelemetryTelemetry`
records spans and metrics through opentelemetry-api (the ``otel`` extra), which is
imported only when that class is instantiated, so ``import roomkit`` never needs it.

Spans and metrics carry identifiers, names, statuses and counts. Message bodies,
prompts, replies and exception messages are never recorded; a failure is described by
the exception's type name only.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any

from roomkit._version import __version__

if TYPE_CHECKING:
    from opentelemetry.metrics import MeterProvider
    from opentelemetry.trace import Span, TracerProvider

__all__ = ["NOOP_SPAN", "OpenTelemetryTelemetry", "SpanHandle", "Telemetry"]

AttributeValue = str | bool | int | float
Attributes = Mapping[str, AttributeValue]

_INSTALL_HINT = (
    "OpenTelemetryTelemetry needs opentelemetry-api; install it with: pip install 'roomkit[otel]'"
)


class SpanHandle:
    """A span being recorded; this base class records nothing."""

    __slots__ = ()

    def set_attribute(self, key: str, value: AttributeValue) -> None:
        """Attach an attribute to the span."""

    def set_error(self, error_type: str) -> None:
        """Mark the span as failed, described by an error type name (never a message)."""


NOOP_SPAN = SpanHandle()
"""The span handed out while telemetry is disabled."""


class _NoopSpanContext:
    __slots__ = ()

    def __enter__(self) -> SpanHandle:
        return NOOP_SPAN

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None


_NOOP_CONTEXT = _NoopSpanContext()


class Telemetry:
    """The disabled recorder: every method does nothing and ``enabled`` is false.

    Subclass it to send spans and metrics elsewhere; set ``enabled = True`` so the
    pipeline calls the methods.
    """

    __slots__ = ()

    enabled: bool = False

    def span(
        self, name: str, attributes: Attributes | None = None
    ) -> AbstractContextManager[SpanHandle]:
        """Open a span around a block (nested spans become its children)."""
        return _NOOP_CONTEXT

    def now(self) -> float:
        """Return a monotonic time in seconds, used to measure durations."""
        return time.perf_counter()

    def record_inbound(self, channel_type: str, outcome: str, duration_ms: float) -> None:
        """Count one inbound message and record how long processing it took."""


class _OtelSpan(SpanHandle):
    __slots__ = ("_span",)

    def __init__(self, span: Span) -> None:
        self._span = span

    def set_attribute(self, key: str, value: AttributeValue) -> None:
        self._span.set_attribute(key, value)

    def set_error(self, error_type: str) -> None:
        from opentelemetry.trace import Status, StatusCode

        self._span.set_attribute("error.type", error_type)
        self._span.set_status(Status(StatusCode.ERROR, error_type))


class OpenTelemetryTelemetry(Telemetry):
    """Records spans and metrics with OpenTelemetry (providers default to the global ones).

    ``clock`` returns seconds and measures the ``roomkit.inbound.duration`` histogram;
    tests inject a fake one.
    """

    __slots__ = ("_clock", "_duration", "_messages", "_tracer")

    enabled = True

    def __init__(
        self,
        tracer_provider: TracerProvider | None = None,
        meter_provider: MeterProvider | None = None,
        *,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        try:
            from opentelemetry import metrics, trace
        except ImportError as exc:
            raise ImportError(_INSTALL_HINT) from exc
        self._clock = clock
        self._tracer = trace.get_tracer("roomkit", __version__, tracer_provider=tracer_provider)
        meter = metrics.get_meter("roomkit", __version__, meter_provider=meter_provider)
        self._messages = meter.create_counter(
            "roomkit.inbound.messages",
            unit="{message}",
            description="Inbound messages processed, by channel type and outcome.",
        )
        self._duration = meter.create_histogram(
            "roomkit.inbound.duration",
            unit="ms",
            description="Time spent processing one inbound message.",
        )

    @contextmanager
    def span(self, name: str, attributes: Attributes | None = None) -> Iterator[SpanHandle]:
        """Open an OpenTelemetry span; an exception marks it failed with its type name."""
        with self._tracer.start_as_current_span(
            name,
            attributes=dict(attributes) if attributes else None,
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            handle = _OtelSpan(span)
            try:
                yield handle
            except Exception as exc:
                handle.set_error(type(exc).__name__)
                raise

    def now(self) -> float:
        """Return the injected clock's time in seconds."""
        return self._clock()

    def record_inbound(self, channel_type: str, outcome: str, duration_ms: float) -> None:
        """Add to ``roomkit.inbound.messages`` and ``roomkit.inbound.duration``."""
        attributes: dict[str, Any] = {
            "roomkit.channel_type": channel_type,
            "roomkit.outcome": outcome,
        }
        self._messages.add(1, attributes)
        self._duration.record(duration_ms, attributes)
