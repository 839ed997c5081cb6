"""Station-side smart charging: the charging profiles a station holds, how it validates them, and the stacking
rules of docs/smart-charging.md that turn them into a signed power per EVSE.

This is the simulator's own implementation of those written rules (it must not import csms.services): the
property test compares its GetCompositeSchedule answers with the CSMS's expectation. Rules, at instant `t`
for EVSE `e` with transaction `tx`:
1. a profile is valid when `validFrom <= t < validTo` and `startSchedule <= t < startSchedule + duration`
   (missing bounds are open), and, while the station is offline, not past its `maxOfflineDuration`;
2. transaction layer: the valid TxProfile on `e` for `tx` with the highest stackLevel, else the valid
   TxDefaultProfile on `e` or EVSE 0 with the highest stackLevel (tie: the one on `e`), else the EVSE's
   maximum charge power;
3. a period's value: 2.0.1 `limit` (negative = discharge); 2.1 by operationMode: CentralSetpoint `setpoint`,
   ChargingOnly/absent `limit`, Idle 0, LocalFrequency `v2xBaseline` (0 if absent) at nominal frequency;
   A -> W with voltage x numberPhases (the EVSE's phases when absent);
4. the valid ChargingStationMaxProfile (EVSE 0) with the highest stackLevel caps charge at |limit| and
   discharge at |dischargeLimit| when given, else |limit|;
5. the EVSE's hardware: [-max discharge power, +max charge power].
Actual operation differs from the composite only for LocalFrequency: the station then exchanges
`v2xBaseline + curve(frequency)` (curve in W, linearly interpolated, flat outside its ends), kept within the
period's `limit`/`dischargeLimit`.

Validation (SetChargingProfile answers Rejected with a statusInfo reasonCode): unknown EVSE (UnknownEvse);
kinds other than Absolute, and Dynamic on stations without dynamic profiles (UnsupportedKind); purposes other
than TxProfile/TxDefaultProfile/ChargingStationMaxProfile (UnsupportedPurpose); a TxProfile without a running
transaction on its EVSE or for another transaction (TxNotFound); a rate unit the station does not take
(UnsupportedRateUnit); an operation mode an EVSE does not support (UnsupportedParam); any discharge (negative
limit, negative setpoint, negative frequency-curve power) on a charge-only EVSE (InvalidValue); malformed
schedules (InvalidSchedule: first startPeriod not 0, periods not increasing, a 2.1 ChargingOnly period with a
negative limit, a setpoint outside [dischargeLimit, limit], a Dynamic profile with more than one period ...).
A new profile replaces the one with the same id and the one with the same (purpose, stackLevel, EVSE).
TxProfiles end with their transaction. Pure state: no I/O, no clock reads (callers pass times).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from chargepoint_sim.evse import EvseSpec
from csms.domain.clock import parse_ocpp_time, to_ocpp_time
from csms.ocpp.versions import OcppVersion

TX_PROFILE = "TxProfile"
TX_DEFAULT = "TxDefaultProfile"
STATION_MAX = "ChargingStationMaxProfile"
PURPOSES = (TX_PROFILE, TX_DEFAULT, STATION_MAX)
ALL_OPERATION_MODES = ("Idle", "ChargingOnly", "CentralSetpoint", "LocalFrequency")
CHARGE_ONLY_MODES = ("ChargingOnly",)
_DYNAMIC_FIELDS = ("limit", "limit_L2", "limit_L3", "dischargeLimit", "dischargeLimit_L2", "dischargeLimit_L3",
                   "setpoint", "setpoint_L2", "setpoint_L3", "setpointReactive", "setpointReactive_L2",
                   "setpointReactive_L3")


@dataclass(frozen=True, slots=True)
class ChargingFeatures:
    """What a station's smart charging supports (advertised in its device model, enforced on SetChargingProfile).

    `operation_modes` are the OCPP 2.1 modes of its bidirectional EVSEs; charge-only EVSEs take ChargingOnly.
    """

    rate_units: tuple[str, ...] = ("A", "W")
    operation_modes: tuple[str, ...] = ("Idle", "ChargingOnly", "CentralSetpoint")
    dynamic_profiles: bool = False
    max_offline_duration: bool = False
    send_charging_needs: bool = True

    def modes_for(self, spec: EvseSpec) -> tuple[str, ...]:
        return self.operation_modes if spec.bidirectional else CHARGE_ONLY_MODES


DEFAULT_FEATURES = ChargingFeatures()


class ProfileRejected(Exception):
    """A request the station answers with status Rejected and this statusInfo."""

    def __init__(self, reason_code: str, info: str) -> None:
        super().__init__(f"{reason_code}: {info}")
        self.reason_code = reason_code
        self.info = info

    def status(self) -> dict[str, Any]:
        return {"status": "Rejected", "statusInfo": {"reasonCode": self.reason_code, "additionalInfo": self.info[:500]}}


@dataclass(slots=True)
class StoredProfile:
    """One installed charging profile (wire form as received) with its parsed bounds."""

    evse_id: int
    profile: dict[str, Any]
    version: OcppVersion
    received_at: datetime
    start_at: datetime | None  # where the first schedule is in force: [start_at, end_at)
    end_at: datetime | None
    schedule_start_at: datetime | None
    max_offline_s: int | None  # honoured only by stations that support it
    invalid_after_offline: bool
    dynamic_period: dict[str, Any] | None = None  # Dynamic kind: the period last set by UpdateDynamicSchedule
    updated_at: datetime | None = None

    @property
    def profile_id(self) -> int:
        return int(self.profile["id"])

    @property
    def purpose(self) -> str:
        return str(self.profile["chargingProfilePurpose"])

    @property
    def stack_level(self) -> int:
        return int(self.profile["stackLevel"])

    @property
    def transaction_id(self) -> str | None:
        tx = self.profile.get("transactionId")
        return None if tx is None else str(tx)

    @property
    def schedule(self) -> dict[str, Any]:
        schedule: dict[str, Any] = self.profile["chargingSchedule"][0]
        return schedule

    @property
    def rate_unit(self) -> str:
        return str(self.schedule["chargingRateUnit"])

    def period_at(self, at: datetime) -> dict[str, Any]:
        """The period in force at `at` (assumes the profile is valid then)."""
        if self.dynamic_period is not None:
            return self.dynamic_period
        periods: list[dict[str, Any]] = self.schedule["chargingSchedulePeriod"]
        offset_s = 0.0 if self.schedule_start_at is None else (at - self.schedule_start_at).total_seconds()
        current = periods[0]
        for period in periods:
            if period["startPeriod"] <= offset_s:
                current = period
            else:
                break
        return current

    def change_points(self) -> list[datetime]:
        """Instants where this profile's validity or period may change."""
        points = [p for p in (self.start_at, self.end_at) if p is not None]
        if self.dynamic_period is None and self.schedule_start_at is not None:
            base = self.schedule_start_at
            points.extend(base + timedelta(seconds=p["startPeriod"]) for p in self.schedule["chargingSchedulePeriod"])
        return points

    def offline_expiry_at(self, offline_since_at: datetime | None) -> datetime | None:
        if offline_since_at is None or self.max_offline_s is None:
            return None
        return offline_since_at + timedelta(seconds=self.max_offline_s)

    def wire_profile(self) -> dict[str, Any]:
        """The profile as reported by GetChargingProfiles (a Dynamic profile with its current values)."""
        if self.dynamic_period is None:
            return self.profile
        schedule = {**self.schedule, "chargingSchedulePeriod": [self.dynamic_period]}
        out = {**self.profile, "chargingSchedule": [schedule, *self.profile["chargingSchedule"][1:]]}
        if self.updated_at is not None:
            out["dynUpdateTime"] = to_ocpp_time(self.updated_at)
        return out


