"""Replays emit each sample when the injected clock reaches its timestamp (ManualClock and a fast ScaledClock)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import numpy as np

from csms.domain.clock import ManualClock, ScaledClock
from csms.grid.parsers.regulation import parse_caiso_regulation, parse_pjm_regulation
from csms.grid.replay import FrequencyReplay, PriceReplay, RegulationReplay
from csms.grid.signals import (
    FrequencySeries,
    GridSignalSource,
    PriceMarket,
    PriceSignal,
    RegulationSeries,
)

from .helpers import CAISO_REG, PJM_REGA, corrupted_copy

T = TypeVar("T")
T0 = datetime(2024, 1, 1, 12, tzinfo=UTC)


def _series(n: int = 10, interval_s: float = 2.0, start_at: datetime = T0) -> RegulationSeries:
    return RegulationSeries(start_at=start_at, interval_s=interval_s, values=np.linspace(-1, 1, n), source="test")


async def _take(iterator: AsyncIterator[T], n: int, clock: ManualClock | ScaledClock) -> list[tuple[T, datetime]]:
    out: list[tuple[T, datetime]] = []
    async for item in iterator:
        out.append((item, clock.now()))
        if len(out) == n:
            break
    return out


async def test_pjm_replay_on_a_manual_clock_emits_each_sample_at_its_2s_timestamp() -> None:
    series = parse_pjm_regulation(PJM_REGA).items[0]
    clock = ManualClock(series.start_at)
    replay = RegulationReplay(series, clock)
    got = await _take(replay.signals(), 6, clock)
    assert [s.sampled_at for s, _ in got] == [series.start_at + timedelta(seconds=2 * i) for i in range(6)]
    assert all(now == s.sampled_at for s, now in got)  # emitted exactly when the clock reached it
    assert [s.value for s, _ in got] == list(series.values[:6])
    assert isinstance(replay, GridSignalSource)
    described = replay.describe()
    assert described.kind == "regulation-replay" and described.cadence_s == 2.0 and "14401 samples" in str(described)


async def test_a_replay_started_late_begins_with_the_value_in_force_and_skips_older_samples() -> None:
    clock = ManualClock(T0 + timedelta(seconds=7.5))
    got = await _take(RegulationReplay(_series(), clock).signals(), 3, clock)
    assert [s.sampled_at for s, _ in got] == [T0 + timedelta(seconds=s) for s in (6, 8, 10)]
    assert got[0][1] == T0 + timedelta(seconds=7.5)  # the value in force comes at once


async def test_start_at_moves_the_recording_onto_the_clock() -> None:
    target = datetime(2030, 6, 1, tzinfo=UTC)
    clock = ManualClock(target)
    got = await _take(RegulationReplay(_series(), clock, start_at=target).signals(), 2, clock)
    assert [s.sampled_at for s, _ in got] == [target, target + timedelta(seconds=2)]


async def test_several_caiso_days_replay_in_order_jumping_the_gaps_and_past_days_are_skipped(tmp_path: object) -> None:
    path = corrupted_copy(tmp_path, CAISO_REG, lambda lines: None, keep=6)  # type: ignore[arg-type]
    days = parse_caiso_regulation(path).items[:3]
    clock = ManualClock(days[1].start_at - timedelta(seconds=1))  # day 0 is over
    signals = [s async for s in RegulationReplay(days, clock).signals()]
    assert len(signals) == 2 * 5
    assert signals[0].sampled_at == days[1].start_at and signals[5].sampled_at == days[2].start_at
    assert clock.now() == days[2].end_at


async def test_a_fast_scaled_clock_replays_faster_than_real_time_but_never_early() -> None:
    clock = ScaledClock(T0, speed=500.0)
    started = time.monotonic()
    got = await _take(RegulationReplay(_series(n=26), clock).signals(), 26, clock)
    elapsed = time.monotonic() - started
    assert elapsed >= 50.0 / 500.0 * 0.95  # 50 s of recording at 500x
    assert elapsed < 25.0  # far below real time (50 s), with room for a loaded machine
    assert all(now >= s.sampled_at for s, now in got)
    assert [s.sampled_at for s, _ in got] == [T0 + timedelta(seconds=2 * i) for i in range(26)]


async def test_frequency_replay_yields_frequency_samples() -> None:
    series = FrequencySeries(start_at=T0, interval_s=0.1, values=np.array([50.0, 49.9, 49.8]), source="meter")
    clock = ManualClock(T0)
    got = [s async for s in FrequencyReplay(series, clock).signals()]
    assert [s.frequency_hz for s in got] == [50.0, 49.9, 49.8]
    assert got[-1].sampled_at == T0 + timedelta(seconds=0.2)


def _price(hour: int, price: float, published_at: datetime | None = None) -> PriceSignal:
    start = T0 + timedelta(hours=hour)
    return PriceSignal(start, start + timedelta(hours=1), price, "EUR", PriceMarket.ENERGY_DAY_AHEAD, "NL", "test",
                       published_at=published_at)


async def test_price_replay_publishes_ahead_by_lead_or_at_published_at_and_skips_ended_intervals() -> None:
    clock = ManualClock(T0 + timedelta(minutes=30))
    prices = [_price(3, 30.0), _price(-1, 99.0), _price(0, 10.0), _price(1, 20.0),
              _price(2, 25.0, published_at=T0 + timedelta(minutes=45))]
    replay = PriceReplay(prices, clock, lead_s=3600.0, name="nl")
    got = await _take(replay.signals(), 4, clock)
    assert [p.price_per_mwh for p, _ in got] == [10.0, 20.0, 25.0, 30.0]  # the ended hour -1 is skipped
    assert [now for _, now in got] == [T0 + timedelta(minutes=30), T0 + timedelta(minutes=30),
                                        T0 + timedelta(minutes=45), T0 + timedelta(hours=2)]
    assert "5 prices, lead 3600 s" in str(replay.describe())
