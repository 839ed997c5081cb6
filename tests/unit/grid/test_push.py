"""Push sources: validation of pushed samples, fan-out to every consumer, drop-oldest for slow consumers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from csms.domain.clock import ManualClock
from csms.grid.errors import GridDataError
from csms.grid.push import FrequencyPush, RegulationPush
from csms.grid.signals import GridSignalSource, RegulationSignal

T0 = datetime(2024, 1, 1, 12, tzinfo=UTC)


async def test_every_consumer_gets_every_accepted_sample_in_order() -> None:
    clock = ManualClock(T0)
    push = RegulationPush(clock)
    assert isinstance(push, GridSignalSource)

    async def consume() -> list[float]:
        return [s.value async for s in push.signals()]

    consumers = [asyncio.create_task(consume()) for _ in range(2)]
    await asyncio.sleep(0)
    for i, value in enumerate((0.1, -0.5, 1.0)):
        clock.advance(2)
        push.submit(value)
        if i == 1:
            await asyncio.sleep(0)
    push.close()
    assert await asyncio.wait_for(asyncio.gather(*consumers), 5) == [[0.1, -0.5, 1.0]] * 2
    assert push.accepted == 3 and push.dropped == 0


async def test_a_slow_consumer_loses_the_oldest_samples_and_a_new_one_starts_with_the_latest() -> None:
    clock = ManualClock(T0)
    push = RegulationPush(clock, queue_size=2)
    iterator = push.signals()
    first = asyncio.ensure_future(anext(iterator))
    await asyncio.sleep(0)
    for i in range(5):
        clock.advance(2)
        push.submit(i / 10, unit="normalised")
    assert [(await first).value, (await anext(iterator)).value] == [0.3, 0.4]  # the newest two survive
    assert push.dropped == 3
    late = push.signals()
    assert (await anext(late)).value == 0.4
    await iterator.aclose()
    await late.aclose()


async def test_http_style_payloads_are_validated_and_converted() -> None:
    clock = ManualClock(T0)
    push = RegulationPush(clock)
    signal = push.submit_payload({"percent": -42.0})
    assert signal == RegulationSignal(T0, -0.42, "push:regulation")
    clock.advance(4)
    at = (T0 + timedelta(seconds=3)).isoformat().replace("+00:00", "Z")
    assert push.submit_payload({"value": 0.25, "sampled_at": at}).sampled_at == T0 + timedelta(seconds=3)

    def refused(payload: object, *fragments: str) -> None:
        with pytest.raises(GridDataError) as info:
            push.submit_payload(payload)  # type: ignore[arg-type]
        assert info.value.source == "push:regulation"
        for fragment in fragments:
            assert fragment in str(info.value)

    refused({"value": 1.5}, "outside [-1, 1]")
    refused({"percent": 101}, "outside [-1, 1]")
    refused({"value": "0.3"}, "expected a number")
    refused({"value": float("nan")}, "non-finite")
    refused({"value": True}, "expected a number")
    refused({"value": 0.1, "percent": 10}, "exactly one")
    refused({"value": 0.1, "extra": 1}, "unknown field")
    refused({"value": 0.1, "sampled_at": "yesterday"}, "bad timestamp")
    refused({"value": 0.1, "sampled_at": "2024-01-01T12:00:02"}, "not after the previous sample")  # naive = UTC
    refused({"value": 0.1, "sampled_at": "2024-01-01T12:01:00Z"}, "in the future")
    refused([0.1], "expected a JSON object")
    assert push.accepted == 2


async def test_frequency_push_refuses_implausible_values_and_closed_sources_refuse_more() -> None:
    clock = ManualClock(T0)
    push = FrequencyPush(clock)
    assert push.submit_payload({"frequency_hz": 49.93}).frequency_hz == 49.93
    clock.advance(1)
    with pytest.raises(GridDataError, match="plausible"):
        push.submit(0.0)
    with pytest.raises(GridDataError, match="expected"):
        push.submit_payload({"hz": 50.0})
    push.close()
    with pytest.raises(GridDataError, match="closed"):
        push.submit(50.0)
    assert [s.frequency_hz async for s in push.signals()] == [49.93]  # a late consumer still sees the last value
    assert "1 accepted" in str(push.describe())
