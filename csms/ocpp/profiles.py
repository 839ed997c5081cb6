"""Encode a `PowerSchedule` as a charging profile in the wire form of each OCPP version.

- OCPP 2.0.1: `limit` per period; discharge is a negative `limit` in W, allowed only for stations whose
  capabilities say they accept it. Stations that only take A get `limit` in A (power / (voltage x phases)).
- OCPP 2.1: `operationMode` per period with the fields each mode requires or allows (block Q): ChargingOnly
  -> `limit` >= 0; CentralSetpoint -> signed `setpoint`, optional `limit` >= 0 and `dischargeLimit` <= 0 with
  dischargeLimit <= setpoint <= limit; Idle -> no limit/setpoint; LocalFrequency -> `v2xFreqWattCurve`
  (2..20 points) and optional `v2xBaseline`. Profiles carry `maxOfflineDuration` +
  `invalidAfterOfflineDuration` where the station supports them, so a silent CSMS ends the discharge.
Values are rounded toward zero to one decimal (OCPP 2.0.1: `limit` "accepts at most one digit fraction"), so
rounding never takes a command past the envelope (in A that is a step of 0.1 A x voltage x phases, 69 W on 3 x 230 V).

Profile ids are fixed per (EVSE, purpose) so a new schedule replaces the previous one instead of piling up.
`one_period_request` builds the same SetChargingProfile payload as `set_charging_profile_request` for a
one-period schedule (a fleet's setpoint) with less work per call. Pure: no I/O.
"""

from __future__ import annotations

import functools
import math
from datetime import datetime, timedelta
from typing import Any

from csms.domain.capabilities import StationCapabilities
from csms.domain.clock import to_ocpp_time
from csms.domain.schedule import OperationMode, PowerSchedule, ProfilePurpose, SchedulePeriod
from csms.errors import CsmsError

PROFILE_ID_BASE = 100_000
_PURPOSE_SLOT = {ProfilePurpose.TX: 1, ProfilePurpose.TX_DEFAULT: 2, ProfilePurpose.STATION_MAX: 3}
STACK_LEVEL = {ProfilePurpose.TX: 1, ProfilePurpose.TX_DEFAULT: 0, ProfilePurpose.STATION_MAX: 0}


# a fleet tick's setpoints share their start and end: each distinct instant formatted once
_ocpp_time = functools.lru_cache(maxsize=256)(to_ocpp_time)


@functools.lru_cache(maxsize=256)
def _window(starts_at: datetime, duration_s: int) -> tuple[str, str]:
    """(validFrom, validTo) of a schedule starting at `starts_at` and lasting `duration_s`."""
    return _ocpp_time(starts_at), _ocpp_time(starts_at + timedelta(seconds=duration_s))


class EncodeError(CsmsError):
    """The schedule cannot be expressed for this station (e.g. discharge to a charge-only station)."""


def profile_id(evse_id: int, purpose: ProfilePurpose) -> int:
    """The CSMS-managed chargingProfile id for this EVSE and purpose."""
    return PROFILE_ID_BASE + evse_id * 10 + _PURPOSE_SLOT[purpose]


def _toward_zero(value: float, digits: int) -> float:
    """`value` cut to `digits` decimals toward zero (never -0.0), so a wire value is never larger in magnitude
    than the envelope's (by more than float noise, 1e-7 of the last digit)."""
    scale = 10.0 ** digits
    return math.copysign(math.floor(abs(value) * scale + 1e-7) / scale, value) + 0.0


def _rate(power_w: float, caps: StationCapabilities) -> float:
    """W in the station's charging rate unit, rounded toward zero."""
    if caps.rate_unit == "W":
        return _toward_zero(power_w, 1)
    return _toward_zero(power_w / (caps.voltage_v * caps.phases), 1)


def _station_max_period_21(period: SchedulePeriod, caps: StationCapabilities) -> dict[str, Any]:
    """A ChargingStationMaxProfile period caps both directions: `limit` for charge, `dischargeLimit` for
    discharge (`max_discharge_w`, else the same magnitude), no operation mode or setpoint."""
    limit_w = max(0.0, period.power_w)
    discharge_w = period.max_discharge_w if period.max_discharge_w is not None else limit_w
    out: dict[str, Any] = {"startPeriod": period.start_offset_s, "limit": _rate(limit_w, caps),
                           "dischargeLimit": -_rate(discharge_w, caps) + 0.0}
    if caps.rate_unit == "A":
        out["numberPhases"] = caps.phases
    return out


