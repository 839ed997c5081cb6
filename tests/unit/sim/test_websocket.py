"""One station of a Fleet over a real websocket on 127.0.0.1 against a tiny in-test CSMS peer, under a
ScaledClock: boot, a transaction with metering, a CSMS restart mid-transaction with the events generated
offline delivered after reconnect (offline=true), and the register arithmetic matching the ground truth."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.http11 import Request, Response
from websockets.typing import Subprotocol

from chargepoint_sim.config import EvConfig, EvseConfig, FleetConfig, LinkConfig, StationConfig
from chargepoint_sim.fleet import Fleet
from chargepoint_sim.link import basic_auth_header
from csms.domain.clock import ScaledClock
from csms.ocpp.session import RpcSession
from csms.ocpp.versions import OcppVersion

from .peer import CsmsPeer

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
PASSWORD = "demo-password-0123456789"
STATION = "SIM-0001"


async def start_csms(peer: CsmsPeer, port: int = 0) -> Server:
    async def handler(ws: ServerConnection) -> None:
        session = RpcSession(station_id=STATION, version=OcppVersion.V201, send=ws.send, handlers=peer.handlers())
        try:
            async for raw in ws:
                await session.feed(raw)
        except Exception:
            pass
        finally:
            session.close()

    def authenticate(ws: ServerConnection, request: Request) -> Response | None:
        if request.path != f"/ocpp/{STATION}" or request.headers.get("Authorization") != basic_auth_header(
                STATION, PASSWORD):
            return ws.respond(401, "unauthorized\n")
        return None

    return await serve(handler, "127.0.0.1", port, subprotocols=[Subprotocol("ocpp2.0.1")],
                       process_request=authenticate)


def register(event: dict[str, Any], measurand: str = "Energy.Active.Import.Register") -> float:
    values = event["meterValue"][0]["sampledValue"]
    return float(next(v["value"] for v in values if v["measurand"] == measurand))


async def test_fleet_station_charges_and_delivers_offline_events_after_a_csms_restart() -> None:
    peer1, peer2 = CsmsPeer(), CsmsPeer()
    server = await start_csms(peer1)
    port = server.sockets[0].getsockname()[1]
    config = FleetConfig(
        csms_url=f"ws://127.0.0.1:{port}/ocpp", stations=1, password=PASSWORD,
        station=StationConfig(evses=1, evse=EvseConfig(max_power_w=11_000), tx_updated_interval_s=60,
                              initial_register_wh=(5_000.0, 5_000.0)),
        ev=EvConfig(capacity_wh=(80_000, 80_000), arrival_soc=(0.3, 0.3), max_charge_power_w=(11_000, 11_000),
                    first_arrival_s=(30, 30), dwell_s=(900, 900), visits_per_evse=1, allow_discharge_probability=0),
        link=LinkConfig(reconnect_min_s=0.05, reconnect_max_s=0.2, reconnect_jitter_s=0.02),
    )
    clock = ScaledClock(T0, speed=600.0)
    fleet = Fleet(config, clock)
    station = fleet.stations[STATION]
    await fleet.start()
    try:
        await peer1.wait_for(lambda: any(e["triggerReason"] == "MeterValuePeriodic"
                                         for e in peer1.of("TransactionEvent")), timeout_s=3.0)
        assert peer1.of("BootNotification")[0]["reason"] == "PowerUp"
        assert [s["connectorStatus"] for s in peer1.of("StatusNotification")][:2] == ["Available", "Occupied"]
        assert peer1.of("Authorize")[0]["idToken"]["idToken"] == "SIM-0001-1-0"

        server.close()  # CSMS goes away mid-transaction
        await server.wait_closed()
        await asyncio.sleep(0.4)  # ~4 simulated minutes offline: periodic meter values queue up
        assert not station.online
        assert any(m.payload.get("offline") for m in station.outbox)

        server = await start_csms(peer2, port)
        await peer2.wait_for(lambda: any(e["eventType"] == "Ended" for e in peer2.of("TransactionEvent")),
                             timeout_s=3.0)
    finally:
        await fleet.stop()
        server.close()
        await server.wait_closed()

    assert fleet.links[STATION].connects == 2
    assert peer2.of("BootNotification")[0]["reason"] == "Unknown"
    assert peer2.received[1][0] == "StatusNotification"
    events = peer1.of("TransactionEvent") + peer2.of("TransactionEvent")
    by_seq = {e["seqNo"]: e for e in events}  # a call cut off by the restart may be delivered twice
    assert sorted(by_seq) == list(range(len(by_seq)))
    delivered_offline = [e for e in peer2.of("TransactionEvent") if e.get("offline")]
    assert len(delivered_offline) >= 3
    seqs2 = [e["seqNo"] for e in peer2.of("TransactionEvent")]
    assert seqs2 == sorted(seqs2)  # queued events arrive in order

    [(_, tx)] = list(fleet.transactions())
    started, ended = by_seq[0], by_seq[max(by_seq)]
    assert (started["eventType"], ended["eventType"]) == ("Started", "Ended")
    assert ended["transactionInfo"]["stoppedReason"] == "EVDisconnected"
    assert register(started) == 5_000.0
    assert register(ended) - register(started) == pytest.approx(tx.import_wh, abs=1e-3)
    assert register(ended, "Energy.Active.Export.Register") - register(
        started, "Energy.Active.Export.Register") == tx.export_wh == 0.0
    assert tx.ended_at is not None
    assert tx.import_wh == pytest.approx(11_000 * (tx.ended_at - tx.started_at).total_seconds() / 3600)
    assert tx.soc == pytest.approx(0.3 + tx.battery_energy_wh / 80_000)


async def test_wrong_password_is_refused_and_the_station_keeps_retrying() -> None:
    peer = CsmsPeer()
    server = await start_csms(peer)
    port = server.sockets[0].getsockname()[1]
    config = FleetConfig(csms_url=f"ws://127.0.0.1:{port}/ocpp", stations=1, password="wrong-password-0123456",
                         ev=EvConfig(visits_per_evse=0),
                         link=LinkConfig(reconnect_min_s=0.02, reconnect_max_s=0.05, reconnect_jitter_s=0.0))
    fleet = Fleet(config, ScaledClock(T0, speed=1.0))
    await fleet.start()
    try:
        await asyncio.sleep(0.3)
    finally:
        await fleet.stop()
        server.close()
        await server.wait_closed()
    assert fleet.links[STATION].connects == 0
    assert peer.received == []
    assert not fleet.stations[STATION].connected
