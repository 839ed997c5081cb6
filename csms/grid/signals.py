"""Typed grid signals and the one interface every grid-signal source implements.

Pure types (frozen dataclasses, UTC-aware `*_at` timestamps, units in names); imports only the stdlib and
numpy. The fleet controller consumes any `GridSignalSource` without knowing where it came from.

Sign convention for regulation and frequency response (one convention, everywhere in csms.grid)
------------------------------------------------------------------------------------------------
A normalised regulation value `v` in [-1, 1] is the grid's request in the direction of *generation*:
**v = +1 asks the resource to increase its net injection into the grid by its full reserved regulation
capacity** (a generator raises output; an EV fleet reduces charging and/or discharges); v = -1 asks it to
decrease net injection by that much (charge harder). This is PJM's convention for RegA/RegD (PJM Manuals 11
and 12, regulation sections: the resource's regulation setpoint is its basepoint plus signal x assigned
regulation MW, so a positive signal raises output); for V2G, the University of Delaware aggregator's notes on
its 2013 PJM RegD data put it as: with 10 kW offered, +1 requests discharging at 10 kW, -0.5 charging at 5 kW.
CAISO dispatches regulation as a percentage of capacity where positive is Regulation Up (more generation;
"power feedback to grid" in LBNL SynAS's description of the LA AFB data set) and negative is Regulation Down,
so a CAISO value `p` % maps to `v = p / 100` with the same sign. A droop curve returns the same quantity:
frequency below nominal gives a positive fraction (inject more).

This is the convention of `csms.optimizer.dispatch` (signal > 0 = regulation up = less net import), which
turns a value into fleet power; inside the CSMS power is signed + = import/charge (DESIGN.md), so v = +1 lowers
the fleet's net import by its reserved up capacity.
"""

from __future__ import annotations

import enum
import math
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def _require_utc_aware(name: str, at: datetime | None) -> None:
    if at is not None and at.tzinfo is not UTC and (at.tzinfo is None or at.utcoffset() is None):
        raise ValueError(f"{name} must be timezone-aware, got {at!r}")


@dataclass(frozen=True, slots=True)
class RegulationSignal:
    """One regulation sample: `value` in [-1, 1], + = increase net injection (see the module docstring)."""

    sampled_at: datetime
    value: float
    source: str

    def __post_init__(self) -> None:
        _require_utc_aware("sampled_at", self.sampled_at)
        if not -1.0 <= self.value <= 1.0:
            raise ValueError(f"regulation value {self.value!r} outside [-1, 1]")


@dataclass(frozen=True, slots=True)
class FrequencySample:
    """A measured grid frequency."""

    sampled_at: datetime
    frequency_hz: float
    source: str

    def __post_init__(self) -> None:
        _require_utc_aware("sampled_at", self.sampled_at)
        if not math.isfinite(self.frequency_hz) or self.frequency_hz <= 0:
            raise ValueError(f"frequency {self.frequency_hz!r} Hz is not a positive finite number")


class PriceMarket(enum.StrEnum):
    """What a price is for. Capacity products are priced per MW of capacity per hour (same unit as per MWh)."""

    ENERGY_DAY_AHEAD = "energy_day_ahead"
    ENERGY_INTRADAY = "energy_intraday"  # e.g. JEPX 時間前市場, the traded average of each product
    ENERGY_RETAIL_TOU = "energy_retail_tou"  # a utility time-of-use import tariff
    ENERGY_RETAIL_DYNAMIC = "energy_retail_dynamic"  # e.g. an OpenADR ELECTRICITY_PRICE signal
    REGULATION_CLEARING = "regulation_clearing"  # PJM RMCP = RMCCP + RMPCP
    REGULATION_CAPABILITY = "regulation_capability"  # PJM RMCCP
    REGULATION_PERFORMANCE = "regulation_performance"  # PJM RMPCP (per MW of performance-adjusted capacity)
    REGULATION_UP_CAPACITY = "regulation_up_capacity"
    REGULATION_DOWN_CAPACITY = "regulation_down_capacity"
    FCR = "fcr"  # continental symmetric FCR
    FCR_N = "fcr_n"
    FCR_D_UP = "fcr_d_up"
    FCR_D_DOWN = "fcr_d_down"


