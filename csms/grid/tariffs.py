"""Time-of-use tariffs as price signals: expand a `TariffSchedule` into import `PriceSignal`s over a date range.

Pure computation on csms.grid.signals types; no I/O, no clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from csms.grid.signals import PriceMarket, PriceSignal, TariffSchedule


def _local_midnight_utc(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=tz).astimezone(UTC)


def tariff_price_signals(tariff: TariffSchedule, start_on: date, end_on: date, *, interval_s: int = 3600,
                         ) -> list[PriceSignal]:
    """Import prices for local dates [start_on, end_on) on a UTC grid of `interval_s` (which must divide an
    hour), split wherever the tariff's price changes inside a grid interval (PG&E's 8:30 boundary gives two
    half-hour signals at 8:00). DST days give 23 or 25 hourly signals. Prices are per MWh (tariff $/kWh x 1000).
    Assumes the tariff's zone has whole-hour UTC offsets (true for the US and Europe)."""
    if interval_s <= 0 or 3600 % interval_s:
        raise ValueError("interval_s must divide 3600")
    if end_on <= start_on:
        return []
    tz = ZoneInfo(tariff.timezone_name)
    step = timedelta(seconds=interval_s)
    step_h = interval_s / 3600
    t = _local_midnight_utc(start_on, tz)
    end_at = _local_midnight_utc(end_on, tz)
    out: list[PriceSignal] = []
    while t < end_at:
        local = t.astimezone(tz)
        hour = local.hour + local.minute / 60 + local.second / 3600
        period = tariff.period_on(local.date())
        cuts = [h for h in period.hour_starts if hour < h < hour + step_h]
        edges = [hour, *cuts, hour + step_h]
        for h0, h1 in pairwise(edges):
            start = t + timedelta(hours=h0 - hour)
            end = t + timedelta(hours=h1 - hour)
            price = period.price_per_kwh_at_hour(h0) * 1000.0
            out.append(PriceSignal(start, end, price, tariff.currency, PriceMarket.ENERGY_RETAIL_TOU, tariff.name,
                                   tariff.source))
        t += step
    return out
