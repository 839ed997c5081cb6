"""OCPP 2.0.1 conformance defects (issue 15), each through a real websocket station against a running CSMS and
read back through the operator API: messages that were answered NotSupported, token lookups, the boot gate,
TransactionEvent energy accounting, E14, and command answers kept (device model, remote start idToken)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
import pytest
from websockets.asyncio.client import ClientConnection

from csms.domain.clock import to_ocpp_time
from csms.domain.ids import IdTokenValue
from csms.domain.records import TokenRecord, TokenStatus
from tests.helpers.csms_app import API_TOKEN, BOOT, csms_test_settings, next_frame, running_csms, station_connect

T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
Answer = dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]]


def at(minutes: float) -> str:
    return to_ocpp_time(T0 + timedelta(minutes=minutes))


class WsStation:
    """A raw websocket station: sends CALLs, answers the CSMS's CALLs from `answers` (default Accepted) and
    keeps them in `received`."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.answers: dict[str, Answer] = {"GetBaseReport": {"status": "Accepted"}}
        self.received: list[tuple[str, dict[str, Any]]] = []
        self._ids = 0

    async def _answer(self, frame: list[Any]) -> None:
        action, payload = frame[2], frame[3]
        self.received.append((action, payload))
        answer = self.answers.get(action, {"status": "Accepted"})
        result = answer(payload) if callable(answer) else answer
        await self.ws.send(orjson.dumps([3, frame[1], result]).decode())

    async def call(self, action: str, payload: dict[str, Any]) -> list[Any]:
        """Send a CALL; return the CSMS's reply frame (answering its CALLs meanwhile)."""
        self._ids += 1
        message_id = f"m{self._ids}"
        await self.ws.send(orjson.dumps([2, message_id, action, payload]).decode())
        while True:
            frame = await next_frame(self.ws)
            if frame[0] == 2:
                await self._answer(frame)
            elif frame[1] == message_id:
                return frame

    async def result(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        frame = await self.call(action, payload)
        assert frame[0] == 3, frame
        result: dict[str, Any] = frame[2]
        return result

    async def serve_until(self, action: str) -> dict[str, Any]:
        """Answer the CSMS's CALLs until one of `action` has been answered; return its payload."""
        while True:
            frame = await next_frame(self.ws)
            if frame[0] == 2:
                await self._answer(frame)
                if frame[2] == action:
                    payload: dict[str, Any] = frame[3]
                    return payload


def api(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=f"http://127.0.0.1:{app.api_port}",
                             headers={"Authorization": f"Bearer {API_TOKEN}"}, timeout=10)


def registers(minutes: float, import_wh: float) -> dict[str, Any]:
    return {"timestamp": at(minutes), "sampledValue": [
        {"value": import_wh, "measurand": "Energy.Active.Import.Register", "unitOfMeasure": {"unit": "Wh"}}]}


def tx_event(event_type: str, seq_no: int, minutes: float, import_wh: float, tx_id: str = "TX1",
             trigger: str = "MeterValuePeriodic", **extra: Any) -> dict[str, Any]:
    info = {"transactionId": tx_id, **extra.pop("info", {})}
    return {"eventType": event_type, "timestamp": at(minutes), "triggerReason": trigger, "seqNo": seq_no,
            "transactionInfo": info, "evse": {"id": 1, "connectorId": 1},
            "meterValue": [registers(minutes, import_wh)], **extra}


async def energy(http: httpx.AsyncClient, station_id: str, tx_id: str = "TX1") -> dict[str, Any]:
    reply = await http.get(f"/api/v1/transactions/{station_id}/{tx_id}")
    assert reply.status_code == 200, reply.text
    body: dict[str, Any] = reply.json()
    return body


async def booted_station(app: Any, station_id: str) -> tuple[Any, WsStation]:
    context = station_connect(app, station_id)
    ws = await context.__aenter__()
    station = WsStation(ws)
    assert (await station.result("BootNotification", BOOT))["status"] == "Accepted"
    return context, station


STATION_MESSAGES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("NotifyEvent", {"generatedAt": at(0), "seqNo": 0, "eventData": [{
        "eventId": 1, "timestamp": at(0), "trigger": "Delta", "actualValue": "Faulted",
        "component": {"name": "EVSE", "evse": {"id": 1}}, "variable": {"name": "AvailabilityState"},
        "eventNotificationType": "PreconfiguredMonitor"}]},
     {}),
    ("FirmwareStatusNotification", {"status": "Installed", "requestId": 1}, {}),
    ("PublishFirmwareStatusNotification", {"status": "Idle"}, {}),
    ("LogStatusNotification", {"status": "Uploaded", "requestId": 2}, {}),
    ("NotifyMonitoringReport", {"requestId": 3, "seqNo": 0, "generatedAt": at(0)}, {}),
    ("NotifyCustomerInformation", {"data": "none", "seqNo": 0, "generatedAt": at(0), "requestId": 4}, {}),
    ("NotifyDisplayMessages", {"requestId": 5}, {}),
    ("ReservationStatusUpdate", {"reservationId": 6, "reservationUpdateStatus": "Removed"}, {}),
    ("ClearedChargingLimit", {"chargingLimitSource": "SO"}, {}),
    ("GetCertificateStatus", {"ocspRequestData": {"hashAlgorithm": "SHA256", "issuerNameHash": "a",
                                                  "issuerKeyHash": "b", "serialNumber": "1",
                                                  "responderURL": "http://ocsp"}}, {"status": "Failed"}),
    ("Get15118EVCertificate", {"iso15118SchemaVersion": "urn:iso:15118:2:2013:MsgDef", "action": "Install",
                               "exiRequest": "AA=="}, {"status": "Failed"}),
    ("DataTransfer", {"vendorId": "com.nobody"}, {"status": "UnknownVendorId"}),
    ("DataTransfer", {"vendorId": "org.v2g-csms", "messageId": "Nope"}, {"status": "UnknownMessageId"}),
]