def to_w(value: float, unit: str, period: Mapping[str, Any], evse: EvseSpec) -> float:
    """A rate in `unit` as W (A x voltage x numberPhases, the EVSE's phases when absent)."""
    if unit == "A":
        return float(value) * (evse.voltage_v * int(period.get("numberPhases", evse.phases)))
    return float(value)


def freq_curve_w(curve: list[dict[str, Any]], frequency_hz: float) -> float:
    """Power (W) of a frequency-watt curve at `frequency_hz`: linear between points, flat beyond the ends."""
    points = sorted((float(p["frequency"]), float(p["power"])) for p in curve)
    if frequency_hz <= points[0][0]:
        return points[0][1]
    for (f0, p0), (f1, p1) in pairwise(points):
        if frequency_hz <= f1:
            return p0 if f1 == f0 else p0 + (p1 - p0) * (frequency_hz - f0) / (f1 - f0)
    return points[-1][1]


def period_value_w(period: Mapping[str, Any], unit: str, evse: EvseSpec, frequency_hz: float | None = None) -> float:
    """Signed W of a transaction-layer period (rule 3); with `frequency_hz`, LocalFrequency follows its curve."""
    mode = period.get("operationMode")
    if mode == "CentralSetpoint":
        return to_w(period["setpoint"], unit, period, evse)
    if mode == "Idle":
        return 0.0
    if mode == "LocalFrequency":
        value = to_w(period.get("v2xBaseline", 0.0), unit, period, evse)
        if frequency_hz is not None:
            value += freq_curve_w(period["v2xFreqWattCurve"], frequency_hz)
            if "limit" in period:
                value = min(value, to_w(period["limit"], unit, period, evse))
            if "dischargeLimit" in period:
                value = max(value, to_w(period["dischargeLimit"], unit, period, evse))
        return value
    return to_w(period.get("limit", 0.0), unit, period, evse)