@dataclass(frozen=True, slots=True)
class PriceSignal:
    """A price over [start_at, end_at): currency per MWh (energy) or per MW per hour (capacity products)."""

    start_at: datetime
    end_at: datetime
    price_per_mwh: float
    currency: str
    market: PriceMarket
    area: str
    source: str
    published_at: datetime | None = None

    def __post_init__(self) -> None:
        _require_utc_aware("start_at", self.start_at)
        _require_utc_aware("end_at", self.end_at)
        _require_utc_aware("published_at", self.published_at)
        if self.end_at <= self.start_at:
            raise ValueError(f"price interval ends ({self.end_at}) before it starts ({self.start_at})")
        if not math.isfinite(self.price_per_mwh):
            raise ValueError(f"price {self.price_per_mwh!r} is not finite")

    @property
    def duration_s(self) -> float:
        return (self.end_at - self.start_at).total_seconds()


class DrSignalKind(enum.StrEnum):
    """How a demand-response interval's `value` is to be read."""

    LEVEL = "level"  # OpenADR SIMPLE: 0 normal, 1 moderate, 2 high, 3 special
    CAPACITY_FRACTION = "capacity_fraction"  # LOAD_CONTROL x-loadControlCapacity: run at this fraction (0..1)
    REDUCTION_W = "reduction_w"  # LOAD_DISPATCH delta: reduce import by this many W (>0 = less import)
    SETPOINT_W = "setpoint_w"  # LOAD_DISPATCH setpoint: import this many W


class OptState(enum.StrEnum):
    PENDING = "pending"
    OPT_IN = "opt_in"
    OPT_OUT = "opt_out"


class DrEventStatus(enum.StrEnum):
    FAR = "far"
    NEAR = "near"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class DrInterval:
    """One interval of a demand-response event."""

    start_at: datetime
    end_at: datetime
    kind: DrSignalKind
    value: float

    def __post_init__(self) -> None:
        _require_utc_aware("start_at", self.start_at)
        _require_utc_aware("end_at", self.end_at)
        if self.end_at <= self.start_at:
            raise ValueError("demand-response interval must have a positive duration")
        if not math.isfinite(self.value):
            raise ValueError(f"demand-response value {self.value!r} is not finite")


@dataclass(frozen=True, slots=True)
class DemandResponseEvent:
    """A demand-response request over [start_at, end_at) and our opt decision on it.

    `notified_at` is when we received it (our clock), `created_at` when the issuer says it created it. A new
    `modification_number` (or status CANCELLED) for the same `event_id` replaces the earlier version.
    """

    event_id: str
    source: str
    start_at: datetime
    end_at: datetime
    intervals: tuple[DrInterval, ...]
    notified_at: datetime
    opt: OptState = OptState.PENDING
    status: DrEventStatus = DrEventStatus.FAR
    modification_number: int = 0
    created_at: datetime | None = None
    market_context: str = ""
    priority: int = 0
    test_event: bool = False

    def __post_init__(self) -> None:
        for name in ("start_at", "end_at", "notified_at", "created_at"):
            _require_utc_aware(name, getattr(self, name))
        if self.end_at <= self.start_at:
            raise ValueError("demand-response event must have a positive duration")

    @property
    def reduction_w(self) -> float | None:
        """The largest import reduction requested in W, or None if no interval is expressed in W."""
        values = [i.value for i in self.intervals if i.kind is DrSignalKind.REDUCTION_W]
        return max(values) if values else None

    @property
    def level(self) -> int | None:
        """The highest SIMPLE level requested, or None."""
        values = [i.value for i in self.intervals if i.kind is DrSignalKind.LEVEL]
        return int(max(values)) if values else None

    def intervals_at(self, at: datetime) -> tuple[DrInterval, ...]:
        """The intervals in force at `at` (one per signal kind at most, in practice)."""
        return tuple(i for i in self.intervals if i.start_at <= at < i.end_at)


class Weekday(enum.IntEnum):
    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6


@dataclass(frozen=True, slots=True)
class TariffPeriod:
    """A TOU price table that applies on `weekdays` between two month-days (inclusive, may wrap the new year).

    `hour_starts` (local hours since midnight, first 0, increasing, fractional allowed) and `prices_per_kwh`
    pair up: the price from each start until the next one (or midnight).
    """

    period_id: str
    season_start: tuple[int, int]  # (month, day), inclusive
    season_end: tuple[int, int]  # (month, day), inclusive
    weekdays: frozenset[Weekday]
    hour_starts: tuple[float, ...]
    prices_per_kwh: tuple[float, ...]
    demand_charge_per_kw: float

    def applies_on(self, day: date) -> bool:
        if Weekday(day.weekday()) not in self.weekdays:
            return False
        md = (day.month, day.day)
        if self.season_start <= self.season_end:
            return self.season_start <= md <= self.season_end
        return md >= self.season_start or md <= self.season_end

    def price_per_kwh_at_hour(self, hour: float) -> float:
        """Price at local `hour` (0 <= hour < 24) of a day this period applies on."""
        price = self.prices_per_kwh[0]
        for start_h, p in zip(self.hour_starts, self.prices_per_kwh, strict=True):
            if hour >= start_h:
                price = p
            else:
                break
        return price