async def test_every_formerly_unsupported_station_message_is_answered_and_the_event_is_queryable() -> None:
    async with running_csms() as app, api(app) as http:
        context, station = await booted_station(app, "CONF-1")
        try:
            for action, payload, expected in STATION_MESSAGES:
                frame = await station.call(action, payload)
                assert frame[0] == 3, (action, frame)
                assert {k: frame[2][k] for k in expected} == expected, (action, frame)
            events = (await http.get("/api/v1/stations/CONF-1/events")).json()
            assert [(e["eventId"], e["actualValue"]) for e in events] == [(1, "Faulted")]
            firmware = (await http.get("/api/v1/stations/CONF-1/records/firmware")).json()
            assert [(d["requestId"], d["status"]) for d in firmware] == [(1, "Installed")]
        finally:
            await context.__aexit__(None, None, None)


async def test_a_pending_station_gets_security_error_for_an_action_without_handler() -> None:
    async with running_csms(settings=csms_test_settings(default_boot_policy="Pending")) as app:
        async with station_connect(app, "PEND-2") as ws:
            station = WsStation(ws)
            assert (await station.result("BootNotification", BOOT))["status"] == "Pending"
            frame = await station.call("Reset", {"type": "Immediate"})  # a CSMS-to-station action
            assert (frame[0], frame[2]) == (4, "SecurityError")


@pytest.mark.parametrize(("stored_type", "status", "presented_type", "expected"), [
    ("Central", TokenStatus.BLOCKED, "Central", "Blocked"),  # C01.FR.07
    ("ISO14443", TokenStatus.EXPIRED, "Central", "Expired"),
    ("ISO14443", TokenStatus.ACCEPTED, "Local", "Unknown"),  # matched on value AND type
    ("ISO14443", TokenStatus.ACCEPTED, "ISO14443", "Accepted"),
])
async def test_tokens_are_looked_up_by_value_and_type_and_central_ones_too(
        stored_type: str, status: TokenStatus, presented_type: str, expected: str) -> None:
    async with running_csms() as app:
        await app.store.put_token(TokenRecord(IdTokenValue("TOK-1"), token_type=stored_type, status=status))
        async with station_connect(app, "AUTH-1") as ws:
            station = WsStation(ws)
            await station.result("BootNotification", BOOT)
            reply = await station.result("Authorize", {"idToken": {"idToken": "TOK-1", "type": presented_type}})
            assert reply["idTokenInfo"]["status"] == expected


