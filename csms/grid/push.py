"""Push sources: live samples (an operator's AGC feed, a frequency meter) handed in by whoever receives them.

The HTTP/websocket endpoint belongs to the API; it calls `RegulationPush.submit_payload(body)` (or `submit`)
and maps a `GridDataError` to a 4xx answer. Every consumer iterating `signals()` gets every accepted sample,
newest last; a consumer that falls behind loses the oldest queued samples (for a setpoint signal the newest is
what matters), counted in `dropped`. A consumer sees what is accepted after it starts iterating, preceded by
the latest sample, if any. Timestamps default to
the injected clock's now; samples must be in order and not from the future (beyond `max_skew_s`).
Imports csms.domain.clock and csms.grid only.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncGenerator, Mapping
from datetime import datetime, timedelta
from typing import Generic, Literal, TypeVar, cast

from csms.domain.clock import Clock, parse_ocpp_time
from csms.grid.errors import GridDataError
from csms.grid.signals import FrequencySample, RegulationSignal, SourceDescription

T = TypeVar("T", RegulationSignal, FrequencySample)

_CLOSED = object()


class _Broadcast(Generic[T]):
    """Fan-out of accepted samples to every current subscriber through small drop-oldest queues."""

    def __init__(self, queue_size: int) -> None:
        if queue_size < 1:
            raise ValueError("queue_size must be >= 1")
        self._queue_size = queue_size
        self._subscribers: set[asyncio.Queue[object]] = set()
        self.latest: T | None = None
        self.dropped = 0
        self.closed = False

    def publish(self, item: T) -> None:
        self.latest = item
        for queue in self._subscribers:
            if queue.full():
                queue.get_nowait()
                self.dropped += 1
            queue.put_nowait(item)

    def close(self) -> None:
        self.closed = True
        for queue in self._subscribers:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(_CLOSED)

    async def subscribe(self) -> AsyncGenerator[T, None]:
        if self.closed:
            if self.latest is not None:
                yield self.latest
            return
        queue: asyncio.Queue[object] = asyncio.Queue(self._queue_size)
        if self.latest is not None:
            queue.put_nowait(self.latest)
        self._subscribers.add(queue)
        try:
            while True:
                item = await queue.get()
                if item is _CLOSED:
                    return
                yield cast(T, item)
        finally:
            self._subscribers.discard(queue)


class _PushBase(Generic[T]):
    kind = "push"

    def __init__(self, clock: Clock, *, name: str, max_skew_s: float, queue_size: int) -> None:
        self._clock = clock
        self._name = name
        self._max_skew = timedelta(seconds=max_skew_s)
        self._hub: _Broadcast[T] = _Broadcast(queue_size)
        self.accepted = 0

    @property
    def dropped(self) -> int:
        """Samples a slow consumer never saw because newer ones replaced them."""
        return self._hub.dropped

    @property
    def latest(self) -> T | None:
        return self._hub.latest

    def close(self) -> None:
        """End every consumer's iteration (after what is queued)."""
        self._hub.close()

    def signals(self) -> AsyncGenerator[T, None]:
        return self._hub.subscribe()

    def _timestamp(self, sampled_at: datetime | str | None) -> datetime:
        if sampled_at is None:
            return self._clock.now()
        if isinstance(sampled_at, str):
            try:
                sampled_at = parse_ocpp_time(sampled_at)
            except ValueError:
                raise GridDataError(f"bad timestamp {sampled_at!r}", source=self._name, column="sampled_at") from None
        if sampled_at.tzinfo is None or sampled_at.utcoffset() is None:
            raise GridDataError("timestamp must carry a UTC offset", source=self._name, column="sampled_at")
        if sampled_at > self._clock.now() + self._max_skew:
            raise GridDataError(f"timestamp {sampled_at.isoformat()} is in the future", source=self._name,
                                column="sampled_at")
        latest = self._hub.latest
        if latest is not None and sampled_at <= latest.sampled_at:
            raise GridDataError(f"timestamp {sampled_at.isoformat()} is not after the previous sample's "
                                f"{latest.sampled_at.isoformat()}", source=self._name, column="sampled_at")
        return sampled_at

    def _number(self, raw: object, column: str) -> float:
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise GridDataError(f"expected a number, got {raw!r}", source=self._name, column=column)
        value = float(raw)
        if not math.isfinite(value):
            raise GridDataError(f"non-finite number {raw!r}", source=self._name, column=column)
        return value

    def _publish(self, item: T) -> T:
        if self._hub.closed:
            raise GridDataError("source is closed", source=self._name)
        self._hub.publish(item)
        self.accepted += 1
        return item


