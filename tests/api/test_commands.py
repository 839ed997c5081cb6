"""Station commands through the API: each sends the right OCPP action with a schema-valid payload, and the
station's answers (or silence) map to problem details."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from csms.api.auth import Role
from csms.domain.capabilities import StationCapabilities
from csms.domain.clock import to_ocpp_time
from csms.domain.ids import StationId, TransactionId
from csms.domain.records import StationRecord, TransactionRecord
from csms.domain.schedule import PowerSchedule, ProfilePurpose, SchedulePeriod
from csms.errors import CallError, CallTimeout
from csms.ocpp.schemas import validate_payload
from csms.ocpp.versions import OcppVersion
from csms.services.charging import ApplyStatus
from csms.services.events import DomainEvent
from tests.api.helpers import NOW, Harness, harness

ST_1 = StationId("ST-1")

COMMANDS: list[tuple[str, str, dict[str, Any] | None, str, dict[str, Any]]] = [
    ("POST", "/transactions/start", {"id_token": "RFID-9", "evse_id": 1}, "RequestStartTransaction",
     {"idToken": {"idToken": "RFID-9", "type": "Central"}, "evseId": 1}),
    ("POST", "/transactions/stop", {"transaction_id": "T-1"}, "RequestStopTransaction", {"transactionId": "T-1"}),
    ("POST", "/reset", {"type": "Immediate"}, "Reset", {"type": "Immediate"}),
    ("POST", "/availability", {"operational": False, "evse_id": 1}, "ChangeAvailability",
     {"operationalStatus": "Inoperative", "evse": {"id": 1}}),
    ("POST", "/evses/1/unlock", {"connector_id": 1}, "UnlockConnector", {"evseId": 1, "connectorId": 1}),
    ("POST", "/trigger", {"message": "MeterValues", "evse_id": 1}, "TriggerMessage",
     {"requestedMessage": "MeterValues", "evse": {"id": 1}}),
    ("POST", "/variables/get", {"variables": [{"component": "OCPPCommCtrlr", "variable": "HeartbeatInterval"}]},
     "GetVariables", {"getVariableData": [{"component": {"name": "OCPPCommCtrlr"},
                                           "variable": {"name": "HeartbeatInterval"}}]}),
    ("POST", "/variables/set", {"variables": [{"component": "OCPPCommCtrlr", "variable": "HeartbeatInterval",
                                               "value": "60"}]},
     "SetVariables", {"setVariableData": [{"component": {"name": "OCPPCommCtrlr"},
                                           "variable": {"name": "HeartbeatInterval"}, "attributeValue": "60"}]}),
    ("POST", "/ocpp", {"action": "ClearCache", "payload": {}}, "ClearCache", {}),
    ("GET", "/evses/1/composite-schedule?duration_s=600", None, "GetCompositeSchedule",
     {"duration": 600, "evseId": 1, "chargingRateUnit": "W"}),
]


@pytest.mark.parametrize(("method", "path", "body", "action", "expected"), COMMANDS,
                         ids=[c[3] for c in COMMANDS])
async def test_a_command_sends_its_ocpp_call_and_returns_the_station_answer(
    method: str, path: str, body: dict[str, Any] | None, action: str, expected: dict[str, Any]
) -> None:
    h = harness()
    h.gateway.connected.add(ST_1)
    h.gateway.answers[action] = {"status": "Accepted", "echo": action}
    async with h.client(Role.OPERATOR) as http:
        response = await http.request(method, f"/api/v1/stations/ST-1{path}", json=body)
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "Accepted", "echo": action}
    [(station, sent_action, payload)] = h.gateway.calls
    assert (station, sent_action) == (ST_1, action)
    assert {k: v for k, v in payload.items() if k != "remoteStartId"} == expected


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/reset", {"type": "Later"}, "body.type"),
    ("/availability", {}, "body.operational"),
    ("/trigger", {"message": "Teleport"}, "body.message"),
    ("/variables/get", {"variables": []}, "body.variables"),
    ("/transactions/start", {"id_token": "x" * 37}, "body.id_token"),
    ("/evses/0/unlock", {"connector_id": 0}, "body.connector_id"),
])
async def test_bad_command_input_gets_422_naming_the_field(path: str, body: dict[str, Any], field: str) -> None:
    h = harness()
    h.gateway.connected.add(ST_1)
    async with h.client(Role.OPERATOR) as http:
        response = await http.post(f"/api/v1/stations/ST-1{path}", json=body)
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"].endswith("validation-error") and problem["title"] == "Invalid request"
    assert field in [e["field"] for e in problem["errors"]] and field in problem["detail"]
    assert h.gateway.calls == []


async def test_station_answers_map_to_404_422_502_and_504_problems() -> None:
    h = harness()
    h.gateway.connected.add(ST_1)
    h.gateway.answers["Reset"] = CallError("Reset", "NotSupported", "no resets today", {})
    h.gateway.answers["ClearCache"] = CallTimeout("no answer in 5 s")
    async with h.client(Role.OPERATOR) as http:
        offline = await http.post("/api/v1/stations/ST-2/reset", json={})
        assert offline.status_code == 404 and offline.json()["type"].endswith("station-not-connected")
        refused = await http.post("/api/v1/stations/ST-1/reset", json={})
        assert refused.status_code == 502
        assert refused.json()["code"] == "NotSupported" and refused.json()["description"] == "no resets today"
        assert refused.json()["detail"]["code"] == "NotSupported"  # the first API version's shape, kept
        silent = await http.post("/api/v1/stations/ST-1/ocpp", json={"action": "ClearCache", "payload": {}})
        assert silent.status_code == 504 and "no answer" in silent.json()["detail"]
        schema = await http.post("/api/v1/stations/ST-1/ocpp", json={"action": "Reset", "payload": {"type": "Soon"}})
        assert schema.status_code == 422 and schema.json()["code"] == "PropertyConstraintViolation"
        unknown = await http.post("/api/v1/stations/ST-1/ocpp", json={"action": "Teleport", "payload": {}})
        assert unknown.status_code == 422 and unknown.json()["code"] == "NotImplemented"
        bad_id = await http.post("/api/v1/stations/bad%20id/reset", json={})
        assert bad_id.status_code == 422 and bad_id.json()["errors"][0]["field"] == "path.station_id"


async def _station_with_open_transaction(h: Any, discharge: bool) -> None:
    await h.store.put_station(StationRecord(ST_1, ocpp_version="ocpp2.1" if discharge else "ocpp2.0.1"))
    await h.store.put_transaction(TransactionRecord(ST_1, TransactionId("T-1"), evse_id=1,
                                                    started_at=NOW - timedelta(minutes=5), last_soc=0.5))
    h.gateway.connected.add(ST_1)


async def test_a_schedule_is_applied_to_the_open_transaction_and_shows_on_the_evse() -> None:
    h = harness()
    await _station_with_open_transaction(h, discharge=False)
    async with h.client(Role.OPERATOR) as http:
        applied = await http.put("/api/v1/stations/ST-1/evses/1/schedule", json={
            "periods": [{"start_offset_s": 0, "power_w": 3000}], "duration_s": 1800})
        assert applied.status_code == 200, applied.text
        assert applied.json()["status"] == "Accepted" and applied.json()["periods"][0]["power_w"] == 3000
        [(_, action, payload)] = h.gateway.calls
        assert action == "SetChargingProfile" and payload["chargingProfile"]["transactionId"] == "T-1"
        evses = (await http.get("/api/v1/stations/ST-1/evses")).json()
        assert evses[0]["transaction"]["transaction_id"] == "T-1"
        assert evses[0]["schedules"][0]["periods"][0]["power_w"] == 3000
        cleared = await http.delete("/api/v1/stations/ST-1/evses/1/schedule")
        assert cleared.status_code == 200 and h.gateway.calls[-1][1] == "ClearChargingProfile"
        assert (await http.get("/api/v1/stations/ST-1/evses")).json()[0]["schedules"] == []


async def test_schedules_that_cannot_be_applied_get_409_422_or_502() -> None:
    h = harness()
    await _station_with_open_transaction(h, discharge=False)
    async with h.client(Role.OPERATOR) as http:
        no_tx = await http.put("/api/v1/stations/ST-1/evses/2/schedule", json={
            "periods": [{"start_offset_s": 0, "power_w": 3000}], "duration_s": 600})
        assert no_tx.status_code == 409 and "no open transaction" in no_tx.json()["detail"]
        discharge = await http.put("/api/v1/stations/ST-1/evses/1/schedule", json={
            "periods": [{"start_offset_s": 0, "power_w": -3000}], "duration_s": 600})
        assert discharge.status_code == 409 and "cannot discharge" in discharge.json()["detail"]
        assert discharge.json()["result"]["status"] == "Refused"
        late_first = await http.put("/api/v1/stations/ST-1/evses/1/schedule", json={
            "periods": [{"start_offset_s": 60, "power_w": 3000}], "duration_s": 600})
        assert late_first.status_code == 422 and "offset 0" in late_first.json()["detail"]
        too_long = await http.put("/api/v1/stations/ST-1/evses/1/schedule", json={
            "periods": [{"start_offset_s": 0, "power_w": 3000}], "duration_s": 90000})
        assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"] == "body.duration_s"
        h.gateway.answers["SetChargingProfile"] = {"status": "Rejected", "statusInfo": {"reasonCode": "NoTx"}}
        rejected = await http.put("/api/v1/stations/ST-1/evses/1/schedule", json={
            "periods": [{"start_offset_s": 0, "power_w": 2000}], "duration_s": 600})
        assert rejected.status_code == 502 and rejected.json()["result"]["status"] == "Rejected"
        h.gateway.connected.clear()
        gone = await http.delete("/api/v1/stations/ST-1/evses/1/schedule")
        assert gone.status_code == 404


@pytest.mark.parametrize(("action", "payload"), [
    ("SetChargingProfile", {"evseId": 1, "chargingProfile": {
        "id": 1, "stackLevel": 0, "chargingProfilePurpose": "TxDefaultProfile", "chargingProfileKind": "Absolute",
        "chargingSchedule": [{"id": 1, "chargingRateUnit": "W",
                              "chargingSchedulePeriod": [{"startPeriod": 0, "limit": -11000.0}]}]}}),
    ("UpdateDynamicSchedule", {"chargingProfileId": 100011, "scheduleUpdate": {"setpoint": -11000.0}}),
    ("RequestStartTransaction", {"idToken": {"idToken": "X", "type": "Central"}, "remoteStartId": 1,
                                 "chargingProfile": {"id": 1}}),
])
async def test_raw_power_commands_are_refused_and_point_to_the_schedule_endpoint(action: str,
                                                                                 payload: dict[str, Any]) -> None:
    h = harness()
    h.gateway.connected.add(ST_1)
    async with h.client(Role.OPERATOR) as http:
        response = await http.post("/api/v1/stations/ST-1/ocpp", json={"action": action, "payload": payload})
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"].endswith("validation-error") and problem["errors"][0]["field"] == "body.action"
    assert "PUT /api/v1/stations/ST-1/evses/{evse_id}/schedule" in problem["detail"]
    assert h.gateway.calls == []


async def _connected_with_tx_default(power_w: float) -> tuple[Harness, datetime]:
    """ST-1 connected, an 11 kW W-commanded EVSE 1, and a TxDefaultProfile of `power_w` the station accepted."""
    h = harness()
    h.gateway.connected.add(ST_1)
    h.services.charging.override_capabilities(ST_1, 1, StationCapabilities(rate_units=frozenset({"W"}),
                                                                             max_charge_power_w=11_000.0))
    start = h.services.clock.now().replace(microsecond=0)
    applied = await h.services.charging.apply(ST_1, PowerSchedule(
        1, start, 600, (SchedulePeriod(0, power_w),), purpose=ProfilePurpose.TX_DEFAULT))
    assert applied.status is ApplyStatus.ACCEPTED
    return h, start


async def test_composite_schedule_with_verify_compares_the_station_answer_with_what_the_csms_installed() -> None:
    h, start = await _connected_with_tx_default(6_000.0)
    events: list[DomainEvent] = []
    h.events.subscribe(events.append)

    def station(limit_w: float) -> dict[str, Any]:  # a station that also holds a limit of `limit_w` of its own
        return {"status": "Accepted", "schedule": {
            "evseId": 1, "duration": 900, "scheduleStart": to_ocpp_time(start), "chargingRateUnit": "W",
            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": min(6_000.0, limit_w)},
                                       {"startPeriod": 600, "limit": min(11_000.0, limit_w)}]}}

    async with h.client(Role.VIEWER) as http:
        h.gateway.answers["GetCompositeSchedule"] = station(22_000.0)
        same = await http.get("/api/v1/stations/ST-1/evses/1/composite-schedule?duration_s=900&verify=true")
        h.gateway.answers["GetCompositeSchedule"] = station(4_000.0)
        limited = await http.get("/api/v1/stations/ST-1/evses/1/composite-schedule?duration_s=900&verify=true")
        whole = await http.get("/api/v1/stations/ST-1/evses/0/composite-schedule?verify=true")

    assert same.status_code == 200, same.text
    assert same.json()["schedule"]["chargingSchedulePeriod"][0]["limit"] == 6_000.0  # the station's answer, kept
    assert same.json()["verification"]["matches"] is True and same.json()["verification"]["differences"] == []
    assert same.json()["verification"]["expected"] == [{"start_offset_s": 0, "power_w": 6_000.0},
                                                       {"start_offset_s": 600, "power_w": 11_000.0}]
    verification = limited.json()["verification"]
    assert verification["matches"] is False
    assert verification["differences"] == [
        {"start_offset_s": 0, "end_offset_s": 600, "expected_w": 6_000.0, "reported_w": 4_000.0},
        {"start_offset_s": 600, "end_offset_s": 900, "expected_w": 11_000.0, "reported_w": 4_000.0}]
    assert [e.data["evse_id"] for e in events if e.kind == "station.composite_mismatch"] == [1]
    assert [p["chargingRateUnit"] for _, action, p in h.gateway.calls if action == "GetCompositeSchedule"] == ["W"] * 2
    assert whole.status_code == 422 and whole.json()["errors"][0]["field"] == "path.evse_id"


async def test_composite_verify_that_compared_nothing_says_so_instead_of_matching() -> None:
    h, _ = await _connected_with_tx_default(11_000.0)
    h.gateway.answers["GetCompositeSchedule"] = {"status": "Accepted"}  # no schedule in the answer
    async with h.client(Role.VIEWER) as http:
        reply = await http.get("/api/v1/stations/ST-1/evses/1/composite-schedule?duration_s=900&verify=true")
    verification = reply.json()["verification"]
    assert verification["matches"] is False and verification["compared"] is False
    assert verification["reason"] == "the station answered Accepted without a schedule: nothing was compared"


async def test_a_remote_start_with_max_power_carries_a_tx_profile_clamped_to_the_evse() -> None:
    """K05: RequestStartTransaction with a chargingProfile, through the safety envelope (22 kW asked, the EVSE is
    rated 11 kW), a TxProfile without a transaction id."""
    h = harness()
    h.gateway.connected.add(ST_1)
    h.gateway.answers["RequestStartTransaction"] = {"status": "Accepted"}
    h.services.charging.override_capabilities(ST_1, 1, StationCapabilities(rate_units=frozenset({"W"}),
                                                                             max_charge_power_w=11_000.0))
    async with h.client(Role.OPERATOR) as http:
        response = await http.post("/api/v1/stations/ST-1/transactions/start",
                                   json={"id_token": "RFID-9", "evse_id": 1, "max_power_w": 22_000,
                                         "profile_duration_s": 7200})
        no_evse = await http.post("/api/v1/stations/ST-1/transactions/start",
                                  json={"id_token": "RFID-9", "max_power_w": 22_000})
    assert response.status_code == 200, response.text
    [(_, action, payload)] = h.gateway.calls
    assert action == "RequestStartTransaction" and payload["evseId"] == 1
    validate_payload(OcppVersion.V201, action, payload, is_request=True)  # what the station will check
    profile = payload["chargingProfile"]
    assert profile["chargingProfilePurpose"] == "TxProfile" and "transactionId" not in profile
    (schedule,) = profile["chargingSchedule"]
    assert schedule["duration"] == 7200 and schedule["chargingSchedulePeriod"][0]["limit"] == 11_000.0
    assert no_evse.status_code == 422 and "evse_id" in no_evse.text
