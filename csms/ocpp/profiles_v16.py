"""Encode a `PowerSchedule` as an OCPP 1.6 ChargingProfile (`csChargingProfiles`).

The schedule is first encoded as for OCPP 2.0.1 (`csms.ocpp.profiles.encode_profile`, which a station whose
capabilities say `ocpp1.6` goes through): the limit per period in the station's rate unit (W, or A when the
station's ChargingScheduleAllowedChargingRateUnit is Current only), rounded toward zero to one decimal (1.6's
`multipleOf 0.1`), a negative limit (discharge: a vendor practice on 1.6, no standard) only where the station's
capabilities say it accepts one, which for 1.6 only an operator override can (nothing a 1.6 station reports is
taken to mean it can discharge); LocalFrequency and other 2.1 modes are refused. Then the 2.0.1 profile is
rewritten in 1.6 form (`from_201_profile`): `id` -> `chargingProfileId`, one `chargingSchedule` object without an
id, ChargingStationMaxProfile -> ChargePointMaxProfile, the string transactionId -> the 1.6 integer one. A period
with anything a 1.6 limit cannot say (a 2.1 setpoint, dischargeLimit, an operation mode other than ChargingOnly)
is refused, never cut down to its limit.
Pure: no I/O.
"""

from __future__ import annotations

from typing import Any, cast

from csms.domain.capabilities import StationCapabilities
from csms.domain.schedule import PowerSchedule
from csms.ocpp import profiles
from csms.ocpp.profiles import EncodeError
from csms.ocpp.wire import v16, v21

_PURPOSES = {"ChargingStationMaxProfile": v16.ChargingProfilePurposeType.CHARGE_POINT_MAX_PROFILE,
             "TxDefaultProfile": v16.ChargingProfilePurposeType.TX_DEFAULT_PROFILE,
             "TxProfile": v16.ChargingProfilePurposeType.TX_PROFILE}
_KINDS = frozenset(v16.ChargingProfileKindType)
_CHARGING_ONLY = v21.OperationModeEnumType.CHARGING_ONLY
_SCHEDULE_KEYS = ("duration", "startSchedule", "chargingRateUnit", "chargingSchedulePeriod", "minChargingRate")
_PERIOD_KEYS = ("startPeriod", "limit", "numberPhases")


def v16_transaction_id(transaction_id: str) -> int:
    """The 1.6 integer transactionId of a transaction record's id."""
    if not transaction_id.isdigit() or int(transaction_id) > 2**31 - 1:
        raise EncodeError(f"transaction {transaction_id!r} is not an OCPP 1.6 transaction (integer id)")
    return int(transaction_id)


def from_201_profile(profile: dict[str, Any]) -> v16.ChargingProfile:
    """A 2.0.1 ChargingProfileType (one schedule, a 1.6 purpose and kind) in 1.6 ChargingProfile form. `profile`
    is not validated yet (an operator's request, or csms.ocpp.profiles' encoding): what 1.6 cannot say raises
    EncodeError."""
    purpose = _PURPOSES.get(profile["chargingProfilePurpose"])
    if purpose is None:
        raise EncodeError(f"OCPP 1.6 has no {profile['chargingProfilePurpose']}")
    if profile["chargingProfileKind"] not in _KINDS:
        raise EncodeError(f"OCPP 1.6 has no {profile['chargingProfileKind']} profiles")
    schedules = profile["chargingSchedule"]
    if len(schedules) != 1:
        raise EncodeError("an OCPP 1.6 profile holds exactly one charging schedule")
    schedule = {k: schedules[0][k] for k in _SCHEDULE_KEYS if k in schedules[0]}
    for period in schedule["chargingSchedulePeriod"]:
        beyond = set(period) - set(_PERIOD_KEYS) - {"operationMode"}
        if beyond or period.get("operationMode", _CHARGING_ONLY) != _CHARGING_ONLY:
            raise EncodeError(f"OCPP 1.6 periods carry only a limit, not {sorted(beyond) or period['operationMode']}")
    schedule["chargingSchedulePeriod"] = [{k: p[k] for k in _PERIOD_KEYS if k in p}
                                          for p in schedule["chargingSchedulePeriod"]]
    # `schedule`: the 2.0.1 schedule cut to the keys a 1.6 ChargingSchedule has, its periods checked above
    out: v16.ChargingProfile = {
        "chargingProfileId": profile["id"], "stackLevel": profile["stackLevel"], "chargingProfilePurpose": purpose,
        "chargingProfileKind": profile["chargingProfileKind"], "chargingSchedule": cast(v16.ChargingSchedule, schedule)}
    if "recurrencyKind" in profile:
        out["recurrencyKind"] = profile["recurrencyKind"]
    if "validFrom" in profile:
        out["validFrom"] = profile["validFrom"]
    if "validTo" in profile:
        out["validTo"] = profile["validTo"]
    if "transactionId" in profile:
        out["transactionId"] = v16_transaction_id(str(profile["transactionId"]))
    return out


def encode_profile(schedule: PowerSchedule, caps: StationCapabilities) -> v16.ChargingProfile:
    """The 1.6 ChargingProfile for `schedule` (see the module docstring); raises EncodeError."""
    return from_201_profile(profiles.encode_profile(schedule, caps))


def set_charging_profile_request(schedule: PowerSchedule, caps: StationCapabilities) -> v16.SetChargingProfileRequest:
    """The 1.6 SetChargingProfile payload for `schedule` (connector = the EVSE id; 0 = the whole station)."""
    return {"connectorId": schedule.evse_id, "csChargingProfiles": encode_profile(schedule, caps)}
