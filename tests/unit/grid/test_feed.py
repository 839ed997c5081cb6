"""The grid feed layer: one consumer routes every feed's signals to the controller, fails safe on silence, and
`SourceFeed` reconnects with backoff (all on a ManualClock)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from csms.domain.clock import ManualClock
from csms.grid.droop import DroopCurve
from csms.grid.errors import GridConnectionError
from csms.grid.feed import (
    Backoff,
    FailSafePolicy,
    FeedConsumer,
    FeedRole,
    FeedState,
    GridFeed,
    SourceFeed,
    ready,
)
from csms.grid.push import RegulationPush
from csms.grid.signals import (
    DemandResponseEvent,
    DrEventStatus,
    DrInterval,
    DrSignalKind,
    GridSignal,
    GridSignalSource,
    OptState,
    PriceMarket,
    PriceSignal,
    RegulationSignal,
    SourceDescription,
)

T0 = datetime(2024, 1, 1, 12, tzinfo=UTC)


class FakeSink:
    def __init__(self) -> None:
        self.regulation: list[float] = []
        self.prices: dict[datetime, float] = {}
        self.replans: list[str] = []
        self.dr: list[tuple[str, float]] = []
        self.cancelled: list[str] = []

    def on_regulation(self, signal: float) -> None:
        self.regulation.append(signal)

    def on_prices(self, interval_start_at: datetime, import_price_per_mwh: float,
                  export_price_per_mwh: float | None = None) -> None:
        self.prices[interval_start_at] = import_price_per_mwh

    def request_replan(self, reason: str) -> None:
        self.replans.append(reason)

    def on_dr_event(self, event_id: str, start_at: datetime, end_at: datetime, reduction_w: float,
                    baseline_w: float | None = None) -> None:
        self.dr.append((event_id, reduction_w))

    def cancel_dr_event(self, event_id: str) -> None:
        self.cancelled.append(event_id)


class ListSource:
    """Yields fixed signals, then ends (or raises `fail_with`)."""

    def __init__(self, items: list[GridSignal], fail_with: Exception | None = None) -> None:
        self.items = items
        self.fail_with = fail_with

    async def signals(self) -> AsyncIterator[GridSignal]:
        for item in self.items:
            yield item
        if self.fail_with is not None:
            raise self.fail_with

    def describe(self) -> SourceDescription:
        return SourceDescription(kind="list", name="list", detail=f"{len(self.items)} items")


def _price(hour: int, price: float) -> PriceSignal:
    start = T0 + timedelta(hours=hour)
    return PriceSignal(start, start + timedelta(hours=1), price, "EUR", PriceMarket.ENERGY_DAY_AHEAD, "DK1", "t")


def _dr(event_id: str, opt: OptState, status: DrEventStatus = DrEventStatus.FAR) -> DemandResponseEvent:
    start, end = T0 + timedelta(hours=1), T0 + timedelta(hours=2)
    return DemandResponseEvent(event_id, "vtn", start, end, (DrInterval(start, end, DrSignalKind.REDUCTION_W, 5e3),),
                               T0, opt=opt, status=status)


async def test_the_consumer_routes_each_kind_of_signal_to_the_controller() -> None:
    clock = ManualClock(T0)
    sink = FakeSink()
    consumer = FeedConsumer(sink, clock, droop=DroopCurve.fcr_n(full_deviation_hz=0.1))
    feed = SourceFeed("f", "list", FeedRole.REGULATION, clock, lambda: ready(ListSource([])))
    consumer.deliver(feed, RegulationSignal(T0, 0.25, "t"))
    from csms.grid.signals import FrequencySample

    consumer.deliver(feed, FrequencySample(T0, 49.95, "t"))  # 0.05 Hz low on a 0.1 Hz droop: +0.5 (inject)
    for hour in range(3):
        consumer.deliver(feed, _price(hour, 50.0 + hour))
    consumer.deliver(feed, _dr("ev-1", OptState.OPT_IN))
    consumer.deliver(feed, _dr("ev-2", OptState.OPT_OUT))
    consumer.deliver(feed, _dr("ev-1", OptState.OPT_IN, DrEventStatus.CANCELLED))
    await asyncio.sleep(0)
    assert sink.regulation == [0.25, pytest.approx(0.5)]
    assert sink.prices == {T0: 50.0, T0 + timedelta(hours=1): 51.0, T0 + timedelta(hours=2): 52.0}
    assert sink.replans == ["grid feed prices"]  # one re-plan for the batch
    assert sink.dr == [("ev-1", 5e3)]
    assert sink.cancelled == ["ev-2", "ev-1"]


async def test_frequency_without_a_droop_curve_is_ignored_not_dispatched() -> None:
    from csms.grid.signals import FrequencySample

    clock = ManualClock(T0)
    sink = FakeSink()
    consumer = FeedConsumer(sink, clock)
    feed = SourceFeed("f", "list", FeedRole.REGULATION, clock, lambda: ready(ListSource([])))
    consumer.deliver(feed, FrequencySample(T0, 49.9, "t"))
    assert sink.regulation == [] and consumer.ignored == 1


async def test_a_stale_regulation_signal_decays_to_zero_and_the_next_sample_takes_over() -> None:
    clock = ManualClock(T0)
    sink = FakeSink()
    consumer = FeedConsumer(sink, clock, FailSafePolicy(regulation_max_age_s=10, regulation_decay_s=4))
    feed = SourceFeed("f", "list", FeedRole.REGULATION, clock, lambda: ready(ListSource([])))
    consumer.deliver(feed, RegulationSignal(T0, 0.8, "t"))
    clock.advance(10)
    assert consumer.check() is None and consumer.signal_in_force() == (0.8, False)
    clock.advance(2)  # half way through the decay
    assert consumer.check() == pytest.approx(0.4)
    signal, fail_safe = consumer.signal_in_force()
    assert signal == pytest.approx(0.4) and fail_safe is True
    clock.advance(3)
    assert consumer.check() == 0.0
    assert consumer.check() is None  # at baseline: nothing more to send
    assert sink.regulation == [0.8, pytest.approx(0.4), 0.0] and consumer.regulation.decays == 1
    consumer.deliver(feed, RegulationSignal(clock.now(), -0.3, "t"))
    assert sink.regulation[-1] == -0.3 and consumer.signal_in_force() == (-0.3, False)


async def test_with_no_decay_time_a_stale_signal_drops_to_zero_at_once() -> None:
    clock = ManualClock(T0)
    sink = FakeSink()
    consumer = FeedConsumer(sink, clock, FailSafePolicy(regulation_max_age_s=5, regulation_decay_s=0))
    feed = SourceFeed("f", "list", FeedRole.REGULATION, clock, lambda: ready(ListSource([])))
    consumer.deliver(feed, RegulationSignal(T0, -1.0, "t"))
    clock.advance(5.5)
    assert consumer.check() == 0.0


async def test_the_watchdog_runs_on_the_clock() -> None:
    clock = ManualClock(T0)
    sink = FakeSink()
    consumer = FeedConsumer(sink, clock, FailSafePolicy(regulation_max_age_s=2, regulation_decay_s=0,
                                                        check_interval_s=1))
    feed = SourceFeed("f", "list", FeedRole.REGULATION, clock, lambda: ready(ListSource([])))
    consumer.deliver(feed, RegulationSignal(T0, 0.5, "t"))
    await consumer.start()
    for _ in range(10):
        await asyncio.sleep(0)
    await consumer.stop()
    assert sink.regulation[-1] == 0.0


async def test_a_source_feed_delivers_and_reconnects_with_exponential_backoff() -> None:
    clock = ManualClock(T0)
    sink = FakeSink()
    consumer = FeedConsumer(sink, clock)
    attempts: list[datetime] = []

    async def connect() -> GridSignalSource:
        attempts.append(clock.now())
        if len(attempts) <= 2:
            raise GridConnectionError("peer down")
        if len(attempts) == 3:
            return ListSource([RegulationSignal(T0, 0.1, "t")], fail_with=GridConnectionError("link lost"))
        return ListSource([RegulationSignal(T0, 0.2, "t")])

    feed = SourceFeed("link", "test", FeedRole.REGULATION, clock, connect, backoff=Backoff(1.0, 3.0),
                      max_age_s=5.0)
    assert isinstance(feed, GridFeed)
    await feed.start(consumer.deliver)  # without the consumer's watchdog, which would advance the clock too
    for _ in range(50):
        await asyncio.sleep(0)
        if feed.counters.state is FeedState.ENDED:
            break
    await feed.stop()
    status = feed.status(clock.now())
    assert sink.regulation[:2] == [0.1, 0.2]
    # failures 1, 2 back off 1 s then 2 s; the link lost after a sample resets the count: 1 s again
    delays = [(b - a).total_seconds() for a, b in itertools.pairwise(attempts)]
    assert delays[:3] == [1.0, 2.0, 1.0]
    assert status.errors == 3 and status.reconnects == 3 and status.last_error == "GridConnectionError: link lost"
    assert status.state is FeedState.STOPPED and status.received == 2 and status.last_value == 0.2


async def test_a_stale_price_feed_is_flagged_and_its_prices_are_kept() -> None:
    clock = ManualClock(T0)
    sink = FakeSink()
    consumer = FeedConsumer(sink, clock)
    feed = SourceFeed("da", "list", FeedRole.PRICES, clock, lambda: ready(ListSource([_price(0, 70.0)])),
                      max_age_s=3600.0)
    consumer.add(feed)
    await consumer.start()
    for _ in range(5):
        await asyncio.sleep(0)
    assert not feed.status(clock.now()).stale
    clock.advance(3601)
    status = feed.status(clock.now())
    await consumer.stop()
    assert status.stale and status.age_s is not None and status.age_s > 3600
    assert sink.prices == {T0: 70.0}  # the plan keeps what it had


async def test_a_push_delivered_elsewhere_is_watched_but_not_dispatched_twice() -> None:
    clock = ManualClock(T0)
    sink = FakeSink()
    consumer = FeedConsumer(sink, clock, FailSafePolicy(regulation_max_age_s=4, regulation_decay_s=0))
    push = RegulationPush(clock)
    feed = SourceFeed("push", push.kind, FeedRole.REGULATION, clock, lambda: ready(push), delivered_elsewhere=True)
    consumer.add(feed)
    await consumer.start()
    await asyncio.sleep(0)
    push.submit(0.6)
    for _ in range(3):
        await asyncio.sleep(0)
    assert sink.regulation == [] and feed.status(clock.now()).last_value == 0.6
    clock.advance(5)
    assert consumer.check() == 0.0  # the API's push goes stale like any other regulation input
    await consumer.stop()


async def test_a_loop_that_falls_behind_its_replay_says_so() -> None:
    from csms.grid.replay import RegulationReplay
    from csms.grid.signals import RegulationSeries
    from csms.scenario.regulation import replay_feed

    clock = ManualClock(T0)

    class SlowSink(FakeSink):
        def on_regulation(self, signal: float) -> None:  # every dispatch takes 5 s of a 2 s cadence
            super().on_regulation(signal)
            clock.advance(5)

    sink = SlowSink()
    consumer = FeedConsumer(sink, clock)
    series = RegulationSeries(T0, 2.0, np.linspace(-1, 1, 20), "test")
    feed = replay_feed(consumer, RegulationReplay(series, clock), T0 + timedelta(seconds=40))
    await feed.start(consumer.deliver)
    for _ in range(100):
        await asyncio.sleep(0)
        if feed.counters.state is FeedState.ENDED:
            break
    assert len(sink.regulation) == 20  # late, but none dropped
    assert consumer.regulation.max_age_s == pytest.approx(19 * 3.0)  # 3 s later with every sample
    reason = consumer.behind(2 * 2.0)
    assert reason is not None and "57.0 s late" in reason
    assert consumer.behind(60.0) is None


async def test_a_loop_that_keeps_up_is_not_behind() -> None:
    from csms.grid.replay import RegulationReplay
    from csms.grid.signals import RegulationSeries
    from csms.scenario.regulation import replay_feed

    clock = ManualClock(T0)
    sink = FakeSink()
    consumer = FeedConsumer(sink, clock)
    series = RegulationSeries(T0, 2.0, np.linspace(-1, 1, 20), "test")
    feed = replay_feed(consumer, RegulationReplay(series, clock), T0 + timedelta(seconds=30))
    await feed.start(consumer.deliver)
    for _ in range(100):
        await asyncio.sleep(0)
        if feed.counters.state is FeedState.ENDED:
            break
    assert len(sink.regulation) == 15  # cut at the window's end
    assert consumer.regulation.max_age_s == 0.0 and consumer.behind(0.5) is None