async def test_transaction_energy_survives_a_seq_no_zero_station_a_late_update_and_a_falling_register() -> None:
    async with running_csms() as app, api(app) as http:
        async with station_connect(app, "TX-1") as ws:
            station = WsStation(ws)
            await station.result("BootNotification", BOOT)
            # a station that sends seqNo 0 on every event
            await station.result("TransactionEvent", tx_event("Started", 0, 0, 1000, trigger="CablePluggedIn"))
            await station.result("TransactionEvent", tx_event("Updated", 0, 15, 2500))
            await station.result("TransactionEvent", tx_event("Updated", 0, 15, 2500))  # a true redelivery
            await station.result("TransactionEvent", tx_event("Ended", 0, 30, 4000, info={"stoppedReason": "Local"}))
            # an Updated 2-3 ms after the Ended
            await station.result("TransactionEvent", tx_event("Updated", 1, 30.00005, 5916))
            # another transaction whose register goes down: 1,000 Wh at start, 0 Wh at the end
            await station.result("TransactionEvent", tx_event("Started", 0, 40, 1000, tx_id="TX2"))
            await station.result("TransactionEvent", tx_event("Ended", 1, 50, 0, tx_id="TX2"))
        tx = await energy(http, "TX-1")
        assert tx["energy_import_wh"] == 3000 and not tx["is_open"] and tx["stopped_reason"] == "Local"
        assert (await energy(http, "TX-1", "TX2"))["energy_import_wh"] == 0
        dropped = (await http.get("/api/v1/stations/TX-1/records/dropped_tx_event")).json()
        assert [d["reason"] for d in dropped] == ["duplicate", "after the Ended event"]


async def test_an_offline_ended_event_with_a_gap_asks_get_transaction_status() -> None:
    async with running_csms() as app, api(app) as http:
        async with station_connect(app, "E14-1") as ws:
            station = WsStation(ws)
            station.answers["GetTransactionStatus"] = {"messagesInQueue": False}
            await station.result("BootNotification", BOOT)
            await station.result("TransactionEvent", tx_event("Started", 0, 0, 1000))
            await station.result("TransactionEvent", tx_event("Ended", 3, 60, 5000, offline=True))
            assert await asyncio.wait_for(station.serve_until("GetTransactionStatus"), 5) == {"transactionId": "TX1"}
            for _ in range(100):  # the CSMS logs the answer once it has it
                logged = (await http.get("/api/v1/stations/E14-1/records/dropped_tx_event")).json()
                if logged:
                    break
                await asyncio.sleep(0.01)
        assert logged[0]["missingSeqNos"] == [1, 2] and logged[0]["messagesInQueue"] is False


async def test_set_variables_updates_the_device_model_and_a_remote_start_keeps_its_token() -> None:
    async with running_csms() as app, api(app) as http:
        async with station_connect(app, "CMD-2") as ws:
            station = WsStation(ws)
            await station.result("BootNotification", BOOT)
            report = {"requestId": 1, "seqNo": 0, "generatedAt": at(0), "reportData": [{
                "component": {"name": "OCPPCommCtrlr"}, "variable": {"name": "HeartbeatInterval"},
                "variableAttribute": [{"value": "300", "mutability": "ReadWrite"}]}]}
            await station.result("NotifyReport", report)
            station.answers["SetVariables"] = {"setVariableResult": [{
                "attributeStatus": "Accepted", "component": {"name": "OCPPCommCtrlr"},
                "variable": {"name": "HeartbeatInterval"}}]}
            body = {"variables": [{"component": "OCPPCommCtrlr", "variable": "HeartbeatInterval", "value": "120"}]}
            request = asyncio.create_task(http.post("/api/v1/stations/CMD-2/variables/set", json=body))
            await asyncio.wait_for(station.serve_until("SetVariables"), 5)
            assert (await request).status_code == 200

            request = asyncio.create_task(http.post("/api/v1/stations/CMD-2/transactions/start",
                                                    json={"id_token": "DRIVER-7", "evse_id": 1}))
            start = await asyncio.wait_for(station.serve_until("RequestStartTransaction"), 5)
            assert (await request).status_code == 200
            await station.result("TransactionEvent", tx_event(  # the station omits the idToken
                "Started", 0, 0, 1000, trigger="RemoteStart", info={"remoteStartId": start["remoteStartId"]}))
        variables = (await http.get("/api/v1/stations/CMD-2/variables")).json()
        assert [v["value"] for v in variables if v["variable"] == "HeartbeatInterval"] == ["120"]
        assert (await energy(http, "CMD-2"))["id_token"] == "DRIVER-7"