class RegulationPush(_PushBase[RegulationSignal]):
    """A live regulation signal pushed in by an AGC feed. `unit="percent"` accepts CAISO-style % of capacity."""

    kind = "regulation-push"

    def __init__(self, clock: Clock, *, name: str = "push:regulation", max_skew_s: float = 5.0,
                 queue_size: int = 8, tolerance: float = 1e-6) -> None:
        super().__init__(clock, name=name, max_skew_s=max_skew_s, queue_size=queue_size)
        self._tolerance = tolerance

    def submit(self, value: float, *, sampled_at: datetime | str | None = None,
               unit: Literal["normalised", "percent"] = "normalised") -> RegulationSignal:
        """Validate and publish one sample; raises GridDataError (nothing published) if it is unusable."""
        number = self._number(value, "value")
        if unit == "percent":
            number /= 100.0
        elif unit != "normalised":
            raise GridDataError(f"unknown unit {unit!r}", source=self._name, column="unit")
        if abs(number) > 1.0 + self._tolerance:
            raise GridDataError(f"value {value!r} outside [-1, 1] ({unit})", source=self._name, column="value")
        at = self._timestamp(sampled_at)
        return self._publish(RegulationSignal(at, max(-1.0, min(1.0, number)), self._name))

    def submit_payload(self, payload: Mapping[str, object]) -> RegulationSignal:
        """Accept a decoded JSON body: {"value": -0.42} or {"percent": -42.0}, optional "sampled_at" (RFC 3339)."""
        if not isinstance(payload, Mapping):
            raise GridDataError("expected a JSON object", source=self._name)
        unknown = set(payload) - {"value", "percent", "sampled_at"}
        if unknown:
            raise GridDataError(f"unknown field(s) {sorted(unknown)}", source=self._name)
        if ("value" in payload) == ("percent" in payload):
            raise GridDataError("give exactly one of 'value' (normalised) or 'percent'", source=self._name)
        raw_at = payload.get("sampled_at")
        if raw_at is not None and not isinstance(raw_at, str):
            raise GridDataError("sampled_at must be an RFC 3339 string", source=self._name, column="sampled_at")
        if "value" in payload:
            return self.submit(self._number(payload["value"], "value"), sampled_at=raw_at)
        return self.submit(self._number(payload["percent"], "percent"), sampled_at=raw_at, unit="percent")

    def describe(self) -> SourceDescription:
        return SourceDescription(kind=self.kind, name=self._name,
                                 detail=f"{self.accepted} accepted, {self.dropped} dropped")


class FrequencyPush(_PushBase[FrequencySample]):
    """Live frequency measurements; values outside `plausible_hz` are refused as sensor errors."""

    kind = "frequency-push"

    def __init__(self, clock: Clock, *, name: str = "push:frequency", max_skew_s: float = 5.0,
                 queue_size: int = 8, plausible_hz: tuple[float, float] = (45.0, 65.0)) -> None:
        super().__init__(clock, name=name, max_skew_s=max_skew_s, queue_size=queue_size)
        self._plausible_hz = plausible_hz

    def submit(self, frequency_hz: float, *, sampled_at: datetime | str | None = None) -> FrequencySample:
        number = self._number(frequency_hz, "frequency_hz")
        low, high = self._plausible_hz
        if not low <= number <= high:
            raise GridDataError(f"frequency {number} Hz outside the plausible {low}..{high} Hz", source=self._name,
                                column="frequency_hz")
        return self._publish(FrequencySample(self._timestamp(sampled_at), number, self._name))

    def submit_payload(self, payload: Mapping[str, object]) -> FrequencySample:
        """Accept a decoded JSON body: {"frequency_hz": 49.93, "sampled_at": "...Z" (optional)}."""
        if not isinstance(payload, Mapping):
            raise GridDataError("expected a JSON object", source=self._name)
        unknown = set(payload) - {"frequency_hz", "sampled_at"}
        if unknown or "frequency_hz" not in payload:
            raise GridDataError("expected {'frequency_hz': <Hz>, 'sampled_at'?: <RFC 3339>}", source=self._name)
        raw_at = payload.get("sampled_at")
        if raw_at is not None and not isinstance(raw_at, str):
            raise GridDataError("sampled_at must be an RFC 3339 string", source=self._name, column="sampled_at")
        return self.submit(self._number(payload["frequency_hz"], "frequency_hz"), sampled_at=raw_at)

    def describe(self) -> SourceDescription:
        return SourceDescription(kind=self.kind, name=self._name,
                                 detail=f"{self.accepted} accepted, {self.dropped} dropped")
