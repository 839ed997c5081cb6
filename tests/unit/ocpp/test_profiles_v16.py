"""1.6 ChargingProfile encoding of a PowerSchedule (W or A, discharge only where declared) and the adapter that
sends the CSMS's 2.0.1-shaped requests to a 1.6 station: every wire payload is valid against the 1.6 schema."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest

from csms.domain.capabilities import StationCapabilities
from csms.domain.schedule import OperationMode, PowerSchedule, ProfilePurpose, SchedulePeriod
from csms.ocpp import profiles, profiles_v16
from csms.ocpp.profiles import EncodeError
from csms.ocpp.schemas import validate_payload
from csms.ocpp.v16_adapter import to_v16
from csms.ocpp.versions import OcppVersion

_Payload = TypeVar("_Payload", bound=Mapping[str, object])

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
CHARGE_ONLY = StationCapabilities(ocpp_version="ocpp1.6")
AMPS_ONLY = StationCapabilities(ocpp_version="ocpp1.6", rate_units=frozenset({"A"}), phases=3)
BIDIRECTIONAL = StationCapabilities(ocpp_version="ocpp1.6", discharge_supported=True)


def schedule(*powers_w: float, purpose: ProfilePurpose = ProfilePurpose.TX, evse_id: int = 1,
             mode: OperationMode = OperationMode.CENTRAL_SETPOINT) -> PowerSchedule:
    periods = tuple(SchedulePeriod(i * 300, p, mode) for i, p in enumerate(powers_w))
    return PowerSchedule(evse_id, T0, 300 * len(periods), periods, purpose,
                         "17" if purpose is ProfilePurpose.TX else None)


def valid16(action: str, payload: _Payload) -> _Payload:
    validate_payload(OcppVersion.V16, action, payload, is_request=True)
    return payload


def test_a_charging_schedule_in_w_is_a_16_tx_profile() -> None:
    request = valid16("SetChargingProfile", profiles_v16.set_charging_profile_request(schedule(7400, 3680),
                                                                                      CHARGE_ONLY))
    profile = request["csChargingProfiles"]
    assert request["connectorId"] == 1 and profile["transactionId"] == 17
    assert profile["chargingProfileId"] == profiles.profile_id(1, ProfilePurpose.TX)
    assert profile["chargingProfilePurpose"] == "TxProfile" and profile["chargingProfileKind"] == "Absolute"
    assert profile["chargingSchedule"]["chargingRateUnit"] == "W"
    assert [p["limit"] for p in profile["chargingSchedule"]["chargingSchedulePeriod"]] == [7400.0, 3680.0]


def test_a_station_taking_only_amps_gets_amps_per_phase() -> None:
    profile = profiles_v16.encode_profile(schedule(11_000), AMPS_ONLY)
    [period] = profile["chargingSchedule"]["chargingSchedulePeriod"]
    assert profile["chargingSchedule"]["chargingRateUnit"] == "A"
    assert period == {"startPeriod": 0, "limit": 15.9, "numberPhases": 3}  # 11 kW / (3 x 230 V), toward zero


def test_discharge_is_a_negative_limit_only_where_the_station_was_declared_bidirectional() -> None:
    with pytest.raises(EncodeError):
        profiles_v16.encode_profile(schedule(-5000), CHARGE_ONLY)
    request = valid16("SetChargingProfile", profiles_v16.set_charging_profile_request(schedule(-5000, 2000),
                                                                                      BIDIRECTIONAL))
    assert [p["limit"] for p in request["csChargingProfiles"]["chargingSchedule"]["chargingSchedulePeriod"]] == \
        [-5000.0, 2000.0]


def test_a_station_max_profile_is_a_charge_point_max_profile_on_connector_zero() -> None:
    request = valid16("SetChargingProfile", profiles_v16.set_charging_profile_request(
        schedule(22_000, purpose=ProfilePurpose.STATION_MAX, evse_id=0), CHARGE_ONLY))
    assert request["connectorId"] == 0
    assert request["csChargingProfiles"]["chargingProfilePurpose"] == "ChargePointMaxProfile"
    assert "transactionId" not in request["csChargingProfiles"]


def test_what_a_16_limit_cannot_say_is_refused_not_cut_down() -> None:
    with pytest.raises(EncodeError):  # LocalFrequency needs 2.1
        profiles_v16.encode_profile(schedule(0, mode=OperationMode.LOCAL_FREQUENCY), BIDIRECTIONAL)
    as_21 = profiles.encode_profile(schedule(-3000), StationCapabilities(ocpp_version="ocpp2.1",
                                                                          discharge_supported=True))
    with pytest.raises(EncodeError):  # a 2.1 setpoint period (override says 2.1 on a 1.6 station)
        profiles_v16.from_201_profile(as_21)
    with pytest.raises(EncodeError):
        profiles_v16.v16_transaction_id("TX-abc")


def test_the_csms_requests_reach_a_16_station_in_16_form() -> None:
    cases: list[tuple[str, dict[str, Any], str, dict[str, Any]]] = [
        ("RequestStartTransaction", {"idToken": {"idToken": "TAG", "type": "Central"}, "remoteStartId": 5,
                                     "evseId": 2}, "RemoteStartTransaction", {"idTag": "TAG", "connectorId": 2}),
        ("RequestStopTransaction", {"transactionId": "17"}, "RemoteStopTransaction", {"transactionId": 17}),
        ("Reset", {"type": "Immediate"}, "Reset", {"type": "Hard"}),
        ("Reset", {"type": "OnIdle"}, "Reset", {"type": "Soft"}),
        ("ChangeAvailability", {"operationalStatus": "Inoperative", "evse": {"id": 1}}, "ChangeAvailability",
         {"connectorId": 1, "type": "Inoperative"}),
        ("ChangeAvailability", {"operationalStatus": "Operative"}, "ChangeAvailability",
         {"connectorId": 0, "type": "Operative"}),
        ("UnlockConnector", {"evseId": 2, "connectorId": 1}, "UnlockConnector", {"connectorId": 2}),
        ("TriggerMessage", {"requestedMessage": "StatusNotification", "evse": {"id": 1}}, "TriggerMessage",
         {"requestedMessage": "StatusNotification", "connectorId": 1}),
        ("TriggerMessage", {"requestedMessage": "LogStatusNotification"}, "TriggerMessage",
         {"requestedMessage": "DiagnosticsStatusNotification"}),
        ("ClearChargingProfile", {"chargingProfileId": 100011}, "ClearChargingProfile", {"id": 100011}),
        ("GetCompositeSchedule", {"duration": 900, "evseId": 1, "chargingRateUnit": "W"}, "GetCompositeSchedule",
         {"connectorId": 1, "duration": 900, "chargingRateUnit": "W"}),
        ("GetConfiguration", {"key": ["HeartbeatInterval"]}, "GetConfiguration", {"key": ["HeartbeatInterval"]}),
        ("Reset", {"type": "Soft"}, "Reset", {"type": "Soft"}),  # already 1.6: as it is
    ]
    for action, payload, action16, payload16 in cases:
        wire_action, wire_payload, _ = to_v16(action, payload)
        assert (wire_action, wire_payload) == (action16, payload16), action
        valid16(wire_action, wire_payload)
    set_201 = profiles.set_charging_profile_request(schedule(-2000), BIDIRECTIONAL)
    set_action16, set_payload16, _ = to_v16("SetChargingProfile", set_201)
    assert valid16(set_action16, set_payload16) == profiles_v16.set_charging_profile_request(schedule(-2000),
                                                                                             BIDIRECTIONAL)


def test_a_16_composite_schedule_answer_reads_as_a_201_one() -> None:
    _, _, back = to_v16("GetCompositeSchedule", {"duration": 900, "evseId": 1, "chargingRateUnit": "W"})
    answer16 = {"status": "Accepted", "connectorId": 1, "scheduleStart": "2026-06-01T12:00:00.000Z",
                "chargingSchedule": {"duration": 900, "chargingRateUnit": "W",
                                     "chargingSchedulePeriod": [{"startPeriod": 0, "limit": -2000.0}]}}
    validate_payload(OcppVersion.V16, "GetCompositeSchedule", answer16, is_request=False)
    answer = back(answer16)
    assert answer["status"] == "Accepted" and answer["schedule"]["evseId"] == 1
    assert answer["schedule"]["scheduleStart"] == "2026-06-01T12:00:00.000Z"
    assert answer["schedule"]["chargingSchedulePeriod"] == [{"startPeriod": 0, "limit": -2000.0}]
    assert back({"status": "Rejected"}) == {"status": "Rejected"}


def test_reservations_local_lists_and_firmware_reach_a_16_station_in_16_form() -> None:
    reserve = {"id": 3, "expiryDateTime": "2026-06-01T13:00:00.000Z", "idToken": {"idToken": "TAG", "type": "ISO14443"},
               "evseId": 1}
    assert to_v16("ReserveNow", reserve)[:2] == ("ReserveNow", {
        "connectorId": 1, "expiryDate": "2026-06-01T13:00:00.000Z", "idTag": "TAG", "reservationId": 3})
    entries = [{"idToken": {"idToken": "A", "type": "ISO14443"}, "idTokenInfo": {
                   "status": "Accepted", "cacheExpiryDateTime": "2026-12-31T00:00:00Z",
                   "groupIdToken": {"idToken": "FLEET", "type": "Central"}}},
               {"idToken": {"idToken": "B", "type": "ISO14443"}, "idTokenInfo": {"status": "Unknown"}},
               {"idToken": {"idToken": "C", "type": "ISO14443"}}]
    action, payload, back = to_v16("SendLocalList", {"versionNumber": 7, "updateType": "Differential",
                                                     "localAuthorizationList": entries})
    assert payload["listVersion"] == 7 and payload["localAuthorizationList"] == [
        {"idTag": "A", "idTagInfo": {"status": "Accepted", "expiryDate": "2026-12-31T00:00:00Z",
                                     "parentIdTag": "FLEET"}},
        {"idTag": "B", "idTagInfo": {"status": "Invalid"}}, {"idTag": "C"}]
    valid16(action, payload)
    assert back({"status": "NotSupported"}) == {"status": "Failed"}
    _, _, version_back = to_v16("GetLocalListVersion", {})
    assert version_back({"listVersion": 7}) == {"versionNumber": 7}
    firmware: dict[str, Any] = {"requestId": 9, "retries": 2, "firmware": {"location": "https://fw.example/1.bin",
                                                           "retrieveDateTime": "2026-06-01T13:00:00Z"}}
    action, payload, back = to_v16("UpdateFirmware", firmware)
    assert valid16(action, payload) == {"location": "https://fw.example/1.bin",
                                        "retrieveDate": "2026-06-01T13:00:00Z", "retries": 2}
    assert back({}) == {"status": "Accepted"}
    signed = {**firmware, "firmware": {**firmware["firmware"], "signingCertificate": "-----BEGIN", "signature": "c2ln"}}
    assert to_v16("UpdateFirmware", signed)[0] == "SignedUpdateFirmware"
    valid16("SignedUpdateFirmware", signed)