@dataclass(frozen=True, slots=True)
class TariffSchedule:
    """A utility time-of-use import tariff: price per kWh by season, weekday and local hour, plus a demand
    charge per kW (of the billing period's peak). Local times are in `timezone_name`."""

    name: str
    effective_on: date
    timezone_name: str
    currency: str
    periods: tuple[TariffPeriod, ...]
    source: str

    def period_on(self, day: date) -> TariffPeriod:
        """The period in force on local date `day` (the first listed that applies)."""
        for period in self.periods:
            if period.applies_on(day):
                return period
        raise LookupError(f"tariff {self.name!r} has no period for {day}")

    def demand_charge_per_kw_on(self, day: date) -> float:
        return self.period_on(day).demand_charge_per_kw

    def price_per_kwh_at(self, at: datetime) -> float:
        """The import price in force at `at` (UTC-aware; converted to the tariff's local time)."""
        _require_utc_aware("at", at)
        local = at.astimezone(ZoneInfo(self.timezone_name))
        hour = local.hour + local.minute / 60 + local.second / 3600
        return self.period_on(local.date()).price_per_kwh_at_hour(hour)


GridSignal = RegulationSignal | FrequencySample | PriceSignal | DemandResponseEvent | TariffSchedule


@dataclass(frozen=True, slots=True)
class SourceDescription:
    """What a source is, for logs and the operator API."""

    kind: str  # e.g. "regulation-replay", "regulation-push", "openadr-ven"
    name: str
    cadence_s: float | None = None
    first_at: datetime | None = None
    last_at: datetime | None = None
    detail: str = ""

    def __str__(self) -> str:
        parts = [f"{self.kind} {self.name}"]
        if self.cadence_s is not None:
            parts.append(f"every {self.cadence_s:g} s")
        if self.first_at is not None and self.last_at is not None:
            parts.append(f"{self.first_at.isoformat()} .. {self.last_at.isoformat()}")
        if self.detail:
            parts.append(self.detail)
        return ", ".join(parts)


@runtime_checkable
class GridSignalSource(Protocol):
    """Anything that yields grid signals. `signals()` returns a fresh async iterator per call; iterate it with
    `async for signal in source.signals(): ...`; it ends when the source is exhausted or closed."""

    def signals(self) -> AsyncIterator[GridSignal]: ...

    def describe(self) -> SourceDescription: ...


def _readonly(values: FloatArray) -> FloatArray:
    out = np.ascontiguousarray(values, dtype=np.float64)
    out.flags.writeable = False
    return out


@dataclass(frozen=True, eq=False)
class SampledSeries:
    """An evenly spaced series: sample i is at `start_at + i * interval_s`. `values` is read-only."""

    start_at: datetime
    interval_s: float
    values: FloatArray
    source: str
    label: str = ""
    _len: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        _require_utc_aware("start_at", self.start_at)
        if not self.interval_s > 0:
            raise ValueError("interval_s must be > 0")
        values = _readonly(self.values)
        if values.ndim != 1:
            raise ValueError("values must be one-dimensional")
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "_len", int(values.shape[0]))

    def __len__(self) -> int:
        return self._len

    def sampled_at(self, index: int) -> datetime:
        return self.start_at + timedelta(seconds=index * self.interval_s)

    @property
    def end_at(self) -> datetime:
        """Time of the last sample."""
        return self.sampled_at(max(0, self._len - 1))


@dataclass(frozen=True, eq=False)
class RegulationSeries(SampledSeries):
    """Normalised regulation values in [-1, 1] (sign as in the module docstring)."""

    def __post_init__(self) -> None:
        SampledSeries.__post_init__(self)
        if self._len and not (np.all(self.values >= -1.0) and np.all(self.values <= 1.0)):
            raise ValueError("regulation values must lie in [-1, 1]")

    def signal(self, index: int) -> RegulationSignal:
        return RegulationSignal(self.sampled_at(index), float(self.values[index]), self.source)


@dataclass(frozen=True, eq=False)
class FrequencySeries(SampledSeries):
    """Measured frequency in Hz."""

    def __post_init__(self) -> None:
        SampledSeries.__post_init__(self)
        if self._len and not (np.all(np.isfinite(self.values)) and np.all(self.values > 0)):
            raise ValueError("frequencies must be positive and finite")

    def sample(self, index: int) -> FrequencySample:
        return FrequencySample(self.sampled_at(index), float(self.values[index]), self.source)