def _period_201(period: SchedulePeriod, caps: StationCapabilities) -> dict[str, Any]:
    if period.mode is OperationMode.LOCAL_FREQUENCY:
        raise EncodeError("LocalFrequency needs OCPP 2.1; follow frequency centrally on 2.0.1 stations")
    power_w = 0.0 if period.mode is OperationMode.IDLE else period.power_w
    if period.mode is OperationMode.CHARGING_ONLY:
        power_w = max(0.0, power_w)
    if power_w < 0 and not caps.discharge_supported:
        raise EncodeError("station does not accept discharge (negative limit)")
    out: dict[str, Any] = {"startPeriod": period.start_offset_s, "limit": _rate(power_w, caps)}
    if caps.rate_unit == "A":
        out["numberPhases"] = caps.phases
    return out


def _period_21(period: SchedulePeriod, caps: StationCapabilities) -> dict[str, Any]:
    out: dict[str, Any] = {"startPeriod": period.start_offset_s, "operationMode": period.mode.value}
    if caps.operation_modes and period.mode.value not in caps.operation_modes:
        raise EncodeError(f"station does not support operation mode {period.mode.value}")
    if period.mode is OperationMode.CHARGING_ONLY:
        out["limit"] = _rate(max(0.0, period.power_w), caps)
    elif period.mode is OperationMode.CENTRAL_SETPOINT:
        if period.power_w < 0 and not caps.discharge_supported:
            raise EncodeError("station does not support discharge")
        limit_w = period.max_charge_w if period.max_charge_w is not None else max(0.0, period.power_w)
        discharge_w = period.max_discharge_w if period.max_discharge_w is not None else max(0.0, -period.power_w)
        setpoint_w = min(max(period.power_w, -discharge_w), limit_w)
        out["setpoint"] = _rate(setpoint_w, caps)
        out["limit"] = _rate(limit_w, caps)
        out["dischargeLimit"] = -_rate(discharge_w, caps) if discharge_w else 0.0
    elif period.mode is OperationMode.LOCAL_FREQUENCY:
        if not 2 <= len(period.freq_watt_curve) <= 20:
            raise EncodeError("LocalFrequency needs a frequency-watt curve of 2..20 points")
        if period.discharges and not caps.discharge_supported:
            raise EncodeError("station does not support discharge")
        # the curve's power is in W whatever the schedule's rate unit (V2XFreqWattPointType)
        out["v2xFreqWattCurve"] = [{"frequency": p.frequency_hz, "power": _toward_zero(p.power_w, 1)}
                                   for p in sorted(period.freq_watt_curve, key=lambda p: p.frequency_hz)]
        if period.baseline_w is not None:
            out["v2xBaseline"] = _rate(period.baseline_w, caps)
        if period.max_charge_w is not None:
            out["limit"] = _rate(period.max_charge_w, caps)
        if period.max_discharge_w is not None:
            out["dischargeLimit"] = -_rate(period.max_discharge_w, caps)
    if caps.rate_unit == "A":
        out["numberPhases"] = caps.phases
    return out


