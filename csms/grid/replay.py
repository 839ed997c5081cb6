"""Replay sources: recorded series and price lists emitted on an injected `Clock`.

Each sample is yielded when the clock reaches its timestamp, so a `ScaledClock(start_at, speed)` replays a
recording `speed` times faster and a `ManualClock` replays it instantly (its `sleep` advances it). Samples
already in the past when iteration starts are skipped, except the latest one at or before "now" (the value in
force). A consumer that falls behind gets the samples late, in order, never dropped. `start_at=` moves the whole
recording in time (its first sample then lands on `start_at`); emitted timestamps are the moved ones.
Imports csms.domain.clock and csms.grid only.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timedelta

from csms.domain.clock import Clock
from csms.grid.signals import (
    FrequencySample,
    FrequencySeries,
    PriceSignal,
    RegulationSeries,
    RegulationSignal,
    SampledSeries,
    SourceDescription,
)


async def wait_until(clock: Clock, at: datetime) -> None:
    """Sleep on `clock` until it reads `at` (returns at once if it already does)."""
    delay_s = (at - clock.now()).total_seconds()
    if delay_s > 0:
        await clock.sleep(delay_s)


class _SeriesReplay:
    kind = "series-replay"

    def __init__(self, series: SampledSeries | Sequence[SampledSeries], clock: Clock, *,
                 start_at: datetime | None = None) -> None:
        items = [series] if isinstance(series, SampledSeries) else list(series)
        if not items:
            raise ValueError("nothing to replay")
        items.sort(key=lambda s: s.start_at)
        if start_at is not None and (start_at.tzinfo is None or start_at.utcoffset() is None):
            raise ValueError("start_at must be timezone-aware")
        self._series = items
        self._clock = clock
        self._shift = timedelta(0) if start_at is None else start_at - items[0].start_at

    async def _samples(self) -> AsyncIterator[tuple[datetime, float, str]]:
        for series in self._series:
            start = series.start_at + self._shift
            count = len(series)
            elapsed_s = (self._clock.now() - start).total_seconds()
            first = 0 if elapsed_s <= 0 else int(elapsed_s // series.interval_s)
            if first >= count:
                continue
            values = series.values.tolist()
            for i in range(first, count):
                at = start + timedelta(seconds=i * series.interval_s)
                await wait_until(self._clock, at)
                yield at, values[i], series.source

    def describe(self) -> SourceDescription:
        first, last = self._series[0], self._series[-1]
        samples = sum(len(s) for s in self._series)
        cadences = {s.interval_s for s in self._series}
        return SourceDescription(
            kind=self.kind, name=" + ".join(s.label or s.source for s in self._series),
            cadence_s=cadences.pop() if len(cadences) == 1 else None,
            first_at=first.start_at + self._shift, last_at=last.end_at + self._shift,
            detail=f"{samples} samples in {len(self._series)} series",
        )


class RegulationReplay(_SeriesReplay):
    """Replays PJM/CAISO regulation series as `RegulationSignal`s at the recording's cadence.

    `async for signal in RegulationReplay(parsed.items, clock).signals(): ...`"""

    kind = "regulation-replay"

    def __init__(self, series: RegulationSeries | Sequence[RegulationSeries], clock: Clock, *,
                 start_at: datetime | None = None) -> None:
        super().__init__(series, clock, start_at=start_at)

    async def signals(self) -> AsyncIterator[RegulationSignal]:
        async for at, value, source in self._samples():
            yield RegulationSignal(at, value, source)


class FrequencyReplay(_SeriesReplay):
    """Replays measured frequency as `FrequencySample`s (apply a `DroopCurve` to get the response)."""

    kind = "frequency-replay"

    def __init__(self, series: FrequencySeries | Sequence[FrequencySeries], clock: Clock, *,
                 start_at: datetime | None = None) -> None:
        super().__init__(series, clock, start_at=start_at)

    async def signals(self) -> AsyncIterator[FrequencySample]:
        async for at, value, source in self._samples():
            yield FrequencySample(at, value, source)


class PriceReplay:
    """Emits price signals ahead of their intervals, as a market publishes them.

    A price is emitted at its `published_at`, or `lead_s` before its interval starts when it has none (a
    day-ahead market: 12-36 h). Prices whose interval has already ended when iteration starts are skipped; the
    rest come in order of emission time (ties by interval start)."""

    kind = "price-replay"

    def __init__(self, prices: Sequence[PriceSignal], clock: Clock, *, lead_s: float = 0.0,
                 name: str = "prices") -> None:
        if lead_s < 0:
            raise ValueError("lead_s must be >= 0")
        self._clock = clock
        self._lead = timedelta(seconds=lead_s)
        self._name = name
        self._prices = sorted(prices, key=lambda p: (self._emit_at(p), p.start_at))

    def _emit_at(self, price: PriceSignal) -> datetime:
        return price.published_at if price.published_at is not None else price.start_at - self._lead

    async def signals(self) -> AsyncIterator[PriceSignal]:
        now = self._clock.now()
        for price in self._prices:
            if price.end_at <= now:
                continue
            await wait_until(self._clock, self._emit_at(price))
            yield price

    def describe(self) -> SourceDescription:
        if not self._prices:
            return SourceDescription(kind=self.kind, name=self._name, detail="0 prices")
        return SourceDescription(
            kind=self.kind, name=self._name,
            first_at=min(p.start_at for p in self._prices), last_at=max(p.end_at for p in self._prices),
            detail=f"{len(self._prices)} prices, lead {self._lead.total_seconds():g} s",
        )
