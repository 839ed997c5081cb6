"""JEPX and EPRX prices as evenly spaced `SampledSeries` (one value per 30-min slot or EPRX block).

A slot with no figure (an untraded intraday slot, an area not traded, a block missing from an EPRX file) is NaN,
so the series keeps its spacing; `SampledSeries.sampled_at(i)` is the slot's start (UTC).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TypeVar

import numpy as np

from csms.grid.japan.eprx import EprxRecord, EprxResults
from csms.grid.japan.jepx import SOURCE_JEPX, IntradaySlot, SpotSlot
from csms.grid.signals import SampledSeries

T = TypeVar("T")
_SLOT_S = 1800.0


def _series(items: Sequence[T], start: Callable[[T], datetime], value: Callable[[T], float], interval_s: float,
            *, source: str, label: str) -> SampledSeries:
    if not items:
        raise ValueError(f"no {label} values to make a series of")
    first = min(start(i) for i in items)
    last = max(start(i) for i in items)
    count = round((last - first).total_seconds() / interval_s) + 1
    values = np.full(count, math.nan)
    for item in items:
        offset = (start(item) - first).total_seconds() / interval_s
        if offset != int(offset):
            raise ValueError(f"{label}: {start(item).isoformat()} is not on the {interval_s:g} s grid")
        values[int(offset)] = value(item)
    return SampledSeries(first, interval_s, values, source, label)


def spot_series(slots: Sequence[SpotSlot], area: str) -> SampledSeries:
    """JEPX day-ahead price in 円/kWh for `area` ("system" or an area key), one value per slot."""
    return _series(slots, lambda s: s.start_at,
                   lambda s: s.price_yen_per_kwh(area) if s.has_price(area) else math.nan, _SLOT_S,
                   source=SOURCE_JEPX, label=f"jepx-spot-{area} [yen/kWh]")


def intraday_series(slots: Sequence[IntradaySlot]) -> SampledSeries:
    """JEPX intraday volume-weighted average price in 円/kWh, one value per slot (NaN where nothing traded)."""
    return _series(slots, lambda s: s.start_at, lambda s: s.average_yen_per_kwh, _SLOT_S, source=SOURCE_JEPX,
                   label="jepx-intraday-average [yen/kWh]")


def eprx_series(results: EprxResults, column: str, metric: str = "平均落札価格（TSO別）[円/kW・30分]", *,
                procurement: str | None = None) -> SampledSeries:
    """One EPRX metric for one column (area or resource type), one value per block (3 h or 30 min)."""
    records = results.metric(metric, procurement=procurement)
    if not records:
        raise ValueError(f"{results.source}: no {metric!r} records")
    spans = {(r.end_at - r.start_at) for r in records}
    if len(spans) != 1:
        raise ValueError(f"{results.source}: blocks of different lengths {sorted(spans)}; cut the file first")
    interval = next(iter(spans)) / timedelta(seconds=1)

    def value(r: EprxRecord) -> float:
        return r.values.get(column, math.nan)

    return _series(records, lambda r: r.start_at, value, interval, source="EPRX", label=f"eprx {metric} {column}")