def encode_profile(schedule: PowerSchedule, caps: StationCapabilities, *,
                   max_offline_duration_s: int | None = None, dynamic: bool = False,
                   remote_start: bool = False) -> dict[str, Any]:
    """The ChargingProfileType for `schedule`, in the wire form of `caps.ocpp_version`. `remote_start`: the
    TxProfile of a RequestStartTransaction, which has no transaction id yet (K05)."""
    is_21 = caps.ocpp_version == "ocpp2.1"
    encode_period = _period_21 if is_21 else _period_201
    if is_21 and schedule.purpose is ProfilePurpose.STATION_MAX:
        encode_period = _station_max_period_21
    periods = [encode_period(p, caps) for p in schedule.periods]
    schedule_id = profile_id(schedule.evse_id, schedule.purpose)
    starts_at = _ocpp_time(schedule.starts_at)
    profile: dict[str, Any] = {
        "id": schedule_id,
        "stackLevel": STACK_LEVEL[schedule.purpose],
        "chargingProfilePurpose": schedule.purpose.value,
        "chargingProfileKind": "Dynamic" if dynamic and is_21 else "Absolute",
        "validFrom": starts_at,
        "validTo": _ocpp_time(schedule.ends_at),
        "chargingSchedule": [{
            "id": schedule_id,
            "startSchedule": starts_at,
            "duration": schedule.duration_s,
            "chargingRateUnit": caps.rate_unit,
            "chargingSchedulePeriod": periods,
        }],
    }
    _add_tail(profile, schedule, caps, is_21, max_offline_duration_s, remote_start)
    return profile


def _add_tail(profile: dict[str, Any], schedule: PowerSchedule, caps: StationCapabilities, is_21: bool,
              max_offline_duration_s: int | None, remote_start: bool = False) -> None:
    """The fields after the schedule: a TxProfile's transaction id, a 2.1 station's offline validity."""
    if schedule.purpose is ProfilePurpose.TX and not remote_start:
        if schedule.transaction_id is None:
            raise EncodeError("a TxProfile needs the transaction id")
        profile["transactionId"] = schedule.transaction_id
    if is_21 and caps.supports_max_offline_duration and max_offline_duration_s is not None:
        profile["maxOfflineDuration"] = max_offline_duration_s
        profile["invalidAfterOfflineDuration"] = True


def set_charging_profile_request(schedule: PowerSchedule, caps: StationCapabilities, **options: Any) -> dict[str, Any]:
    """The SetChargingProfile payload for `schedule`."""
    return {"evseId": schedule.evse_id, "chargingProfile": encode_profile(schedule, caps, **options)}


_PURPOSE_FIELDS = {purpose: (STACK_LEVEL[purpose], purpose.value, _PURPOSE_SLOT[purpose]) for purpose in ProfilePurpose}


def one_period_request(schedule: PowerSchedule, caps: StationCapabilities, *, max_offline_duration_s: int | None = None,
                       dynamic: bool = False) -> dict[str, Any]:
    """`set_charging_profile_request` for a one-period schedule (a fleet's setpoint): the same payload, with less
    work per call (a test holds the two together). Raises ValueError for a schedule of more periods."""
    (period,) = schedule.periods
    purpose, evse_id = schedule.purpose, schedule.evse_id
    is_21 = caps.ocpp_version == "ocpp2.1"
    if not is_21:
        encoded = _period_201(period, caps)
    else:
        encoded = (_station_max_period_21 if purpose is ProfilePurpose.STATION_MAX else _period_21)(period, caps)
    stack_level, purpose_value, slot = _PURPOSE_FIELDS[purpose]
    schedule_id = PROFILE_ID_BASE + evse_id * 10 + slot
    valid_from, valid_to = _window(schedule.starts_at, schedule.duration_s)
    profile: dict[str, Any] = {
        "id": schedule_id, "stackLevel": stack_level, "chargingProfilePurpose": purpose_value,
        "chargingProfileKind": "Dynamic" if dynamic and is_21 else "Absolute",
        "validFrom": valid_from, "validTo": valid_to,
        "chargingSchedule": [{"id": schedule_id, "startSchedule": valid_from, "duration": schedule.duration_s,
                              "chargingRateUnit": caps.rate_unit, "chargingSchedulePeriod": [encoded]}],
    }
    _add_tail(profile, schedule, caps, is_21, max_offline_duration_s)
    return {"evseId": evse_id, "chargingProfile": profile}


def dynamic_update_request(schedule: PowerSchedule, caps: StationCapabilities) -> dict[str, Any]:
    """OCPP 2.1 UpdateDynamicSchedule for the first period of `schedule` (the fast setpoint path)."""
    period = _period_21(schedule.periods[0], caps)
    update = {k: period[k] for k in ("limit", "setpoint", "dischargeLimit") if k in period}
    return {"chargingProfileId": profile_id(schedule.evse_id, schedule.purpose), "scheduleUpdate": update}
