"""Use-case features through the operator API (blocks B, D, F, H, L, N, O, P): each sends a schema-valid OCPP
command (the fake gateway validates it), and the station's answer updates what the CSMS keeps."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson
import pytest

from csms.api.auth import Role
from csms.domain.clock import to_ocpp_time
from csms.domain.ids import StationId
from csms.domain.records import VariableRecord
from csms.services import station_records as sr
from csms.services.credentials import AuthResult
from tests.api.helpers import NOW, harness

SID = StationId("ST-1")
BASE = "/api/v1/stations/ST-1"


def set_result(status: str) -> dict[str, Any]:
    return {"setVariableResult": [{"attributeStatus": status, "component": {"name": "OCPPCommCtrlr"},
                                   "variable": {"name": "HeartbeatInterval"}}]}


@pytest.mark.parametrize(("status", "stored"), [("Accepted", "120"), ("Rejected", "300")])
async def test_an_accepted_set_variables_updates_the_stored_device_model(status: str, stored: str) -> None:
    h = harness()
    h.gateway.connected.add(SID)
    await h.store.put_variables(SID, [VariableRecord("OCPPCommCtrlr", "HeartbeatInterval", "300",
                                                     mutability="ReadWrite", data_type="integer")])
    h.gateway.answers["SetVariables"] = set_result(status)
    async with h.client() as http:
        body = {"variables": [{"component": "OCPPCommCtrlr", "variable": "HeartbeatInterval", "value": "120"}]}
        assert (await http.post(f"{BASE}/variables/set", json=body)).status_code == 200
    [variable] = await h.store.list_variables(SID)
    assert variable.value == stored and variable.mutability == "ReadWrite"  # its other attributes are kept


async def test_get_variables_answers_keep_the_device_model_current() -> None:
    h = harness()
    h.gateway.connected.add(SID)
    h.gateway.answers["GetVariables"] = {"getVariableResult": [
        {"attributeStatus": "Accepted", "attributeValue": "60", "component": {"name": "OCPPCommCtrlr"},
         "variable": {"name": "HeartbeatInterval"}}]}
    async with h.client() as http:
        body = {"variables": [{"component": "OCPPCommCtrlr", "variable": "HeartbeatInterval"}]}
        assert (await http.post(f"{BASE}/variables/get", json=body)).status_code == 200
    assert [(v.variable, v.value) for v in await h.store.list_variables(SID)] == [("HeartbeatInterval", "60")]


async def test_remote_start_keeps_its_id_token_by_remote_start_id() -> None:
    h = harness()
    h.gateway.connected.add(SID)
    async with h.client() as http:
        assert (await http.post(f"{BASE}/transactions/start", json={"id_token": "DRIVER-7"})).status_code == 200
    [(_, _, payload)] = h.gateway.calls
    doc = await h.store.get_station_doc(SID, sr.REMOTE_START, str(payload["remoteStartId"]))
    assert doc is not None and doc["idToken"] == {"idToken": "DRIVER-7", "type": "Central"}
    assert doc["status"] == "Accepted"


async def test_reservations_are_made_listed_expired_and_cancelled() -> None:
    h = harness()
    h.gateway.connected.add(SID)
    async with h.client() as http:
        expires = to_ocpp_time(NOW + timedelta(minutes=30))
        body = {"id_token": {"id_token": "RFID-1", "type": "ISO14443"}, "expires_at": expires, "evse_id": 1}
        first = (await http.post(f"{BASE}/reservations", json=body)).json()
        body["expires_at"] = to_ocpp_time(NOW - timedelta(minutes=1))
        second = (await http.post(f"{BASE}/reservations", json=body)).json()
        assert (first["reservation_id"], second["reservation_id"]) == (1, 2)
        assert h.gateway.calls[0][1:] == ("ReserveNow", {
            "id": 1, "expiryDateTime": expires,
            "idToken": {"idToken": "RFID-1", "type": "ISO14443"}, "evseId": 1})
        listed = (await http.get(f"{BASE}/reservations")).json()
        assert [(r["id"], r["status"]) for r in listed] == [(1, "Reserved"), (2, "Expired")]
        assert (await http.delete(f"{BASE}/reservations/1")).json() == {"status": "Accepted"}
        listed = (await http.get(f"{BASE}/reservations")).json()
        assert listed[0]["status"] == "Cancelled"
        assert [h["status"] for h in listed[0]["history"]] == ["Reserved", "Cancelled"]


async def test_a_rejected_reservation_is_kept_with_the_station_answer() -> None:
    h = harness()
    h.gateway.connected.add(SID)
    h.gateway.answers["ReserveNow"] = {"status": "Occupied"}
    async with h.client() as http:
        body = {"id_token": {"id_token": "RFID-1"}, "expires_at": to_ocpp_time(NOW + timedelta(minutes=30))}
        assert (await http.post(f"{BASE}/reservations", json=body)).json()["response"] == {"status": "Occupied"}
        assert [r["status"] for r in (await http.get(f"{BASE}/reservations")).json()] == ["Occupied"]


async def test_local_list_is_versioned_full_then_differential_and_reconciled() -> None:
    h = harness()
    h.gateway.connected.add(SID)
    async with h.client() as http:
        full = {"entries": [{"id_token": {"id_token": "A", "type": "ISO14443"}, "status": "Accepted"},
                            {"id_token": {"id_token": "B", "type": "ISO14443"}, "status": "Blocked"}]}
        assert (await http.put(f"{BASE}/local-list", json=full)).json() == {"status": "Accepted"}
        diff = {"entries": [{"id_token": {"id_token": "B", "type": "ISO14443"}}]}  # remove B
        assert (await http.patch(f"{BASE}/local-list", json=diff)).json() == {"status": "Accepted"}
        sent = [(action, payload) for _, action, payload in h.gateway.calls]
        assert sent[0] == ("SendLocalList", {"versionNumber": 1, "updateType": "Full", "localAuthorizationList": [
            {"idToken": {"idToken": "A", "type": "ISO14443"}, "idTokenInfo": {"status": "Accepted"}},
            {"idToken": {"idToken": "B", "type": "ISO14443"}, "idTokenInfo": {"status": "Blocked"}}]})
        assert sent[1] == ("SendLocalList", {"versionNumber": 2, "updateType": "Differential",
                                             "localAuthorizationList": [{"idToken": {"idToken": "B",
                                                                                     "type": "ISO14443"}}]})
        current = (await http.get(f"{BASE}/local-list")).json()
        assert current["versionNumber"] == 2 and [e["idToken"]["idToken"] for e in current["entries"]] == ["A"]
        assert current["station"]["versionNumber"] == 2

        h.gateway.answers["GetLocalListVersion"] = {"versionNumber": 1}  # e.g. the station lost an update
        result = (await http.post(f"{BASE}/local-list/reconcile")).json()
        assert result["sent"] is True and result["stationVersion"] == 1
        assert h.gateway.calls[-1][1:] == ("SendLocalList", {"versionNumber": 2, "updateType": "Full",
                                                             "localAuthorizationList": current["entries"]})
        h.gateway.answers["GetLocalListVersion"] = {"versionNumber": 2}
        assert (await http.post(f"{BASE}/local-list/reconcile")).json() == {"stationVersion": 2, "sent": False}


async def test_a_differential_update_the_station_refuses_as_version_mismatch_is_followed_by_the_full_list() -> None:
    h = harness()
    h.gateway.connected.add(SID)
    answers = iter([{"status": "Accepted"}, {"status": "VersionMismatch"}, {"status": "Accepted"}])
    h.gateway.answers["SendLocalList"] = lambda payload: next(answers)
    async with h.client() as http:
        await http.put(f"{BASE}/local-list", json={"entries": [{"id_token": {"id_token": "A"}, "status": "Accepted"}]})
        reply = await http.patch(f"{BASE}/local-list", json={"entries": [{"id_token": {"id_token": "C"},
                                                                          "status": "Accepted"}]})
        assert reply.json() == {"status": "Accepted"}
    assert [p["updateType"] for _, a, p in h.gateway.calls] == ["Full", "Differential", "Full"]
    assert len(h.gateway.calls[-1][2]["localAuthorizationList"]) == 2


@pytest.mark.parametrize(("path", "body", "action", "kind"), [
    ("/firmware", {"location": "https://fw.example/v2.bin", "retrieve_at": to_ocpp_time(NOW), "retries": 3,
                   "retry_interval_s": 60, "signature": "c2ln"}, "UpdateFirmware", sr.FIRMWARE),
    ("/logs", {"remote_location": "ftp://logs.example/"}, "GetLog", sr.LOG_UPLOAD),
])
async def test_firmware_and_log_requests_are_tracked_by_request_id(path: str, body: dict[str, Any], action: str,
                                                                   kind: str) -> None:
    h = harness()
    h.gateway.connected.add(SID)
    async with h.client() as http:
        reply = (await http.post(BASE + path, json=body)).json()
        assert reply["response"] == {"status": "Accepted"}
        [(_, sent_action, payload)] = h.gateway.calls
        assert sent_action == action and payload["requestId"] == reply["request_id"]
        [doc] = (await http.get(f"{BASE}/records/{kind}")).json()
        assert doc["requestId"] == reply["request_id"] and doc["status"] == "Accepted"


async def test_display_messages_set_and_cleared() -> None:
    h = harness()
    h.gateway.connected.add(SID)
    async with h.client() as http:
        body = {"id": 5, "content": "Free charging today", "priority": "InFront"}
        assert (await http.post(f"{BASE}/display-messages", json=body)).json() == {"status": "Accepted"}
        [message] = (await http.get(f"{BASE}/display-messages")).json()
        assert message["message"]["content"] == "Free charging today" and message["source"] == "csms"
        assert (await http.delete(f"{BASE}/display-messages/5")).json() == {"status": "Accepted"}
        assert (await http.get(f"{BASE}/display-messages")).json() == []


async def test_data_transfer_to_the_station_returns_its_answer() -> None:
    h = harness()
    h.gateway.connected.add(SID)
    h.gateway.answers["DataTransfer"] = {"status": "UnknownVendorId"}
    async with h.client() as http:
        reply = await http.post(f"{BASE}/data-transfer", json={"vendor_id": "com.acme", "data": {"x": 1}})
        assert reply.json() == {"status": "UnknownVendorId"}
    assert h.gateway.calls[0][2] == {"vendorId": "com.acme", "data": {"x": 1}}


def event(event_id: int, component: str, variable: str, trigger: str, evse_id: int | None = None) -> dict[str, Any]:
    return {"eventId": event_id, "trigger": trigger, "variable": {"name": variable},
            "component": {"name": component, **({} if evse_id is None else {"evse": {"id": evse_id}})}}


async def test_records_and_events_are_readable_filtered_and_unknown_kinds_are_404() -> None:
    h = harness()
    events = [event(1, "EVSE", "Power", "Alerting", 1), event(2, "EVSE", "AvailabilityState", "Delta", 2),
              event(3, "ChargingStation", "Problem", "Delta")]
    await h.store.append_station_log(SID, sr.EVENT, events)
    async with h.client() as http:
        assert (await http.get(f"{BASE}/events?limit=1")).json() == [events[2]]
        assert [e["eventId"] for e in (await http.get(f"{BASE}/events?trigger=Delta")).json()] == [2, 3]
        assert [e["eventId"] for e in (await http.get(f"{BASE}/events?component=EVSE&evse_id=1")).json()] == [1]
        assert [e["eventId"] for e in (await http.get(f"{BASE}/events?variable=Problem")).json()] == [3]
        assert (await http.get(f"{BASE}/records/event")).json() == events
        assert (await http.get(f"{BASE}/records/nonsense")).status_code == 404


async def test_commands_need_the_operator_role_and_a_connected_station() -> None:
    h = harness()
    async with h.client() as http:
        assert (await http.post(f"{BASE}/display-messages/report")).status_code == 404  # not connected
    async with h.client(Role.VIEWER) as http:
        assert (await http.post(f"{BASE}/display-messages/report")).status_code == 403


def limit(variable: str, instance: str, value: str) -> VariableRecord:
    return VariableRecord("DeviceDataCtrlr", variable, value, variable_instance=instance)


def answer_get(payload: dict[str, Any]) -> dict[str, Any]:
    return {"getVariableResult": [{"attributeStatus": "Accepted", "attributeValue": "1", **item}
                                  for item in payload["getVariableData"]]}


async def test_get_variables_is_split_by_the_stations_items_per_message() -> None:
    h = harness()
    h.gateway.connected.add(SID)
    await h.store.put_variables(SID, [limit("ItemsPerMessage", "GetVariables", "2"),
                                      limit("ItemsPerMessage", "SetVariables", "50")])
    h.gateway.answers["GetVariables"] = answer_get
    names = [f"Var{n}" for n in range(5)]
    async with h.client() as http:
        body = {"variables": [{"component": "C", "variable": name} for name in names]}
        reply = (await http.post(f"{BASE}/variables/get", json=body)).json()
    assert [len(p["getVariableData"]) for _, a, p in h.gateway.calls if a == "GetVariables"] == [2, 2, 1]
    assert [r["variable"]["name"] for r in reply["getVariableResult"]] == names  # joined, in order


async def test_set_variables_is_split_by_the_stations_bytes_per_message() -> None:
    h = harness()
    h.gateway.connected.add(SID)
    await h.store.put_variables(SID, [limit("BytesPerMessage", "SetVariables", "300")])

    def answer_set(payload: dict[str, Any]) -> dict[str, Any]:
        assert len(orjson.dumps([2, "x" * 36, "SetVariables", payload])) <= 300
        return {"setVariableResult": [{"attributeStatus": "Accepted", "component": item["component"],
                                       "variable": item["variable"]} for item in payload["setVariableData"]]}

    h.gateway.answers["SetVariables"] = answer_set
    async with h.client() as http:
        body = {"variables": [{"component": "SampledDataCtrlr", "variable": f"Variable{n}", "value": "x" * 20}
                              for n in range(6)]}
        reply = (await http.post(f"{BASE}/variables/set", json=body)).json()
    calls = [p for _, a, p in h.gateway.calls if a == "SetVariables"]
    assert len(calls) > 1 and sum(len(p["setVariableData"]) for p in calls) == 6
    assert len(reply["setVariableResult"]) == 6
    assert len(await h.store.list_variables(SID)) == 7  # the limit and the six accepted values


async def test_a_tariff_is_set_read_and_removed() -> None:
    h = harness()
    async with h.client() as http:
        assert (await http.get(f"{BASE}/tariff")).status_code == 404
        body = {"currency": "EUR", "price_per_kwh": 0.3, "session_fee": 0.5}
        assert (await http.put(f"{BASE}/tariff", json=body)).status_code == 200
        assert (await http.get(f"{BASE}/tariff")).json() == {**body, "price_per_hour": 0.0}
        assert (await http.delete(f"{BASE}/tariff")).json() == {"deleted": True}
        assert (await http.get(f"{BASE}/tariff")).status_code == 404


async def test_a_password_the_station_accepts_becomes_its_credential_and_stays_out_of_the_device_model() -> None:
    h = harness()
    h.gateway.connected.add(SID)
    h.gateway.answers["SetVariables"] = {"setVariableResult": [{
        "attributeStatus": "Accepted", "component": {"name": "SecurityCtrlr"},
        "variable": {"name": "BasicAuthPassword"}}]}
    async with h.client() as http:
        reply = (await http.post(f"{BASE}/password", json={})).json()
    assert reply["accepted"] is True and len(reply["password"]) >= 16
    assert await h.services.credentials.authenticate(SID, reply["password"]) is AuthResult.OK
    assert await h.store.list_variables(SID) == []
    async with h.client(Role.OPERATOR) as http:
        assert (await http.post(f"{BASE}/password", json={})).status_code == 403  # admin only


async def test_a_password_the_station_rejects_changes_nothing() -> None:
    h = harness()
    h.gateway.connected.add(SID)
    await h.services.credentials.set_password(SID, "the-old-password-123")
    h.gateway.answers["SetVariables"] = {"setVariableResult": [{
        "attributeStatus": "Rejected", "component": {"name": "SecurityCtrlr"},
        "variable": {"name": "BasicAuthPassword"}}]}
    async with h.client() as http:
        reply = (await http.post(f"{BASE}/password", json={"password": "a-new-password-12345"})).json()
    assert reply["accepted"] is False and reply["password"] is None
    assert await h.services.credentials.authenticate(SID, "the-old-password-123") is AuthResult.OK


HASH = {"hashAlgorithm": "SHA256", "issuerNameHash": "n" * 64, "issuerKeyHash": "k" * 64, "serialNumber": "0A1B"}


async def test_installed_certificates_are_reported_kept_and_deleted_by_key() -> None:
    h = harness()
    h.gateway.connected.add(SID)
    h.gateway.answers["GetInstalledCertificateIds"] = {"status": "Accepted", "certificateHashDataChain": [
        {"certificateType": "CSMSRootCertificate", "certificateHashData": HASH}]}
    async with h.client() as http:
        assert (await http.post(f"{BASE}/certificates/report")).json()["status"] == "Accepted"
        [certificate] = (await http.get(f"{BASE}/certificates")).json()
        assert certificate["certificateType"] == "CSMSRootCertificate"
        key = certificate["key"]
        assert (await http.delete(f"{BASE}/certificates/{key}")).json() == {"status": "Accepted"}
        assert h.gateway.calls[-1][1:] == ("DeleteCertificate", {"certificateHashData": HASH})
        assert (await http.get(f"{BASE}/certificates")).json() == []
        assert (await http.delete(f"{BASE}/certificates/{key}")).status_code == 404
        body = {"certificate_type": "V2GRootCertificate", "certificate": "-----BEGIN CERTIFICATE-----"}
        assert (await http.post(f"{BASE}/certificates", json=body)).json() == {"status": "Accepted"}
        [install] = (await http.get(f"{BASE}/records/certificate_install")).json()
        assert (install["certificateType"], install["status"]) == ("V2GRootCertificate", "Accepted")


async def test_monitors_are_set_listed_and_cleared_and_the_monitoring_base_kept() -> None:
    h = harness()
    h.gateway.connected.add(SID)
    h.gateway.answers["SetVariableMonitoring"] = lambda payload: {"setMonitoringResult": [
        {"id": 7, "status": "Accepted", "type": d["type"], "severity": d["severity"], "component": d["component"],
         "variable": d["variable"]} for d in payload["setMonitoringData"]]}
    h.gateway.answers["ClearVariableMonitoring"] = {"clearMonitoringResult": [{"id": 7, "status": "Accepted"}]}
    async with h.client() as http:
        body = {"monitors": [{"component": "EVSE", "evse_id": 1, "variable": "Power", "type": "UpperThreshold",
                              "value": 11000, "severity": 4}]}
        assert (await http.post(f"{BASE}/monitors", json=body)).status_code == 200
        [monitor] = (await http.get(f"{BASE}/monitors")).json()
        assert (monitor["id"], monitor["value"], monitor["component"]) == (7, 11000, {"name": "EVSE",
                                                                                       "evse": {"id": 1}})
        assert (await http.delete(f"{BASE}/monitors/7")).status_code == 200
        assert (await http.get(f"{BASE}/monitors")).json() == []
        assert (await http.put(f"{BASE}/monitoring/base", json={"base": "HardWiredOnly"})).status_code == 200
        [setting] = (await http.get(f"{BASE}/records/monitoring_setting")).json()
        assert setting["monitoringBase"] == "HardWiredOnly" and setting["status"] == "Accepted"


async def test_get_report_sends_the_criteria() -> None:
    h = harness()
    h.gateway.connected.add(SID)
    async with h.client() as http:
        reply = (await http.post(f"{BASE}/report?criteria=Problem&criteria=Active")).json()
    assert h.gateway.calls[0][1:] == ("GetReport", {"requestId": reply["request_id"],
                                                    "componentCriteria": ["Problem", "Active"]})


async def test_an_invalid_raw_remote_start_is_refused_by_the_schema_not_by_the_effects() -> None:
    h = harness()
    h.gateway.connected.add(SID)
    async with h.client() as http:
        body = {"action": "RequestStartTransaction", "payload": {"idToken": {"idToken": "A", "type": "Central"}}}
        reply = await http.post(f"{BASE}/ocpp", json=body)  # no remoteStartId
    assert reply.status_code == 422 and h.gateway.calls == []
    assert await h.store.list_station_docs(SID, sr.REMOTE_START) == []


async def test_a_local_list_longer_than_the_station_takes_is_sent_in_parts_of_one_version() -> None:
    h = harness()
    h.gateway.connected.add(SID)
    await h.store.put_variables(SID, [VariableRecord("LocalAuthListCtrlr", "ItemsPerMessage", "2")])
    async with h.client() as http:
        entries = [{"id_token": {"id_token": f"T{n}"}, "status": "Accepted"} for n in range(5)]
        assert (await http.put(f"{BASE}/local-list", json={"entries": entries})).json() == {"status": "Accepted"}
    sent = [p for _, a, p in h.gateway.calls if a == "SendLocalList"]
    assert [(p["updateType"], len(p["localAuthorizationList"]), p["versionNumber"]) for p in sent] == [
        ("Full", 2, 1), ("Differential", 2, 1), ("Differential", 1, 1)]
