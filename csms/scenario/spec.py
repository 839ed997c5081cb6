"""Pilot scenario files (config/scenarios/*.toml): what a run needs, validated with pydantic.

A scenario names the pilot's reported facts and the modelled rest (`[scenario] reported / modelled`), the
fleet as groups of simulated stations (each group one simulator process with its own `sim` table, the same
keys as config/sim/demo.toml, plus a `short_sim` table merged over it for the CI form), the market it earns in
(`[market] kind`: PJM or CAISO regulation, Nordic FCR-N, OpenADR demand response), the CSMS fleet-controller
settings, a run window per form (`[run]` full, `[short]` CI) and the economics for the settlement.
"""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from csms.errors import ConfigError
from csms.scenario.settlement import SharingRule


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FleetGroup(_Model):
    name: str
    vehicle: str
    count: int = Field(ge=1)
    short_count: int | None = Field(None, ge=1)
    station_id_prefix: str
    stationary: bool = False
    """A stationary battery (no driver): its wear is the aggregator's, it gets no driver payout."""
    degradation_cost_per_kwh: float = Field(ge=0)
    """Battery wear per kWh of throughput (planner objective and settlement)."""
    sim: dict[str, Any]
    short_sim: dict[str, Any] = {}

    def sim_config(self, short: bool) -> dict[str, Any]:
        merged = _deep_merge(self.sim, self.short_sim if short else {})
        merged["stations"] = self.short_count if short and self.short_count else self.count
        merged["station_id_prefix"] = self.station_id_prefix
        return merged


class RunWindow(_Model):
    start_at: datetime | None = None
    """When the service window starts (regulation: default the signal file's start + offset)."""
    offset_s: float = 0.0
    duration_s: float = Field(gt=0)
    warmup_s: float = Field(300.0, ge=0)
    speed: float = Field(gt=0)
    sample_s: float = Field(10.0, gt=0)
    """How often per-EV power and SoC are recorded (simulated seconds)."""

    @field_validator("start_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("start_at needs a UTC offset")
        return value


class RegulationMarket(_Model):
    kind: Literal["pjm_regulation", "caiso_regulation"]
    signal_file: str
    day: int = 0
    price_file: str | None = None
    """PJM: hourly RMCCP/RMPCP file; the mean price of each hour of day over the file is applied."""
    up_price_per_mwh: float | None = Field(None, ge=0)
    """CAISO: regulation-up capacity price, per MW per hour (assumption when no price file)."""
    down_price_per_mwh: float | None = Field(None, ge=0)
    mileage_ratio: float = Field(1.0, ge=0)
    """PJM performance credit multiplier (RegA: 1)."""


class FcrNMarket(_Model):
    kind: Literal["fcr_n"]
    price_file: str
    area: str = "DK2"
    frequency_std_hz: float = Field(0.04, gt=0)
    frequency_tau_s: float = Field(90.0, gt=0)
    frequency_step_s: float = Field(1.0, gt=0)
    frequency_seed: int = 7
    feed_every: int = Field(2, ge=1)
    """Feed every n-th frequency sample to the controller (the score uses every sample)."""


class DrEventSpec(_Model):
    event_id: str
    notice: Literal["day-ahead", "short"]
    notice_s: float = Field(gt=0)
    """Seconds before the start the VTN publishes the event."""
    start_offset_s: float = Field(ge=0)
    """Start, seconds after the service window starts."""
    duration_s: float = Field(gt=0)
    reduction_w: float = Field(gt=0)
    form: Literal["full", "short", "both"] = "full"
    """Which form of the run publishes this event."""


class DrMarket(_Model):
    kind: Literal["openadr_dr"]
    events: list[DrEventSpec]
    payment_per_kwh: float = Field(ge=0)
    """Paid per kWh of reduction delivered, up to the committed reduction."""
    baseline_restate_s: float = Field(900.0, ge=0)
    """The baseline (unmanaged-charging forecast) is restated this long before each event starts."""
    poll_s: float = Field(10.0, gt=0)
    """VTN-requested poll interval, real seconds."""


Market = Annotated[RegulationMarket | FcrNMarket | DrMarket, Field(discriminator="kind")]


class Economics(_Model):
    currency: str
    import_price_per_mwh: float = 0.0
    export_price_per_mwh: float = 0.0
    energy_price_file: str | None = None
    """Hourly energy prices: Energinet spot (`nordic_dk/...`) or the CAISO hourly profile (`caiso/...`)."""
    energy_price_area: str = "DK1"
    fixed_cost_per_month: float = 0.0
    infrastructure_cost: float = 0.0
    infrastructure_cost_per_vehicle: float = 0.0
    infrastructure_life_years: float = Field(10.0, gt=0)
    participation_h_per_year: float = Field(gt=0, le=8760)
    dr_events_per_year: float | None = Field(None, gt=0)
    """DR: extrapolate by events instead (participation hours = window hours x events a year / events run)."""
    sharing: SharingRule = SharingRule()


class ScenarioInfo(_Model):
    name: str
    title: str
    reported: list[str]
    modelled: list[str]
    targets: dict[str, float] = {}
    """Headline thresholds the short form asserts (e.g. min_score)."""


class ScenarioSpec(_Model):
    scenario: ScenarioInfo
    fleet: list[FleetGroup]
    market: Market
    csms: dict[str, Any] = {}
    """Overrides of the CSMS settings, e.g. {fleet = {step_s = 900}}."""
    run: RunWindow
    short: RunWindow
    economics: Economics

    def window(self, short: bool) -> RunWindow:
        return self.short if short else self.run

    def vehicles(self, short: bool = False) -> int:
        """Vehicles with a driver (stationary storage excluded) in the full or short form."""
        return sum(g.sim_config(short)["stations"] for g in self.fleet if not g.stationary)


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        out[key] = _deep_merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) \
            else value
    return out


def load_scenario(path: Path) -> ScenarioSpec:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read scenario {path}: {exc}") from exc
    try:
        return ScenarioSpec.model_validate(data)
    except ValueError as exc:
        raise ConfigError(f"invalid scenario {path}: {exc}") from exc