@dataclass(frozen=True, slots=True)
class Segment:
    """What rules 1-4 pick for one EVSE and transaction over [start_at, end_at) (None: unbounded): no profile's
    validity or period changes in between, so the same layer and cap hold throughout."""

    key: tuple[int, datetime | None]  # (ProfileStore.revision, offline_since_at) it was computed for
    transaction_id: str | None
    start_at: datetime | None
    end_at: datetime | None
    layer: tuple[StoredProfile, dict[str, Any]] | None  # rule 2: the profile and its period (None: none)
    station_cap: tuple[float, float] | None  # rule 4: (charge cap W, discharge cap W), magnitudes
    nominal_w: float  # rules 1-5 at nominal frequency (the composite)

    def covers(self, key: tuple[int, datetime | None], transaction_id: str | None, at: datetime) -> bool:
        return (key == self.key and transaction_id == self.transaction_id
                and (self.start_at is None or self.start_at <= at) and (self.end_at is None or at < self.end_at))

    @property
    def follows_frequency(self) -> bool:
        return self.layer is not None and self.layer[1].get("operationMode") == "LocalFrequency"


def _best(candidates: Iterable[StoredProfile], evse_id: int) -> StoredProfile | None:
    best: StoredProfile | None = None
    for p in candidates:
        if best is None or (p.stack_level, p.evse_id == evse_id) > (best.stack_level, best.evse_id == evse_id):
            best = p
    return best


