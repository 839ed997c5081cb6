"""What the CSMS expects a station to do, from the profiles it installed (rules: docs/smart-charging.md).

Pure functions over wire-form profiles (`ChargingProfileType` dicts). Used to check a station's
GetCompositeSchedule answer against what we sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ocpp.v21.enums import ChargingProfilePurposeEnumType as Purpose
from ocpp.v21.enums import OperationModeEnumType

from csms.domain.clock import parse_ocpp_time


@dataclass(frozen=True, slots=True)
class InstalledProfile:
    evse_id: int
    profile: dict[str, Any]


@dataclass(frozen=True, slots=True)
class EvseHardware:
    max_charge_w: float
    max_discharge_w: float
    voltage_v: float = 230.0
    phases: int = 3


def _bounds(profile: dict[str, Any]) -> tuple[datetime | None, datetime | None]:
    """[start, end) where the profile's first schedule is in force."""
    schedule = profile["chargingSchedule"][0]
    starts = [parse_ocpp_time(v) for v in (profile.get("validFrom"), schedule.get("startSchedule")) if v]
    start = max(starts) if starts else None
    ends: list[datetime] = []
    if profile.get("validTo"):
        ends.append(parse_ocpp_time(profile["validTo"]))
    if schedule.get("startSchedule") and schedule.get("duration") is not None:
        ends.append(parse_ocpp_time(schedule["startSchedule"]) + timedelta(seconds=schedule["duration"]))
    return start, (min(ends) if ends else None)


def _active(profile: dict[str, Any], at: datetime) -> bool:
    start, end = _bounds(profile)
    return (start is None or start <= at) and (end is None or at < end)


def period_power_w(period: dict[str, Any], rate_unit: str, hw: EvseHardware) -> float:
    """The signed W a period means (rule 3)."""
    mode = period.get("operationMode")
    if mode == OperationModeEnumType.central_setpoint:
        value = float(period["setpoint"])
    elif mode == OperationModeEnumType.idle:
        value = 0.0
    elif mode == OperationModeEnumType.local_frequency:
        value = float(period.get("v2xBaseline", 0.0))
    else:
        value = float(period.get("limit", 0.0))
    if rate_unit == "A":
        value *= hw.voltage_v * period.get("numberPhases", hw.phases)
    return value


def _period_at(profile: dict[str, Any], at: datetime) -> dict[str, Any]:
    schedule = profile["chargingSchedule"][0]
    start = parse_ocpp_time(schedule["startSchedule"]) if schedule.get("startSchedule") else None
    offset_s = 0.0 if start is None else (at - start).total_seconds()
    current = schedule["chargingSchedulePeriod"][0]
    for period in schedule["chargingSchedulePeriod"]:
        if period["startPeriod"] <= offset_s:
            current = period
    return current  # type: ignore[no-any-return]


def _pick(candidates: list[InstalledProfile], evse_id: int) -> InstalledProfile | None:
    if not candidates:
        return None
    return max(candidates, key=lambda c: (c.profile["stackLevel"], c.evse_id == evse_id))


def power_at(installed: list[InstalledProfile], evse_id: int, transaction_id: str | None, at: datetime,
             hw: EvseHardware) -> float:
    """The signed W the station should exchange on `evse_id` at `at` (rules 1-5)."""
    valid = [p for p in installed if _active(p.profile, at)]
    tx = _pick([p for p in valid if p.evse_id == evse_id and p.profile["chargingProfilePurpose"] == Purpose.tx_profile
                and p.profile.get("transactionId") in (None, transaction_id)], evse_id)
    layer = tx or _pick([p for p in valid if p.evse_id in (0, evse_id)
                         and p.profile["chargingProfilePurpose"] == Purpose.tx_default_profile], evse_id)
    if layer is None:
        value = hw.max_charge_w
    else:
        schedule = layer.profile["chargingSchedule"][0]
        value = period_power_w(_period_at(layer.profile, at), schedule["chargingRateUnit"], hw)
    station_max = _pick([p for p in valid if p.evse_id == 0
                         and p.profile["chargingProfilePurpose"] == Purpose.charging_station_max_profile], 0)
    if station_max is not None:
        schedule = station_max.profile["chargingSchedule"][0]
        period = _period_at(station_max.profile, at)
        cap_w = abs(period_power_w({**period, "operationMode": None}, schedule["chargingRateUnit"], hw))
        discharge_cap_w = cap_w
        if "dischargeLimit" in period:
            limit_period = {"limit": period["dischargeLimit"]}
            if "numberPhases" in period:
                limit_period["numberPhases"] = period["numberPhases"]
            discharge_cap_w = abs(period_power_w(limit_period, schedule["chargingRateUnit"], hw))
        value = min(max(value, -discharge_cap_w), cap_w)
    return min(max(value, -hw.max_discharge_w), hw.max_charge_w)


def _breakpoints(installed: list[InstalledProfile], start_at: datetime, end_at: datetime) -> list[datetime]:
    points = {start_at}
    for item in installed:
        begin, end = _bounds(item.profile)
        schedule = item.profile["chargingSchedule"][0]
        base = parse_ocpp_time(schedule["startSchedule"]) if schedule.get("startSchedule") else begin
        candidates = [begin, end] + ([base + timedelta(seconds=p["startPeriod"])
                                      for p in schedule["chargingSchedulePeriod"]] if base else [])
        points.update(c for c in candidates if c is not None and start_at < c < end_at)
    return sorted(points)


def expected_composite(installed: list[InstalledProfile], evse_id: int, transaction_id: str | None,
                       start_at: datetime, duration_s: int, hw: EvseHardware) -> list[tuple[int, float]]:
    """[(seconds from start_at, signed W)] where the expected power changes, over [start_at, +duration_s)."""
    end_at = start_at + timedelta(seconds=duration_s)
    result: list[tuple[int, float]] = []
    for point in _breakpoints(installed, start_at, end_at):
        value = round(power_at(installed, evse_id, transaction_id, point, hw), 1)
        offset_s = int((point - start_at).total_seconds())
        if not result or result[-1][1] != value:
            result.append((offset_s, value))
    return result


def composite_from_response(response: dict[str, Any], hw: EvseHardware) -> list[tuple[int, float]]:
    """The station's GetCompositeSchedule answer as [(startPeriod, signed W)], merged like `expected_composite`."""
    schedule = response["schedule"]
    result: list[tuple[int, float]] = []
    for period in schedule["chargingSchedulePeriod"]:
        value = round(period_power_w(period, schedule["chargingRateUnit"], hw), 1)
        if not result or result[-1][1] != value:
            result.append((int(period["startPeriod"]), value))
    return result
