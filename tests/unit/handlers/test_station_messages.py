"""Every CALL a station may send under OCPP 2.0.1 is answered (no NotSupported), and what it reports is kept as
station records the API can read; the boot gate comes before the unsupported-action check (B02.FR.09)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from csms.domain.records import BootPolicy, VariableRecord
from csms.handlers import HANDLERS
from csms.ocpp.schemas import schema_actions
from csms.ocpp.versions import OcppVersion
from csms.services import station_records as sr
from tests.unit.handlers.harness import STATION, Station, at

SID = STATION

# OCPP 2.0.1 Part 2, messages sent by a Charging Station (the rest of the schema set is CSMS-initiated)
STATION_CALLS_201 = frozenset({
    "Authorize", "BootNotification", "ClearedChargingLimit", "DataTransfer", "FirmwareStatusNotification",
    "Get15118EVCertificate", "GetCertificateStatus", "Heartbeat", "LogStatusNotification", "MeterValues",
    "NotifyChargingLimit", "NotifyCustomerInformation", "NotifyDisplayMessages", "NotifyEVChargingNeeds",
    "NotifyEVChargingSchedule", "NotifyEvent", "NotifyMonitoringReport", "NotifyReport",
    "PublishFirmwareStatusNotification", "ReportChargingProfiles", "ReservationStatusUpdate",
    "SecurityEventNotification", "SignCertificate", "StatusNotification", "TransactionEvent",
})
CSMS_CALLS_201 = frozenset({
    "CancelReservation", "CertificateSigned", "ChangeAvailability", "ClearCache", "ClearChargingProfile",
    "ClearDisplayMessage", "ClearVariableMonitoring", "CostUpdated", "CustomerInformation", "DeleteCertificate",
    "GetBaseReport", "GetChargingProfiles", "GetCompositeSchedule", "GetDisplayMessages",
    "GetInstalledCertificateIds", "GetLocalListVersion", "GetLog", "GetMonitoringReport", "GetReport",
    "GetTransactionStatus", "GetVariables", "InstallCertificate", "PublishFirmware", "RequestStartTransaction",
    "RequestStopTransaction", "ReserveNow", "Reset", "SendLocalList", "SetChargingProfile", "SetDisplayMessage",
    "SetMonitoringBase", "SetMonitoringLevel", "SetNetworkProfile", "SetVariableMonitoring", "SetVariables",
    "TriggerMessage", "UnlockConnector", "UnpublishFirmware", "UpdateFirmware",
})


async def raw_call(station: Station, action: str, payload: dict[str, Any]) -> list[Any]:
    await station.session.feed(orjson.dumps([2, "r1", action, payload]).decode())
    reply: list[Any] = station.sent.pop(0)
    return reply


def test_every_station_initiated_201_call_has_a_handler() -> None:
    assert STATION_CALLS_201 | CSMS_CALLS_201 == schema_actions(OcppVersion.V201)  # the split covers the schema set
    assert STATION_CALLS_201 - set(HANDLERS) == set()


def test_every_station_initiated_21_call_has_a_handler() -> None:
    new_in_21 = schema_actions(OcppVersion.V21) - schema_actions(OcppVersion.V201)
    csms_initiated_21 = {"AFRRSignal", "AdjustPeriodicEventStream", "ChangeTransactionTariff", "ClearDERControl",
                         "ClearTariffs", "GetDERControl", "GetPeriodicEventStream", "GetTariffs",
                         "NotifyAllowedEnergyTransfer", "NotifyWebPaymentStarted", "RequestBatterySwap",
                         "SetDERControl", "SetDefaultTariff", "UpdateDynamicSchedule", "UsePriorityCharging"}
    assert new_in_21 - csms_initiated_21 - set(HANDLERS) == set()


COMPONENT = {"name": "EVSE", "evse": {"id": 1}}
VARIABLE = {"name": "Power"}

SAMPLE_CALLS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "NotifyEvent": ({"generatedAt": at(0), "seqNo": 0, "eventData": [{
        "eventId": 7, "timestamp": at(0), "trigger": "Alerting", "actualValue": "12000", "component": COMPONENT,
        "variable": VARIABLE, "eventNotificationType": "HardWiredMonitor", "techCode": "OVR"}]}, {}),
    "FirmwareStatusNotification": ({"status": "Downloading", "requestId": 3}, {}),
    "PublishFirmwareStatusNotification": ({"status": "Published", "location": ["http://cs/fw.bin"],
                                           "requestId": 4}, {}),
    "LogStatusNotification": ({"status": "Uploading", "requestId": 5}, {}),
    "NotifyMonitoringReport": ({"requestId": 6, "seqNo": 0, "generatedAt": at(0), "monitor": [{
        "component": COMPONENT, "variable": VARIABLE, "variableMonitoring": [
            {"id": 11, "transaction": False, "value": 11000.0, "type": "UpperThreshold", "severity": 4}]}]}, {}),
    "NotifyCustomerInformation": ({"data": "card ABC: 3 sessions", "seqNo": 0, "generatedAt": at(0),
                                   "requestId": 8}, {}),
    "NotifyDisplayMessages": ({"requestId": 9, "messageInfo": [{
        "id": 2, "priority": "NormalCycle", "message": {"format": "UTF8", "content": "Welcome"}}]}, {}),
    "ReservationStatusUpdate": ({"reservationId": 12, "reservationUpdateStatus": "Expired"}, {}),
    "ClearedChargingLimit": ({"chargingLimitSource": "EMS", "evseId": 1}, {}),
    "GetCertificateStatus": ({"ocspRequestData": {
        "hashAlgorithm": "SHA256", "issuerNameHash": "a" * 64, "issuerKeyHash": "b" * 64, "serialNumber": "01",
        "responderURL": "http://ocsp.example"}},
        {"status": "Failed"}),
    "Get15118EVCertificate": ({"iso15118SchemaVersion": "urn:iso:15118:2:2013:MsgDef", "action": "Install",
                               "exiRequest": "AAAA"}, {"status": "Failed", "exiResponse": ""}),
    "SignCertificate": ({"csr": "-----BEGIN CERTIFICATE REQUEST-----"}, {"status": "Rejected"}),
    "DataTransfer": ({"vendorId": "com.unknown", "messageId": "X"}, {"status": "UnknownVendorId"}),
}


@pytest.mark.parametrize("action", sorted(SAMPLE_CALLS))
async def test_a_formerly_unsupported_station_call_is_answered_with_a_result(action: str) -> None:
    payload, expected = SAMPLE_CALLS[action]
    reply = await raw_call(Station(), action, payload)
    assert reply[0] == 3, reply  # CALLRESULT, not CALLERROR NotSupported
    assert {k: reply[2][k] for k in expected} == expected


async def test_notify_event_is_stored_and_published() -> None:
    station = Station()
    payload, _ = SAMPLE_CALLS["NotifyEvent"]
    await station.call("NotifyEvent", payload)
    [entry] = await station.store.list_station_log(SID, sr.EVENT)
    assert (entry["eventId"], entry["actualValue"], entry["seqNo"], entry["techCode"]) == (7, "12000", 0, "OVR")
    assert entry["component"] == COMPONENT and entry["receivedAt"] == at(0)
    assert "station.event" in station.kinds()


async def test_firmware_status_keeps_the_latest_status_and_its_history() -> None:
    station = Station()
    await station.call("FirmwareStatusNotification", {"status": "Downloading", "requestId": 3})
    station.clock.advance(60)
    await station.call("FirmwareStatusNotification", {"status": "Installed", "requestId": 3})
    doc = await station.store.get_station_doc(SID, sr.FIRMWARE, "3")
    assert doc is not None and doc["status"] == "Installed"
    assert [h["status"] for h in doc["history"]] == ["Downloading", "Installed"]


async def test_a_status_without_request_id_is_the_current_one() -> None:
    station = Station()
    await station.call("FirmwareStatusNotification", {"status": "Idle"})
    doc = await station.store.get_station_doc(SID, sr.FIRMWARE, "current")
    assert doc is not None and doc["status"] == "Idle" and doc["requestId"] is None


async def test_monitors_display_messages_and_reservations_are_kept_by_id() -> None:
    station = Station()
    for action in ("NotifyMonitoringReport", "NotifyDisplayMessages", "ReservationStatusUpdate"):
        await station.call(action, SAMPLE_CALLS[action][0])
    monitor = await station.store.get_station_doc(SID, sr.MONITOR, "11")
    assert monitor is not None and monitor["type"] == "UpperThreshold" and monitor["variable"] == VARIABLE
    message = await station.store.get_station_doc(SID, sr.DISPLAY_MESSAGE, "2")
    assert message is not None and message["message"]["content"] == "Welcome"
    reservation = await station.store.get_station_doc(SID, sr.RESERVATION, "12")
    assert reservation is not None and reservation["status"] == "Expired"


@pytest.mark.parametrize(("payload", "status"), [
    ({"vendorId": "com.unknown"}, "UnknownVendorId"),  # P02.FR.06
    ({"vendorId": "org.v2g-csms", "messageId": "Nope"}, "UnknownMessageId"),  # P02.FR.07
    ({"vendorId": "org.v2g-csms"}, "UnknownMessageId"),
    ({"vendorId": "org.v2g-csms", "messageId": "Echo", "data": {"x": 1}}, "Accepted"),
])
async def test_data_transfer_answers_from_the_vendor_registry(payload: dict[str, Any], status: str) -> None:
    station = Station()
    reply = await station.call("DataTransfer", payload)
    assert reply["status"] == status
    if status == "Accepted":
        assert reply["data"] == {"x": 1}
    [entry] = await station.store.list_station_log(SID, sr.DATA_TRANSFER)
    assert entry["status"] == status


async def test_certificate_requests_say_what_is_not_configured() -> None:
    station = Station()
    for action, reason in (("GetCertificateStatus", "NoOCSPResponder"), ("Get15118EVCertificate", "NoContractCA"),
                           ("SignCertificate", "NoSigningCA")):
        reply = await station.call(action, SAMPLE_CALLS[action][0])
        assert reply["statusInfo"]["reasonCode"] == reason
        assert "configured" in reply["statusInfo"]["additionalInfo"]


async def test_pending_station_gets_security_error_even_for_an_action_without_handler() -> None:
    station = Station()
    station.deps.registration[STATION] = BootPolicy.PENDING
    reply = await raw_call(station, "Reset", {"type": "Immediate"})  # a CSMS-to-station message
    assert reply[:3] == [4, "r1", "SecurityError"]
    reply = await raw_call(station, "NotifyEvent", SAMPLE_CALLS["NotifyEvent"][0])
    assert reply[:3] == [4, "r1", "SecurityError"]


async def test_accepted_station_gets_not_supported_for_a_csms_to_station_message() -> None:
    reply = await raw_call(Station(), "Reset", {"type": "Immediate"})
    assert reply[:3] == [4, "r1", "NotSupported"]


@pytest.mark.parametrize(("action", "payload", "expected"), [
    ("NotifyDERAlarm", {"controlType": "FreqDroop", "timestamp": at(0)}, {}),
    ("OpenPeriodicEventStream", {"constantStreamData": {"id": 1, "variableMonitoringId": 2, "params": {}}},
     {"status": "Rejected"}),
    ("VatNumberValidation", {"vatNumber": "NL1"}, {"vatNumber": "NL1", "status": "Rejected"}),
    ("NotifySettlement", {"pspRef": "p1", "status": "Settled", "settlementAmount": 1.5,
                          "settlementTime": at(0)}, {}),
])
async def test_ocpp21_station_messages_are_recorded_and_answered(action: str, payload: dict[str, Any],
                                                                 expected: dict[str, Any]) -> None:
    station = Station(version=OcppVersion.V21)
    reply = await station.call(action, payload)
    assert {k: reply[k] for k in expected} == expected
    [entry] = await station.store.list_station_log(SID, sr.NOTIFICATION)
    assert entry["action"] == action and entry["payload"] == payload


@pytest.mark.parametrize("policy", [BootPolicy.PENDING, BootPolicy.REJECT])
async def test_a_boot_not_accepted_gets_the_retry_interval_and_no_base_report(policy: BootPolicy) -> None:
    station = Station(default_boot_policy=policy, boot_retry_interval_s=30)
    reply = await station.call("BootNotification", {"reason": "PowerUp", "chargingStation": {
        "model": "M", "vendorName": "V"}})
    assert (reply["status"], reply["interval"]) == (policy.value, 30)
    reply_frame = await raw_call(station, "Heartbeat", {})
    assert reply_frame[2] == "SecurityError"
    assert station.sent == []  # no GetBaseReport, no local list reconciliation


async def test_an_events_actual_value_keeps_the_stored_device_model_current() -> None:
    station = Station()
    await station.store.put_variables(SID, [
        VariableRecord("EVSE", "Power", "7000", evse_id=1, mutability="ReadOnly"),
        VariableRecord("EVSE", "Power", "22000", evse_id=1, attribute_type="MaxSet")])
    payload, _ = SAMPLE_CALLS["NotifyEvent"]  # EVSE 1 Power, actualValue 12000
    await station.call("NotifyEvent", payload)
    values = {v.attribute_type: (v.value, v.mutability) for v in await station.store.list_variables(SID)}
    assert values == {"Actual": ("12000", "ReadOnly"), "MaxSet": ("22000", "")}
    unknown = {**payload, "eventData": [{**payload["eventData"][0], "variable": {"name": "Unknown"}}]}
    await station.call("NotifyEvent", unknown)
    assert len(await station.store.list_variables(SID)) == 2  # not a variable it reported: not added
