"""Fleet configuration: pydantic models read from a TOML file (see config/sim/*.toml) plus CLI overrides.

Ranges are `[low, high]` pairs drawn uniformly per EV visit with a seeded RNG (see `visits.py`). Durations
named `*_s` are simulated seconds, except in `[link]` and `summary_interval_s`/`connect_spread_s`, which are
real seconds (network pacing and logging).

Station kinds (`kinds.py`): `[station] kind` for every station, `kind_shares` to mix kinds by ratio, and
`station_kinds` to pick the kind of single stations by id (highest precedence). Without a kind, the station's
versions and smart-charging features are the `[station]` settings themselves.
"""

from __future__ import annotations

import hashlib
import hmac
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from chargepoint_sim.kinds import StationKind
from chargepoint_sim.taper import TaperPoints, taper_lines
from csms.domain.ids import StationId, parse_station_id
from csms.errors import ConfigError
from csms.ocpp.versions import OcppVersion

Range = tuple[float, float]


def _check_range(value: Range) -> Range:
    if value[0] > value[1]:
        raise ValueError(f"range low {value[0]} > high {value[1]}")
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EvseConfig(_Model):
    max_power_w: float = Field(11_000.0, gt=0)
    max_discharge_power_w: float = Field(11_000.0, ge=0)  # 0 = charge-only EVSE
    phases: int = Field(3, ge=1, le=3)
    voltage_v: float = Field(230.0, gt=0)
    dc: bool = False


class ControlConfig(_Model):
    """How a station executes its charging profiles (simulated seconds)."""

    response_delay_s: float = Field(0.0, ge=0)  # dead time between a change of the target and the output
    ramp_w_per_s: float | None = Field(None, gt=0)  # None: the output steps at once
    ramp_step_s: float = Field(1.0, gt=0)  # ramps are integrated as a staircase of this step
    nominal_frequency_hz: float = Field(50.0, gt=0)
    frequency_sample_s: float = Field(1.0, gt=0)  # LocalFrequency re-reads a frequency function this often


class StationConfig(_Model):
    kind: StationKind | None = None  # a preset of versions and features (see kinds.py); None: the settings below
    evses: int = Field(2, ge=1, le=32)
    evse: EvseConfig = EvseConfig()
    # the whole station's rating, below the sum of its EVSEs' on many multi-EVSE stations: reported as
    # ChargingStation.Power / .DischargePower (maxLimit) and enforced; None: not reported, not enforced
    max_power_w: float | None = Field(None, gt=0)
    max_discharge_power_w: float | None = Field(None, ge=0)  # None with max_power_w: max_power_w both ways
    ocpp_versions: tuple[OcppVersion, ...] = (OcppVersion.V201,)
    rate_units: tuple[Literal["A", "W"], ...] = ("A", "W")  # SmartChargingCtrlr.RateUnit
    operation_modes: tuple[Literal["Idle", "ChargingOnly", "CentralSetpoint", "LocalFrequency"], ...] = (
        "Idle", "ChargingOnly", "CentralSetpoint")  # OCPP 2.1 modes of bidirectional EVSEs
    dynamic_profiles: bool = False  # SmartChargingCtrlr.SupportsDynamicProfiles (2.1)
    max_offline_duration: bool = False  # SmartChargingCtrlr.SupportsMaxOfflineDuration (2.1)
    send_charging_needs: bool = True  # NotifyEVChargingNeeds on plug-in
    control: ControlConfig = ControlConfig()
    vendor_name: str = "V2G-Sim"
    model: str = "SimBidi"
    heartbeat_interval_s: int = Field(300, ge=1)
    tx_updated_interval_s: int = Field(60, ge=0)
    reboot_s: float = Field(5.0, ge=0)
    initial_register_wh: Range = (0.0, 0.0)

    @field_validator("initial_register_wh")
    @classmethod
    def _ordered(cls, value: Range) -> Range:
        return _check_range(value)


