"""OCPP 1.6 Core profile, station side: boot (and the configuration read after it), the boot gate, connector
status per connector (0 = the station), idTags, firmware and diagnostics status; 1.6 schema validation."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import orjson

from csms.domain.ids import IdTokenValue, TransactionId
from csms.domain.records import BootPolicy, StationRecord, TokenRecord, TokenStatus
from csms.handlers.v16.core import configuration_variables
from csms.ocpp.schemas import schema_actions, send_actions, validate_payload, warm_up
from csms.ocpp.versions import OcppVersion
from csms.services import station_records as sr
from csms.services.capabilities import capabilities_from_variables
from tests.unit.handlers.v16.harness16 import STATION, T0, Station16, at

BOOT = {"chargePointVendor": "ACME", "chargePointModel": "Wallbox-16", "chargePointSerialNumber": "SN-1",
        "firmwareVersion": "1.2.3"}


def test_the_16_schemas_are_loaded_from_the_ocpp_package() -> None:
    actions = schema_actions(OcppVersion.V16)
    assert {"BootNotification", "StartTransaction", "StopTransaction", "RemoteStartTransaction",
            "SetChargingProfile", "GetCompositeSchedule", "SendLocalList", "ReserveNow"} <= actions
    assert "TransactionEvent" not in actions and send_actions(OcppVersion.V16) == frozenset()
    assert warm_up(OcppVersion.V16) == 2 * len(actions)
    validate_payload(OcppVersion.V16, "StartTransaction", {"connectorId": 1, "idTag": "T", "meterStart": 0,
                                                           "timestamp": at(0)}, is_request=True)


async def test_boot_records_the_station_and_reads_its_configuration() -> None:
    station = Station16(booted=False)
    answer = await station.call("BootNotification", BOOT)
    assert answer["status"] == "Accepted" and answer["interval"] == 300
    record = await station.store.get_station(STATION)
    assert record is not None and (record.vendor, record.model, record.serial_number) == ("ACME", "Wallbox-16", "SN-1")
    assert record.ocpp_version == "ocpp1.6" and record.firmware_version == "1.2.3"
    assert "station.booted" in station.kinds()
    await _drain()
    [call] = station.sent
    assert call[0] == 2 and call[2:] == ["GetConfiguration", {}]


async def _drain() -> None:
    for _ in range(3):
        await asyncio.sleep(0)


def test_the_rate_unit_key_becomes_the_smart_charging_rate_unit() -> None:
    variables = configuration_variables([
        {"key": "ChargingScheduleAllowedChargingRateUnit", "readonly": True, "value": "Current"},
        {"key": "HeartbeatInterval", "readonly": False, "value": "300"}])
    by_name = {(v.component, v.variable): v for v in variables}
    assert by_name[("SmartChargingCtrlr", "RateUnit")].value == "A"
    assert by_name[("OCPP16", "HeartbeatInterval")].mutability == "ReadWrite"
    both = configuration_variables([{"key": "ChargingScheduleAllowedChargingRateUnit", "readonly": True,
                                     "value": "Current,Power"}])
    assert [v.value for v in both if v.variable == "RateUnit"] == ["A,W"]


async def test_a_rejected_station_gets_the_retry_interval_and_no_configuration_read() -> None:
    station = Station16(booted=False)
    await station.store.put_station(StationRecord(station_id=STATION, boot_policy=BootPolicy.REJECT))
    answer = await station.call("BootNotification", BOOT)
    assert (answer["status"], answer["interval"]) == ("Rejected", 60)
    await _drain()
    assert station.sent == []


async def test_calls_before_an_accepted_boot_get_security_error() -> None:
    station = Station16(booted=False)
    assert await station.error_code("StartTransaction", {"connectorId": 1, "idTag": "T", "meterStart": 0,
                                                         "timestamp": at(0)}) == "SecurityError"


async def test_invalid_payloads_get_the_error_the_spec_names() -> None:
    station = Station16()
    assert await station.error_code("BootNotification", {"chargePointVendor": "ACME"}) == \
        "OccurrenceConstraintViolation"
    assert await station.error_code("StatusNotification", {"connectorId": "1", "errorCode": "NoError",
                                                           "status": "Available"}) == "TypeConstraintViolation"
    assert await station.error_code("Heartbeat", {"extra": 1}) == "FormatViolation"
    assert await station.error_code("TransactionEvent", {}) == "NotImplemented"


async def test_status_per_connector_and_connector_zero_is_the_station() -> None:
    station = Station16()
    await station.call("StatusNotification", {"connectorId": 0, "errorCode": "NoError", "status": "Available",
                                              "timestamp": at(0)})
    await station.call("StatusNotification", {"connectorId": 2, "errorCode": "NoError", "status": "Charging"})
    statuses = {(s.evse_id, s.connector_id): s.status
                for s in await station.store.list_connector_statuses(STATION)}
    assert statuses == {(0, 0): "Available", (2, 1): "Occupied"}
    last = station.events[-1]
    assert last.data["ocpp16_status"] == "Charging" and last.data["error_code"] == "NoError"
    assert last.at == T0  # no timestamp: the CSMS clock


async def test_id_tags_answer_from_the_token_store() -> None:
    station = Station16()
    await station.store.put_token(TokenRecord(IdTokenValue("GOOD"), token_type="ISO14443",
                                              status=TokenStatus.ACCEPTED, group_id="FLEET"))
    await station.store.put_token(TokenRecord(IdTokenValue("OLD"), token_type="ISO14443",
                                              status=TokenStatus.ACCEPTED, expires_at=T0 - timedelta(days=1)))
    await station.store.put_token(TokenRecord(IdTokenValue("BAD"), token_type="ISO14443", status=TokenStatus.BLOCKED))
    good = (await station.call("Authorize", {"idTag": "GOOD"}))["idTagInfo"]
    assert good == {"status": "Accepted", "parentIdTag": "FLEET"}
    assert (await station.call("Authorize", {"idTag": "OLD"}))["idTagInfo"]["status"] == "Expired"
    assert (await station.call("Authorize", {"idTag": "BAD"}))["idTagInfo"]["status"] == "Blocked"
    assert (await station.call("Authorize", {"idTag": "NOBODY"}))["idTagInfo"]["status"] == "Invalid"
    lenient = Station16(accept_unknown_tokens=True)
    assert (await lenient.call("Authorize", {"idTag": "NOBODY"}))["idTagInfo"]["status"] == "Accepted"


async def test_firmware_and_diagnostics_status_are_kept() -> None:
    station = Station16()
    await station.call("FirmwareStatusNotification", {"status": "Downloading"})
    await station.call("DiagnosticsStatusNotification", {"status": "Uploaded"})
    firmware = await station.store.get_station_doc(STATION, sr.FIRMWARE, "current")
    upload = await station.store.get_station_doc(STATION, sr.LOG_UPLOAD, "current")
    assert firmware is not None and firmware["status"] == "Downloading"
    assert upload is not None and upload["status"] == "Uploaded"


async def test_data_transfer_is_answered_without_a_callerror() -> None:
    station = Station16()
    answer = await station.call("DataTransfer", {"vendorId": "com.example", "messageId": "Hello", "data": "x"})
    assert answer["status"] == "UnknownVendorId"


async def test_a_central_id_tag_of_a_remote_start_is_accepted_at_that_station_only() -> None:
    station = Station16()
    await station.store.put_station_doc(STATION, sr.REMOTE_START, "7", {
        "remoteStartId": 7, "idToken": {"idToken": "OPERATOR-1", "type": "Central"}, "status": "Accepted"})
    assert (await station.call("Authorize", {"idTag": "OPERATOR-1"}))["idTagInfo"]["status"] == "Accepted"
    started = await station.call("StartTransaction", {"connectorId": 1, "idTag": "OPERATOR-1", "meterStart": 0,
                                                      "timestamp": at(0)})
    assert started["idTagInfo"]["status"] == "Accepted"
    tx = await station.store.get_transaction(STATION, TransactionId(str(started["transactionId"])))
    assert tx is not None and tx.remote_start_id == 7 and tx.id_token_type == "Central"
    await station.store.put_station_doc(STATION, sr.REMOTE_START, "7", {
        "remoteStartId": 7, "idToken": {"idToken": "OPERATOR-1", "type": "Central"}, "status": "Rejected"})
    assert (await station.call("Authorize", {"idTag": "OPERATOR-1"}))["idTagInfo"]["status"] == "Invalid"


async def test_heartbeat_answers_the_time_and_marks_the_station_seen() -> None:
    station = Station16()
    await station.store.put_station(StationRecord(station_id=STATION))
    station.clock.advance(300)
    answer = await station.call("Heartbeat", {})
    assert answer == {"currentTime": at(5)}
    record = await station.store.get_station(STATION)
    assert record is not None and record.last_seen_at == T0 + timedelta(minutes=5)


async def test_after_a_boot_the_local_list_is_brought_to_the_csms_version_in_16_form() -> None:
    station = Station16(booted=False, fetch_device_model_on_boot=False)
    await station.store.put_station_doc(STATION, sr.LOCAL_LIST, "csms", {
        "versionNumber": 4, "entries": {"A": {"idToken": {"idToken": "A", "type": "ISO14443"},
                                              "idTokenInfo": {"status": "Accepted"}}}})
    await station.call("BootNotification", BOOT)
    await _drain()
    [version_call] = station.sent
    assert version_call[2:] == ["GetLocalListVersion", {}]
    station.sent.clear()
    await station.session.feed(orjson.dumps([3, version_call[1], {"listVersion": 2}]).decode())
    await _drain()
    [send_call] = station.sent
    assert send_call[2] == "SendLocalList"
    assert send_call[3] == {"listVersion": 4, "updateType": "Full",
                            "localAuthorizationList": [{"idTag": "A", "idTagInfo": {"status": "Accepted"}}]}


async def test_a_model_the_operator_declared_bidirectional_can_discharge_and_others_cannot() -> None:
    declared = Station16(booted=False, fetch_device_model_on_boot=False,
                         v16_bidirectional_models=frozenset({"ACME/Wallbox-16"}))
    await declared.call("BootNotification", BOOT)
    caps = capabilities_from_variables("ocpp1.6", await declared.store.list_variables(STATION), 1)
    assert caps.discharge_supported and caps.ocpp_version == "ocpp1.6"
    declared.deps.v16_bidirectional_models = frozenset()  # taken off the list: the next boot says so
    await declared.call("BootNotification", BOOT)
    caps = capabilities_from_variables("ocpp1.6", await declared.store.list_variables(STATION), 1)
    assert not caps.discharge_supported
    other = Station16(booted=False, fetch_device_model_on_boot=False,
                      v16_bidirectional_models=frozenset({"ACME/Other"}))
    await other.call("BootNotification", BOOT)
    assert not capabilities_from_variables("ocpp1.6", await other.store.list_variables(STATION),
                                           1).discharge_supported
