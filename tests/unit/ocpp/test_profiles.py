"""Charging-profile encoding: every encoded SetChargingProfile validates against the official schema of its
version, discharge maps to each version's wire form, and impossible commands are refused before the wire."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csms.domain.capabilities import StationCapabilities
from csms.domain.schedule import FreqWattPoint, OperationMode, PowerSchedule, ProfilePurpose, SchedulePeriod
from csms.ocpp.profiles import EncodeError, dynamic_update_request, profile_id, set_charging_profile_request
from csms.ocpp.schemas import validate_payload
from csms.ocpp.versions import OcppVersion

T0 = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)
V2X_21 = StationCapabilities(ocpp_version="ocpp2.1", discharge_supported=True, rate_units=frozenset({"W"}),
                             operation_modes=frozenset({"ChargingOnly", "CentralSetpoint", "Idle",
                                                        "LocalFrequency"}),
                             supports_max_offline_duration=True)
BIDI_201 = StationCapabilities(ocpp_version="ocpp2.0.1", discharge_supported=True, rate_units=frozenset({"W"}))
CHARGE_ONLY_201 = StationCapabilities(ocpp_version="ocpp2.0.1", discharge_supported=False)
AMPS_ONLY_201 = StationCapabilities(ocpp_version="ocpp2.0.1", rate_units=frozenset({"A"}), phases=3,
                                    voltage_v=230.0)


def schedule(*powers: float, mode: OperationMode = OperationMode.CENTRAL_SETPOINT) -> PowerSchedule:
    periods = tuple(SchedulePeriod(i * 300, p, mode) for i, p in enumerate(powers))
    return PowerSchedule(evse_id=1, starts_at=T0, duration_s=300 * len(powers), periods=periods,
                         transaction_id="tx-1")


def periods_of(payload: dict[str, object]) -> list[dict[str, object]]:
    return payload["chargingProfile"]["chargingSchedule"][0]["chargingSchedulePeriod"]  # type: ignore[index,no-any-return]


def test_201_discharge_is_a_negative_limit_in_watts() -> None:
    payload = set_charging_profile_request(schedule(7000, -5000), BIDI_201)
    validate_payload(OcppVersion.V201, "SetChargingProfile", payload, is_request=True)
    assert [p["limit"] for p in periods_of(payload)] == [7000, -5000]
    assert payload["chargingProfile"]["transactionId"] == "tx-1"


def test_201_charge_only_station_is_never_sent_a_discharge() -> None:
    with pytest.raises(EncodeError):
        set_charging_profile_request(schedule(7000, -5000), CHARGE_ONLY_201)


def test_201_amps_only_station_gets_amps_with_phases() -> None:
    payload = set_charging_profile_request(schedule(6900), AMPS_ONLY_201)
    validate_payload(OcppVersion.V201, "SetChargingProfile", payload, is_request=True)
    period = periods_of(payload)[0]
    assert payload["chargingProfile"]["chargingSchedule"][0]["chargingRateUnit"] == "A"
    assert period == {"startPeriod": 0, "limit": 10.0, "numberPhases": 3}


def test_21_central_setpoint_carries_setpoint_and_limits_in_order() -> None:
    payload = set_charging_profile_request(schedule(-5000), V2X_21, max_offline_duration_s=120)
    validate_payload(OcppVersion.V21, "SetChargingProfile", payload, is_request=True)
    period = periods_of(payload)[0]
    assert period["operationMode"] == "CentralSetpoint" and period["setpoint"] == -5000
    assert period["dischargeLimit"] <= period["setpoint"] <= period["limit"]  # type: ignore[operator]
    assert payload["chargingProfile"]["maxOfflineDuration"] == 120
    assert payload["chargingProfile"]["invalidAfterOfflineDuration"] is True


def test_21_idle_and_charging_only_follow_their_field_rules() -> None:
    idle = periods_of(set_charging_profile_request(schedule(3000, mode=OperationMode.IDLE), V2X_21))[0]
    assert set(idle) == {"startPeriod", "operationMode"}
    only = periods_of(set_charging_profile_request(schedule(3000, mode=OperationMode.CHARGING_ONLY), V2X_21))[0]
    assert only == {"startPeriod": 0, "operationMode": "ChargingOnly", "limit": 3000}


def test_21_local_frequency_needs_a_curve() -> None:
    curve = (FreqWattPoint(49.8, 10000), FreqWattPoint(50.0, 0), FreqWattPoint(50.2, -10000))
    period = SchedulePeriod(0, 0, OperationMode.LOCAL_FREQUENCY, baseline_w=0, freq_watt_curve=curve)
    sched = PowerSchedule(1, T0, 900, (period,), transaction_id="tx-1")
    payload = set_charging_profile_request(sched, V2X_21)
    validate_payload(OcppVersion.V21, "SetChargingProfile", payload, is_request=True)
    assert len(periods_of(payload)[0]["v2xFreqWattCurve"]) == 3  # type: ignore[arg-type]
    with pytest.raises(EncodeError):
        set_charging_profile_request(sched, BIDI_201)


def test_profile_ids_are_stable_per_evse_and_purpose() -> None:
    assert profile_id(1, ProfilePurpose.TX) == profile_id(1, ProfilePurpose.TX)
    ids = {profile_id(e, p) for e in range(1, 5) for p in ProfilePurpose}
    assert len(ids) == 12


def test_dynamic_update_validates_on_21() -> None:
    payload = dynamic_update_request(schedule(-3000), V2X_21)
    validate_payload(OcppVersion.V21, "UpdateDynamicSchedule", payload, is_request=True)
    assert payload["scheduleUpdate"]["setpoint"] == -3000


@settings(max_examples=60, deadline=None)
@given(
    powers=st.lists(st.floats(-22000, 22000, allow_nan=False), min_size=1, max_size=8),
    caps=st.sampled_from([V2X_21, BIDI_201, CHARGE_ONLY_201, AMPS_ONLY_201]),
    mode=st.sampled_from([OperationMode.CENTRAL_SETPOINT, OperationMode.CHARGING_ONLY, OperationMode.IDLE]),
)
def test_every_encodable_schedule_is_schema_valid_and_discharge_only_where_supported(
    powers: list[float], caps: StationCapabilities, mode: OperationMode
) -> None:
    sched = schedule(*powers, mode=mode)
    version = OcppVersion(caps.ocpp_version)
    try:
        payload = set_charging_profile_request(sched, caps)
    except EncodeError:
        assert sched.discharges and not caps.discharge_supported
        return
    validate_payload(version, "SetChargingProfile", payload, is_request=True)
    for period in periods_of(payload):
        wire_power = period.get("setpoint", period.get("limit", 0))
        if not caps.discharge_supported:
            assert wire_power >= 0  # type: ignore[operator]