class EvConfig(_Model):
    """How EV visits are drawn. `energy_request_wh`, when set, replaces `target_soc` as the departure need."""

    capacity_wh: Range = (40_000.0, 80_000.0)
    arrival_soc: Range = (0.2, 0.6)
    target_soc: Range = (0.8, 0.9)
    energy_request_wh: Range | None = None
    min_soc: float = Field(0.2, ge=0, le=1)
    max_soc: float = Field(1.0, ge=0, le=1)
    max_charge_power_w: Range = (7_400.0, 11_000.0)
    max_discharge_power_w: Range = (7_400.0, 11_000.0)
    allow_discharge_probability: float = Field(0.5, ge=0, le=1)
    charge_efficiency: float = Field(0.92, gt=0, le=1)
    discharge_efficiency: float = Field(0.92, gt=0, le=1)
    first_arrival_s: Range = (0.0, 600.0)  # after fleet start
    dwell_s: Range = (3_600.0, 8 * 3_600.0)
    gap_s: Range = (600.0, 3_600.0)  # from one departure to the next arrival on the same EVSE
    visits_per_evse: int | None = Field(None, ge=0)  # None: unlimited
    remote_start_probability: float = Field(0.0, ge=0, le=1)  # EV has no id token, waits for RequestStart
    # SoC-dependent maximum power, [[soc, W], ...] as the optimizer's curves (chargepoint_sim/taper.py); each EV
    # is also held to its own drawn maximum. [] (the default, as the optimizer's): the maximum at any SoC
    charge_taper: TaperPoints = ()
    discharge_taper: TaperPoints = ()

    @field_validator("charge_taper", "discharge_taper")
    @classmethod
    def _valid_curve(cls, value: TaperPoints) -> TaperPoints:
        taper_lines(value)  # raises ValueError on a curve the optimizer would refuse too
        return value

    @field_validator("capacity_wh", "arrival_soc", "target_soc", "energy_request_wh", "max_charge_power_w",
                     "max_discharge_power_w", "first_arrival_s", "dwell_s", "gap_s")
    @classmethod
    def _ordered(cls, value: Range | None) -> Range | None:
        return value if value is None else _check_range(value)


class LinkConfig(_Model):
    """Connection behaviour, real seconds."""

    connect_timeout_s: float = Field(10.0, gt=0)
    call_timeout_s: float = Field(30.0, gt=0)
    reconnect_min_s: float = Field(1.0, ge=0)
    reconnect_max_s: float = Field(60.0, ge=0)
    reconnect_jitter_s: float = Field(1.0, ge=0)
    # schema-check the station's own messages before sending; the CSMS validates every message it receives
    # anyway (a bad one comes back as a CALLERROR, logged), so long closed-loop runs may skip it to save CPU
    validate_outgoing: bool = True


class FleetConfig(_Model):
    csms_url: str = "ws://127.0.0.1:9000/ocpp"
    stations: int = Field(10, ge=0)
    station_id_prefix: str = "SIM-"
    station_id_digits: int = Field(4, ge=1, le=12)
    password: str | None = None  # one fixed password for every station (demo); else derived per station
    password_secret: str = "v2g-sim-demo-secret"
    tls_dir: Path | None = None  # wss: trust <dir>/ca/ca.pem; <dir>/stations/<id>.pem/.key: client cert (profile 3)
    seed: int = 1
    summary_interval_s: float = Field(10.0, gt=0)
    connect_spread_s: float = Field(0.0, ge=0)  # stagger first connects over this window (boot storm control)
    station: StationConfig = StationConfig()
    kind_shares: dict[StationKind, float] = {}  # mix kinds by relative weight, e.g. {"v2x-2.1" = 3, ...}
    station_kinds: dict[str, StationKind] = {}  # station id -> kind
    ev: EvConfig = EvConfig()
    link: LinkConfig = LinkConfig()

    @field_validator("kind_shares")
    @classmethod
    def _non_negative(cls, value: dict[StationKind, float]) -> dict[StationKind, float]:
        if any(w < 0 for w in value.values()):
            raise ValueError("kind shares must be >= 0")
        return value

    @field_validator("station_id_prefix")
    @classmethod
    def _valid_prefix(cls, value: str) -> str:
        parse_station_id(f"{value}1")  # ids must be OCPP identifierStrings (<= 48 chars)
        return value

    def station_id(self, index: int) -> StationId:
        """Id of station number `index` (1-based), e.g. SIM-0001."""
        return parse_station_id(f"{self.station_id_prefix}{index:0{self.station_id_digits}d}")

    def password_for(self, station_id: str) -> str:
        return self.password if self.password is not None else derive_password(self.password_secret, station_id)


def derive_password(secret: str, station_id: str) -> str:
    """Per-station Basic-auth password: 32 hex chars of HMAC-SHA256(secret, station_id) (a valid passwordString)."""
    return hmac.new(secret.encode(), station_id.encode(), hashlib.sha256).hexdigest()[:32]


def load_config(path: Path | None = None, **overrides: Any) -> FleetConfig:
    """Read `path` (TOML; optional) and apply top-level `overrides` whose value is not None."""
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read simulator config {path}: {exc}") from exc
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return FleetConfig.model_validate(data)
    except ValueError as exc:
        raise ConfigError(f"invalid simulator config: {exc}") from exc
