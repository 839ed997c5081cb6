"""`csms serve` with an `[echonet]` unit: the composition root drives a simulated V2H unit (real UDP on 127.0.0.1)
beside an OCPP station (real websockets), through one gateway, the API and the fleet controller."""

from __future__ import annotations

import httpx

from chargepoint_sim.echonet.device import SimulatedV2hDevice, V2hModel
from chargepoint_sim.ev import Ev
from csms.domain.ids import StationId
from csms.domain.schedule import constant_schedule
from csms.echonet.v2h import OperationMode
from csms.services.charging import ApplyStatus
from csms.services.gateway_router import GatewayRouter
from csms.settings import EchonetSettings, EchonetUnitSettings, FleetSettings
from tests.helpers.csms_app import API_TOKEN, booted, csms_test_settings, running_csms, station_connect

V2H_TANAKA = StationId("v2h-tanaka")

LOOPBACK = "127.0.0.1"


async def test_serve_drives_a_v2h_unit_beside_an_ocpp_station() -> None:
    device = SimulatedV2hDevice(V2hModel(Ev(capacity_wh=40_000, soc=0.6, max_charge_power_w=6000,
                                            max_discharge_power_w=6000, allow_discharge=True)))
    host, port = await device.start(LOOPBACK, 0)
    settings = csms_test_settings(accept_unknown_tokens=True)
    settings.echonet = EchonetSettings(local_host=LOOPBACK, local_port=0, poll_interval_s=3600.0, timeout_s=2.0,
                                       units=[EchonetUnitSettings(name="tanaka", host=host, port=port)])
    settings.fleet = FleetSettings(enabled=True, plan_in_thread=False, replan_interval_s=3600.0,
                                   dispatch_interval_s=3600.0, horizon_steps=8)
    try:
        async with running_csms(settings=settings) as app:
            assert isinstance(app.gateway, GatewayRouter) and app.v2h is not None and app.fleet is not None
            await app.v2h.poll_once()
            async with station_connect(app, "CS-1") as ws, httpx.AsyncClient(
                    base_url=f"http://127.0.0.1:{app.api_port}", headers={"Authorization": f"Bearer {API_TOKEN}"},
                    timeout=10) as http:
                await booted(ws)
                assert sorted(app.gateway.connected_station_ids()) == ["CS-1", V2H_TANAKA]
                stations = {s["station_id"]: s for s in (await http.get("/api/v1/stations")).json()}
                assert stations[V2H_TANAKA]["connected"] and stations[V2H_TANAKA]["ocpp_version"] == "echonet-lite"
                txs = (await http.get("/api/v1/transactions?open_only=true")).json()
                tx = next(t for t in txs if t["station_id"] == V2H_TANAKA)
                plan = await app.fleet.replan()
                assert plan is not None and "v2h-tanaka/1" in [ev.ev_id for ev in plan.evs]
                # capacity estimated from E2 / E4 at plug-in: 24,000 Wh at 60 %
                assert plan.evs[0].spec.capacity_wh == 40_000
                result = await app.charging.apply(V2H_TANAKA, constant_schedule(
                    1, app.clock.now(), -2500.0, 120, transaction_id=tx["transaction_id"]))
                assert result.status is ApplyStatus.ACCEPTED
                assert (device.model.mode, device.model.measured_power_w) == (OperationMode.DISCHARGE, -2500)
    finally:
        device.close()
