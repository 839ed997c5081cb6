"""CSMS-initiated calls answered by a station over an in-memory session pair (no sockets), and the
connection driver (`StationLink.serve_session`) running boot, status and a transaction in memory."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chargepoint_sim.ev import Ev
from chargepoint_sim.evse import EvseSpec
from chargepoint_sim.handlers import make_handlers
from chargepoint_sim.link import LinkOptions, StationLink
from chargepoint_sim.station import SimStation, StationSpec
from csms.domain.clock import ManualClock, ScaledClock, parse_ocpp_time
from csms.ocpp.versions import OCPP_2X, OcppVersion

from .peer import CsmsPeer, SessionPair, warm_up

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
PASSWORD = "0123456789abcdef0123"


def make_station(clock: Any, version: OcppVersion = OcppVersion.V201) -> SimStation:
    spec = StationSpec(station_id="SIM-0001", password=PASSWORD, versions=(version,),
                       evses=(EvseSpec(1, 11_000.0, 11_000.0), EvseSpec(2, 7_400.0, 0.0, phases=1)))
    return SimStation(spec, clock)


def var(component: str, variable: str, evse_id: int | None = None, **extra: Any) -> dict[str, Any]:
    comp: dict[str, Any] = {"name": component}
    if evse_id is not None:
        comp["evse"] = {"id": evse_id}
    return {"component": comp, "variable": {"name": variable}, **extra}


@pytest.fixture(params=list(OCPP_2X), ids=lambda v: str(v.value))
async def pair(request: pytest.FixtureRequest) -> Any:
    station = make_station(ManualClock(T0), request.param)
    peer = CsmsPeer()
    sessions = SessionPair(make_handlers(station), peer.handlers(), version=request.param)
    yield station, peer, sessions
    await sessions.close()


async def test_get_variables_answers_from_the_device_model_and_hides_the_password(pair: Any) -> None:
    _station, _, sessions = pair
    response = await sessions.csms.call("GetVariables", {"getVariableData": [
        var("OCPPCommCtrlr", "HeartbeatInterval"),
        var("SecurityCtrlr", "BasicAuthPassword"),
        var("EVSE", "Power", 1, attributeType="MaxSet"),
        var("EVSE", "DischargePower", 2, attributeType="MaxSet"),
        var("V2XChargingCtrlr", "SupportedEnergyTransferModes", 1),
        var("V2XChargingCtrlr", "Enabled", 2),
        var("OCPPCommCtrlr", "NoSuchVariable"),
        var("NoSuchCtrlr", "Enabled"),
        var("OCPPCommCtrlr", "HeartbeatInterval", attributeType="Target"),
    ]})
    results = [(r["attributeStatus"], r.get("attributeValue")) for r in response["getVariableResult"]]
    assert results == [
        ("Accepted", "300"),
        ("Rejected", None),
        ("Accepted", "11000"),
        ("Accepted", "0"),
        ("Accepted", "AC_three_phase,AC_BPT"),
        ("Accepted", "false"),
        ("UnknownVariable", None),
        ("UnknownComponent", None),
        ("NotSupportedAttributeType", None),
    ]


async def test_set_variables_validates_and_changes_station_behaviour(pair: Any) -> None:
    station, _, sessions = pair
    response = await sessions.csms.call("SetVariables", {"setVariableData": [
        var("OCPPCommCtrlr", "HeartbeatInterval", attributeValue="45"),
        var("SampledDataCtrlr", "TxUpdatedInterval", attributeValue="abc"),
        var("SampledDataCtrlr", "TxUpdatedMeasurands", attributeValue="Energy.Active.Import.Register,Bogus"),
        var("SampledDataCtrlr", "TxUpdatedMeasurands", attributeValue="Energy.Active.Import.Register,SoC"),
        var("SecurityCtrlr", "BasicAuthPassword", attributeValue="short"),
        var("SecurityCtrlr", "BasicAuthPassword", attributeValue="a-new-password-of-24chars"),
        var("ChargingStation", "Model", attributeValue="other"),
        var("EVSE", "Power", 1, attributeValue="1"),
    ]})
    statuses = [r["attributeStatus"] for r in response["setVariableResult"]]
    assert statuses == ["Accepted", "Rejected", "Rejected", "Accepted", "Rejected", "Accepted", "Rejected",
                        "Rejected"]
    assert station.heartbeat_interval_s == 45
    assert station.password == "a-new-password-of-24chars"
    assert station.device_model.list_value(
        station.device_model.schema.defs[next(k for k in station.device_model.schema.defs
                                              if k.variable == "TxUpdatedMeasurands")].key
    ) == ("Energy.Active.Import.Register", "SoC")


async def test_get_base_report_is_followed_by_notify_report_parts(pair: Any) -> None:
    _, peer, sessions = pair
    assert await sessions.csms.call("GetBaseReport", {"requestId": 7, "reportBase": "FullInventory"}) == {
        "status": "Accepted"}
    await peer.wait_for(lambda: bool(peer.of("NotifyReport")) and not peer.of("NotifyReport")[-1]["tbc"])
    parts = peer.of("NotifyReport")
    assert [p["seqNo"] for p in parts] == list(range(len(parts)))
    assert len(parts) > 1 and all(p["tbc"] for p in parts[:-1])
    entries = [e for p in parts for e in p["reportData"]]
    by_name = {(e["component"]["name"], e["component"].get("evse", {}).get("id"), e["variable"]["name"]): e
               for e in entries}
    password = by_name[("SecurityCtrlr", None, "BasicAuthPassword")]["variableAttribute"][0]
    assert password["mutability"] == "WriteOnly" and "value" not in password
    assert by_name[("V2XChargingCtrlr", 1, "Enabled")]["variableAttribute"][0]["value"] == "true"
    discharge = by_name[("EVSE", 1, "DischargePower")]
    assert discharge["variableCharacteristics"]["maxLimit"] == 11_000.0
    assert {a["type"] for a in discharge["variableAttribute"]} == {"Actual", "MaxSet"}

    config = await sessions.csms.call("GetBaseReport", {"requestId": 8, "reportBase": "ConfigurationInventory"})
    assert config == {"status": "Accepted"}
    await peer.wait_for(lambda: any(p["requestId"] == 8 and not p["tbc"] for p in peer.of("NotifyReport")))
    writable = [e for p in peer.of("NotifyReport") if p["requestId"] == 8 for e in p["reportData"]]
    assert all(e["variableAttribute"][0]["mutability"] != "ReadOnly" for e in writable)


async def test_remote_start_stop_availability_reset_unlock_and_trigger_answers(pair: Any) -> None:
    station, _, sessions = pair
    call = sessions.csms.call
    token = {"idToken": "APP-1", "type": "Central"}
    assert await call("RequestStartTransaction", {"idToken": token, "remoteStartId": 1}) == {"status": "Rejected"}
    station.schedule_ev(1, Ev(capacity_wh=50_000, soc=0.3, max_charge_power_w=11_000))
    started = await call("RequestStartTransaction", {"idToken": token, "remoteStartId": 2, "evseId": 1})
    assert started["status"] == "Accepted"
    assert started["transactionId"] in station.transactions
    assert await call("UnlockConnector", {"evseId": 1, "connectorId": 1}) == {
        "status": "OngoingAuthorizedTransaction"}
    assert await call("RequestStopTransaction", {"transactionId": started["transactionId"]}) == {
        "status": "Accepted"}
    assert await call("RequestStopTransaction", {"transactionId": "gone"}) == {"status": "Rejected"}
    assert await call("ChangeAvailability", {"operationalStatus": "Inoperative", "evse": {"id": 2}}) == {
        "status": "Accepted"}
    assert station.evses[2].connector_status == "Unavailable"
    assert await call("TriggerMessage", {"requestedMessage": "StatusNotification", "evse": {"id": 2}}) == {
        "status": "Accepted"}
    assert await call("TriggerMessage", {"requestedMessage": "SignV2GCertificate"}) == {"status": "NotImplemented"}
    assert await call("Reset", {"type": "Immediate"}) == {"status": "Accepted"}
    assert station.reset_due


async def test_unknown_action_gets_a_call_error_and_the_session_keeps_working(pair: Any) -> None:
    _, _, sessions = pair
    from csms.errors import CallError

    with pytest.raises(CallError) as info:
        await sessions.csms.call("ClearCache", {})
    assert info.value.code in ("NotSupported", "NotImplemented")
    assert (await sessions.csms.call("UnlockConnector", {"evseId": 1, "connectorId": 1}))["status"] == "Unlocked"


@pytest.mark.parametrize("version", list(OCPP_2X))
async def test_driver_boots_reports_status_authorizes_and_runs_a_transaction_in_memory(version: OcppVersion) -> None:
    warm_up(version)
    clock = ScaledClock(T0, speed=600.0)  # 10 simulated minutes per real second
    station = make_station(clock, version)
    peer = CsmsPeer(boot_status="Pending", interval_s=1)
    sessions = SessionPair(make_handlers(station), peer.handlers(), version=version)
    link = StationLink(station, "ws://unused", LinkOptions(boot_retry_s=1.0, max_idle_wait_s=0.2))
    arrival_at = clock.now() + timedelta(seconds=30)
    station.schedule_ev(1, Ev(capacity_wh=50_000, soc=0.3, max_charge_power_w=11_000, id_token="RFID-1",
                              arrival_at=arrival_at, departure_at=arrival_at + timedelta(seconds=300)))
    driver = asyncio.create_task(link.serve_session(sessions.station, sessions.is_lost))
    try:
        await peer.wait_for(lambda: len(peer.of("BootNotification")) >= 2)
        peer.boot_status = "Accepted"
        await peer.wait_for(lambda: any(p["eventType"] == "Ended" for p in peer.of("TransactionEvent")),
                            timeout_s=3.0)
    finally:
        await sessions.close()
        await asyncio.wait_for(driver, 2.0)
    assert peer.received[0][1]["reason"] == "PowerUp"
    actions = [a for a, _ in peer.received]
    first_status = actions.index("StatusNotification")
    assert actions[first_status:first_status + 2] == ["StatusNotification"] * 2
    assert actions.index("Authorize") < actions.index("TransactionEvent")
    events = peer.of("TransactionEvent")
    assert [e["seqNo"] for e in events] == list(range(len(events)))
    assert events[0]["eventType"] == "Started" and events[-1]["eventType"] == "Ended"
    periodic = [parse_ocpp_time(e["timestamp"]) for e in events if e["triggerReason"] == "MeterValuePeriodic"]
    assert len(periodic) >= 2
    assert all((b - a).total_seconds() == 60 for a, b in itertools.pairwise(periodic))
    [tx] = station.transactions.values()
    registers = [float(v["value"]) for e in (events[0], events[-1]) for v in e["meterValue"][0]["sampledValue"]
                 if v["measurand"] == "Energy.Active.Import.Register"]
    assert registers[1] - registers[0] == pytest.approx(tx.import_wh, abs=1e-3)
    assert tx.ended_at is not None
    assert tx.import_wh == pytest.approx(11_000 * (tx.ended_at - tx.started_at).total_seconds() / 3600, rel=1e-9)
    assert not station.online


async def test_reset_immediate_ends_the_transaction_before_the_driver_hands_over_for_reboot() -> None:
    clock = ScaledClock(T0, speed=600.0)
    station = make_station(clock)
    peer = CsmsPeer()
    sessions = SessionPair(make_handlers(station), peer.handlers())
    link = StationLink(station, "ws://unused", LinkOptions(max_idle_wait_s=0.2))
    station.schedule_ev(1, Ev(capacity_wh=50_000, soc=0.3, max_charge_power_w=11_000, id_token="RFID-1"))
    driver = asyncio.create_task(link.serve_session(sessions.station, sessions.is_lost))
    try:
        await peer.wait_for(lambda: bool(peer.of("TransactionEvent")))
        assert await sessions.csms.call("Reset", {"type": "Immediate"}) == {"status": "Accepted"}
        assert await asyncio.wait_for(driver, 2.0) is True  # caller closes the connection and reboots
    finally:
        await sessions.close()
    ended = peer.of("TransactionEvent")[-1]
    assert (ended["eventType"], ended["transactionInfo"]["stoppedReason"]) == ("Ended", "ImmediateReset")
    assert station.boot_reason == "RemoteReset"
    assert station.pending_authorizations() == [(1, "RFID-1")]
