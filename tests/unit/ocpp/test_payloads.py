"""The `ocpp` package's dataclasses serialize to payloads that pass the official schemas, including the 2.1
keys the package mis-cases (limit_L2, soc)."""

from __future__ import annotations

from ocpp.v21 import call as call21
from ocpp.v21 import datatypes as dt21
from ocpp.v201 import call as call201

from csms.ocpp.payloads import action_of, to_payload
from csms.ocpp.schemas import validate_payload
from csms.ocpp.versions import OcppVersion


def test_201_message_serializes_to_schema_valid_camel_case() -> None:
    message = call201.RequestStartTransaction(id_token={"idToken": "T1", "type": "Central"}, remote_start_id=7)
    payload = to_payload(message)
    assert payload == {"idToken": {"idToken": "T1", "type": "Central"}, "remoteStartId": 7}
    validate_payload(OcppVersion.V201, action_of(message), payload, is_request=True)


def test_21_per_phase_limits_and_limit_at_soc_use_the_schema_spelling() -> None:
    period = dt21.ChargingSchedulePeriodType(start_period=0, limit=11000.0, limit_l2=3000.0, limit_l3=3000.0,
                                             discharge_limit=-5000.0, discharge_limit_l2=-1000.0)
    schedule = dt21.ChargingScheduleType(id=1, charging_rate_unit="W", charging_schedule_period=[period],
                                         limit_at_soc=dt21.LimitAtSoCType(soc=80, limit=3000.0))
    profile = dt21.ChargingProfileType(id=1, stack_level=0, charging_profile_purpose="TxDefaultProfile",
                                       charging_profile_kind="Absolute", charging_schedule=[schedule])
    message = call21.SetChargingProfile(evse_id=1, charging_profile=profile)
    payload = to_payload(message)
    wire_period = payload["chargingProfile"]["chargingSchedule"][0]["chargingSchedulePeriod"][0]
    assert wire_period["limit_L2"] == 3000.0 and wire_period["dischargeLimit_L2"] == -1000.0
    assert payload["chargingProfile"]["chargingSchedule"][0]["limitAtSoC"] == {"soc": 80, "limit": 3000.0}
    validate_payload(OcppVersion.V21, "SetChargingProfile", payload, is_request=True)