@dataclass(slots=True)
class ProfileStore:
    """The charging profiles of one station and the rules that combine them (see the module docstring)."""

    evses: Mapping[int, EvseSpec]
    features: ChargingFeatures = DEFAULT_FEATURES
    profiles: dict[int, StoredProfile] = field(default_factory=dict)
    offline_since_at: datetime | None = None
    received: deque[tuple[str, dict[str, Any]]] = field(default_factory=lambda: deque(maxlen=1000))
    revision: int = 0  # bumped on every change
    _points: dict[int, tuple[tuple[int, datetime | None], list[datetime]]] = field(
        default_factory=dict, init=False, repr=False, compare=False)  # per EVSE: sorted change points, by key
    _segments: dict[int, Segment] = field(default_factory=dict, init=False, repr=False, compare=False)

    # ---- commands ---------------------------------------------------------------------------------------

    def set_profile(self, evse_id: int, profile: dict[str, Any], version: OcppVersion,
                    transactions: Mapping[int, str | None], now: datetime) -> dict[str, Any]:
        """SetChargingProfile: validate, install (replacing by id and by (purpose, stackLevel, EVSE)), answer."""
        self.received.append(("SetChargingProfile", {"evseId": evse_id, "chargingProfile": profile}))
        try:
            stored = self._validate(evse_id, profile, version, transactions, now)
        except ProfileRejected as exc:
            return exc.status()
        for pid, old in list(self.profiles.items()):
            if pid == stored.profile_id or (old.purpose, old.stack_level, old.evse_id) == (
                    stored.purpose, stored.stack_level, stored.evse_id):
                del self.profiles[pid]
        self.profiles[stored.profile_id] = stored
        self.revision += 1
        return {"status": "Accepted"}

    def clear(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """ClearChargingProfile by id, else by criteria (evseId, purpose, stackLevel; none = all)."""
        self.received.append(("ClearChargingProfile", dict(payload)))
        if payload.get("chargingProfileId") is not None:
            removed = [pid for pid in self.profiles if pid == payload["chargingProfileId"]]
        else:
            criteria = payload.get("chargingProfileCriteria") or {}
            removed = [pid for pid, p in self.profiles.items()
                       if criteria.get("evseId") in (None, p.evse_id)
                       and criteria.get("chargingProfilePurpose") in (None, p.purpose)
                       and criteria.get("stackLevel") in (None, p.stack_level)]
        for pid in removed:
            del self.profiles[pid]
        self.revision += bool(removed)
        return {"status": "Accepted" if removed else "Unknown"}

    def update_dynamic(self, payload: Mapping[str, Any], now: datetime) -> dict[str, Any]:
        """UpdateDynamicSchedule (2.1): the given values replace those of the Dynamic profile's period."""
        self.received.append(("UpdateDynamicSchedule", dict(payload)))
        stored = self.profiles.get(int(payload["chargingProfileId"]))
        if stored is None or stored.dynamic_period is None:
            return ProfileRejected("InvalidProfileId", "no Dynamic charging profile with this id").status()
        update = {k: v for k, v in payload["scheduleUpdate"].items() if k in _DYNAMIC_FIELDS}
        period = {**stored.dynamic_period, **update}
        try:
            self._check_period(period, stored.purpose, stored.evse_id, stored.version)
        except ProfileRejected as exc:
            return exc.status()
        stored.dynamic_period = period
        stored.updated_at = now
        self.revision += 1
        return {"status": "Accepted"}

    def matching(self, evse_id: int | None, criterion: Mapping[str, Any],
                 version: OcppVersion) -> dict[int, list[dict[str, Any]]]:
        """GetChargingProfiles: evse -> profiles matching the criterion (all installed by the CSMS: source CSO)."""
        sources = criterion.get("chargingLimitSource")
        if sources is not None and "CSO" not in sources:
            return {}
        ids = criterion.get("chargingProfileId")
        out: dict[int, list[dict[str, Any]]] = {}
        for p in sorted(self.profiles.values(), key=lambda p: (p.evse_id, p.profile_id)):
            if (evse_id in (None, p.evse_id) and p.version == version
                    and criterion.get("chargingProfilePurpose") in (None, p.purpose)
                    and criterion.get("stackLevel") in (None, p.stack_level)
                    and (ids is None or p.profile_id in ids)):
                out.setdefault(p.evse_id, []).append(p.wire_profile())
        return out

    def transaction_ended(self, evse_id: int) -> None:
        """TxProfiles on `evse_id` end with its transaction."""
        ended = [pid for pid, p in self.profiles.items() if p.evse_id == evse_id and p.purpose == TX_PROFILE]
        for pid in ended:
            del self.profiles[pid]
        self.revision += bool(ended)

    def set_offline(self, offline: bool, at: datetime) -> None:
        """Link down (from `at`) or up again: profiles past maxOfflineDuration with invalidAfterOfflineDuration
        are dropped on reconnect; the others are valid again."""
        if offline:
            if self.offline_since_at is None:
                self.offline_since_at = at
            return
        since, self.offline_since_at = self.offline_since_at, None
        expired = [pid for pid, p in self.profiles.items()
                   if p.invalid_after_offline and (expiry := p.offline_expiry_at(since)) is not None and expiry <= at]
        for pid in expired:
            del self.profiles[pid]
        self.revision += 1

    # ---- rules ------------------------------------------------------------------------------------------

    def is_valid(self, p: StoredProfile, at: datetime) -> bool:
        if (p.start_at is not None and at < p.start_at) or (p.end_at is not None and at >= p.end_at):
            return False
        expiry = p.offline_expiry_at(self.offline_since_at)
        return expiry is None or at < expiry

    def layer_period(self, evse_id: int, transaction_id: str | None,
                     at: datetime) -> tuple[StoredProfile, dict[str, Any]] | None:
        """Rule 2: the transaction-layer profile in force and its period (None: no profile applies)."""
        return self.segment(evse_id, transaction_id, at).layer

    def power_w(self, evse_id: int, transaction_id: str | None, at: datetime,
                frequency_hz: float | None = None) -> float:
        """Signed W on `evse_id` at `at` by rules 1-5 (`frequency_hz` None: the composite, nominal frequency)."""
        seg = self.segment(evse_id, transaction_id, at)
        if frequency_hz is None:
            return seg.nominal_w
        return self._value_w(self.evses[evse_id], seg.layer, seg.station_cap, frequency_hz)

    def follows_frequency(self, evse_id: int, transaction_id: str | None, at: datetime) -> bool:
        """Is the transaction layer in LocalFrequency mode at `at`?"""
        return self.segment(evse_id, transaction_id, at).follows_frequency

    def segment(self, evse_id: int, transaction_id: str | None, at: datetime) -> Segment:
        """The rules' choice for `evse_id` at `at`, kept until the profiles change or time leaves its span (the
        stacking rules are evaluated once per span, not at every integration step)."""
        key = (self.revision, self.offline_since_at)
        seg = self._segments.get(evse_id)
        if seg is not None and seg.covers(key, transaction_id, at):
            return seg
        points = self._sorted_change_points(evse_id, key)
        i = bisect_right(points, at)
        layer = self._layer_at(evse_id, transaction_id, at)
        cap = self._station_cap_at(evse_id, at)
        seg = Segment(key, transaction_id, points[i - 1] if i > 0 else None, points[i] if i < len(points) else None,
                      layer, cap, self._value_w(self.evses[evse_id], layer, cap, None))
        self._segments[evse_id] = seg
        return seg

    def _layer_at(self, evse_id: int, transaction_id: str | None,
                  at: datetime) -> tuple[StoredProfile, dict[str, Any]] | None:
        valid = [p for p in self.profiles.values() if p.evse_id in (0, evse_id) and self.is_valid(p, at)]
        layer = _best((p for p in valid if p.purpose == TX_PROFILE and p.evse_id == evse_id
                       and p.transaction_id in (None, transaction_id)), evse_id)
        if layer is None:
            layer = _best((p for p in valid if p.purpose == TX_DEFAULT), evse_id)
        return None if layer is None else (layer, layer.period_at(at))

    def _station_cap_at(self, evse_id: int, at: datetime) -> tuple[float, float] | None:
        station_max = _best((p for p in self.profiles.values()
                             if p.evse_id == 0 and p.purpose == STATION_MAX and self.is_valid(p, at)), 0)
        if station_max is None:
            return None
        evse = self.evses[evse_id]
        period = station_max.period_at(at)
        unit = station_max.rate_unit
        cap_w = abs(to_w(period.get("limit", 0.0), unit, period, evse))
        discharge_cap_w = abs(to_w(period["dischargeLimit"], unit, period, evse)) if "dischargeLimit" in period \
            else cap_w
        return cap_w, discharge_cap_w

    @staticmethod
    def _value_w(evse: EvseSpec, layer: tuple[StoredProfile, dict[str, Any]] | None,
                 station_cap: tuple[float, float] | None, frequency_hz: float | None) -> float:
        """Rules 3-5 for a chosen layer and station cap."""
        if layer is None:
            value = evse.max_power_w
        else:
            value = period_value_w(layer[1], layer[0].rate_unit, evse, frequency_hz)
        if station_cap is not None:
            value = min(max(value, -station_cap[1]), station_cap[0])
        return min(max(value, -evse.max_discharge_power_w), evse.max_power_w)

    def change_points(self, evse_id: int) -> list[datetime]:
        """Every instant where the power of `evse_id` may change by rules 1-5 (and offline expiries)."""
        points: list[datetime] = []
        for p in self.profiles.values():
            if p.evse_id in (0, evse_id):
                points.extend(p.change_points())
                expiry = p.offline_expiry_at(self.offline_since_at)
                if expiry is not None:
                    points.append(expiry)
        return points

    def _sorted_change_points(self, evse_id: int, key: tuple[int, datetime | None]) -> list[datetime]:
        cached = self._points.get(evse_id)
        if cached is None or cached[0] != key:
            cached = (key, sorted(set(self.change_points(evse_id))))
            self._points[evse_id] = cached
        return cached[1]

    def next_change_at(self, evse_id: int, after: datetime) -> datetime | None:
        points = self._sorted_change_points(evse_id, (self.revision, self.offline_since_at))
        i = bisect_right(points, after)
        return points[i] if i < len(points) else None

    def composite_w(self, evse_id: int, transactions: Mapping[int, str | None], start_at: datetime,
                    duration_s: int) -> list[tuple[int, float]]:
        """[(seconds from start_at, signed W)] where the power changes over [start_at, start_at + duration_s);
        EVSE 0: the sum over all EVSEs (the grid connection)."""
        end_at = start_at + timedelta(seconds=duration_s)
        ids = [evse_id] if evse_id != 0 else list(self.evses)
        points = {start_at}
        for n in ids:
            points.update(t for t in self.change_points(n) if start_at < t < end_at)
        result: list[tuple[int, float]] = []
        for t in sorted(points):
            value = sum(self.power_w(n, transactions.get(n), t) for n in ids)
            if not result or result[-1][1] != value:
                result.append((math.floor((t - start_at).total_seconds()), value))
        return result

    # ---- validation -------------------------------------------------------------------------------------

    def _targets(self, evse_id: int) -> list[EvseSpec]:
        return list(self.evses.values()) if evse_id == 0 else [self.evses[evse_id]]

    def _validate(self, evse_id: int, profile: dict[str, Any], version: OcppVersion,
                  transactions: Mapping[int, str | None], now: datetime) -> StoredProfile:
        if evse_id != 0 and evse_id not in self.evses:
            raise ProfileRejected("UnknownEvse", f"no EVSE {evse_id}")
        kind = profile["chargingProfileKind"]
        dynamic = kind == "Dynamic"
        if kind not in ("Absolute", "Dynamic") or (dynamic and not (
                version is OcppVersion.V21 and self.features.dynamic_profiles)):
            raise ProfileRejected("UnsupportedKind", f"chargingProfileKind {kind} is not supported")
        purpose = profile["chargingProfilePurpose"]
        if purpose not in PURPOSES:
            raise ProfileRejected("UnsupportedPurpose", f"{purpose} is not supported")
        if profile["stackLevel"] < 0:
            raise ProfileRejected("InvalidStackLevel", "stackLevel must be >= 0")
        tx_id = profile.get("transactionId")
        if purpose == TX_PROFILE:
            running = transactions.get(evse_id)
            if evse_id == 0 or running is None or tx_id not in (None, running):
                raise ProfileRejected("TxNotFound", f"no such transaction running on EVSE {evse_id}")
        elif tx_id is not None:
            raise ProfileRejected("InvalidProfile", "transactionId is only allowed in a TxProfile")
        if purpose == STATION_MAX and evse_id != 0:
            raise ProfileRejected("InvalidProfile", "a ChargingStationMaxProfile must be set on EVSE 0")
        schedule = profile["chargingSchedule"][0]
        unit = schedule["chargingRateUnit"]
        if unit not in self.features.rate_units:
            raise ProfileRejected("UnsupportedRateUnit", f"rate unit {unit} is not supported")
        periods = schedule["chargingSchedulePeriod"]
        starts = [p["startPeriod"] for p in periods]
        if starts[0] != 0 or any(b <= a for a, b in pairwise(starts)):
            raise ProfileRejected("InvalidSchedule", "startPeriod must start at 0 and increase")
        if dynamic and len(periods) != 1:
            raise ProfileRejected("InvalidSchedule", "a Dynamic profile has exactly one period")
        if schedule.get("duration") is not None and schedule["duration"] <= 0:
            raise ProfileRejected("InvalidSchedule", "duration must be positive")
        if not dynamic and schedule.get("startSchedule") is None:
            raise ProfileRejected("InvalidSchedule", "an Absolute schedule needs startSchedule")
        for period in periods:
            self._check_period(period, purpose, evse_id, version)
        offline_s = profile.get("maxOfflineDuration")
        if offline_s is not None and offline_s < 0:
            raise ProfileRejected("InvalidProfile", "maxOfflineDuration must be >= 0")
        return self._stored(evse_id, profile, version, now, dynamic)

    def _stored(self, evse_id: int, profile: dict[str, Any], version: OcppVersion, now: datetime,
                dynamic: bool) -> StoredProfile:
        schedule = profile["chargingSchedule"][0]
        schedule_start = parse_ocpp_time(schedule["startSchedule"]) if schedule.get("startSchedule") else None
        starts = [t for t in (_time(profile.get("validFrom")), schedule_start) if t is not None]
        ends = [t for t in (_time(profile.get("validTo")),) if t is not None]
        if schedule_start is not None and schedule.get("duration") is not None:
            ends.append(schedule_start + timedelta(seconds=schedule["duration"]))
        supports_offline = self.features.max_offline_duration and version is OcppVersion.V21
        offline_s = profile.get("maxOfflineDuration") if supports_offline else None
        return StoredProfile(
            evse_id=evse_id, profile=profile, version=version, received_at=now,
            start_at=max(starts) if starts else None, end_at=min(ends) if ends else None,
            schedule_start_at=schedule_start, max_offline_s=offline_s,
            invalid_after_offline=offline_s is not None and bool(profile.get("invalidAfterOfflineDuration", False)),
            dynamic_period=dict(schedule["chargingSchedulePeriod"][0]) if dynamic else None,
        )

    def _check_period(self, period: Mapping[str, Any], purpose: str, evse_id: int, version: OcppVersion) -> None:
        targets = self._targets(evse_id)
        mode = period.get("operationMode")
        if version is OcppVersion.V21:
            effective_mode = mode or "ChargingOnly"
            for spec in targets:
                if effective_mode not in self.features.modes_for(spec):
                    raise ProfileRejected("UnsupportedParam",
                                          f"EVSE {spec.evse_id} does not support operationMode {effective_mode}")
        if purpose == STATION_MAX:
            if "limit" not in period:
                raise ProfileRejected("InvalidSchedule", "a ChargingStationMaxProfile period needs a limit")
            return
        limit, setpoint = period.get("limit"), period.get("setpoint")
        discharge_limit = period.get("dischargeLimit")
        discharges = False
        if mode in (None, "ChargingOnly"):
            if limit is None:
                raise ProfileRejected("InvalidSchedule", "a charging period needs a limit")
            if version is OcppVersion.V21 and limit < 0:
                raise ProfileRejected("InvalidSchedule", "ChargingOnly cannot discharge: use CentralSetpoint")
            discharges = limit < 0
        elif mode == "CentralSetpoint":
            if setpoint is None:
                raise ProfileRejected("InvalidSchedule", "CentralSetpoint needs a setpoint")
            if (limit is not None and (limit < 0 or setpoint > limit)) or (
                    discharge_limit is not None and setpoint < discharge_limit):
                raise ProfileRejected("InvalidSchedule", "setpoint must lie within [dischargeLimit, limit]")
            discharges = setpoint < 0
        elif mode == "LocalFrequency":
            curve = period.get("v2xFreqWattCurve") or []
            if len(curve) < 2:
                raise ProfileRejected("NoFreqWattCurve", "LocalFrequency needs a frequency-watt curve (2+ points)")
            if limit is not None and limit < 0:
                raise ProfileRejected("InvalidSchedule", "limit must be >= 0")
            discharges = period.get("v2xBaseline", 0.0) < 0 or any(p["power"] < 0 for p in curve)
        if discharges:
            for spec in targets:
                if not spec.bidirectional:
                    raise ProfileRejected("InvalidValue", f"EVSE {spec.evse_id} cannot discharge")


def _time(raw: Any) -> datetime | None:
    return None if raw is None else parse_ocpp_time(str(raw))
