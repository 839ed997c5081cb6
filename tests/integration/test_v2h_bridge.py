"""V2H units driven by the CSMS's own services: the bridge over real UDP on 127.0.0.1 against the simulated unit,
with the store, the safety envelope, the setpoint outbox and the fleet controller of `csms serve` (clock injected)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from chargepoint_sim.echonet.device import SimulatedV2hDevice, V2hModel
from chargepoint_sim.ev import Ev
from csms.domain.clock import ManualClock
from csms.domain.ids import StationId
from csms.domain.schedule import constant_schedule
from csms.echonet.v2h import OperationMode
from csms.errors import CallError, RpcError, StationNotConnected
from csms.ocpp.schemas import validate
from csms.ocpp.versions import OcppVersion
from csms.server.connections import ConnectionRegistry
from csms.services.charging import ApplyStatus, ChargingService
from csms.services.default_policy import DefaultChargingPolicy
from csms.services.events import DomainEvent, EventBus
from csms.services.fleet_controller import FleetController
from csms.services.gateway_router import GatewayRouter
from csms.services.v2h.bridge import EchonetStationBridge
from csms.settings import EchonetSettings, EchonetUnitSettings, FleetSettings
from csms.store.memory import MemoryStore
from tests.helpers.eventually import eventually

LOOPBACK = "127.0.0.1"
STATION = StationId("v2h-tanaka")
START = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


def leaf(soc: float = 0.5) -> Ev:
    return Ev(capacity_wh=40_000, soc=soc, max_charge_power_w=6000, max_discharge_power_w=5900, min_soc=0.2,
              max_soc=0.9, charge_efficiency=0.95, discharge_efficiency=0.95, allow_discharge=True)


@dataclass
class Rig:
    device: SimulatedV2hDevice
    bridge: EchonetStationBridge
    store: MemoryStore
    clock: ManualClock
    events: list[DomainEvent]
    bus: EventBus
    charging: ChargingService
    fleet: FleetController

    def mode(self) -> OperationMode:
        """The unit's mode now (read through a call, so no earlier `is` check narrows it for mypy)."""
        return self.device.model.mode

    async def tx_id(self) -> str:
        txs = await self.store.list_transactions(STATION, open_only=True)
        assert len(txs) == 1
        return txs[0].transaction_id


@asynccontextmanager
async def running_rig(*, discharge_allowed: bool = True) -> AsyncIterator[Rig]:
    device = SimulatedV2hDevice(V2hModel(leaf()))
    host, port = await device.start(LOOPBACK, 0)
    settings = EchonetSettings(local_host=LOOPBACK, local_port=0, timeout_s=0.5, units=[
        EchonetUnitSettings(name="tanaka", host=host, port=port, capacity_wh=40_000,
                            discharge_allowed=discharge_allowed)])
    store, clock, bus = MemoryStore(), ManualClock(START), EventBus()
    seen: list[DomainEvent] = []
    bus.subscribe(seen.append)
    bridge = EchonetStationBridge(settings, store, clock, bus, node_id="node-1")
    await bridge.open()
    gateway = GatewayRouter(ConnectionRegistry("node-1"), [bridge])
    charging = ChargingService(gateway, store, clock, bus, min_update_interval_s=0.0, default_min_soc=0.3)
    fleet = FleetController(store, charging, clock, bus, FleetSettings(
        enabled=True, plan_in_thread=False, step_s=900, horizon_steps=8, reg_up_price_per_mwh=200.0,
        reg_down_price_per_mwh=200.0, setpoint_deadband_w=0.0), default_min_soc=0.3)
    try:
        yield Rig(device, bridge, store, clock, seen, bus, charging, fleet)
    finally:
        await fleet.stop()
        await bridge.stop()
        device.close()


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    async with running_rig() as made:
        yield made


async def applied(events: list[DomainEvent], count: int) -> None:
    """Until `count` setpoints were accepted by a station (the fleet sends in a task; UDP answers take real time)."""
    await eventually(lambda: sum(e.kind == "setpoint.applied" for e in events) >= count, "setpoint.applied")


async def test_a_plugged_unit_is_a_connected_station_with_an_open_session(rig: Rig) -> None:
    await rig.bridge.poll_once()
    station = await rig.store.get_station(STATION)
    assert station is not None and station.connected and station.ocpp_version == "echonet-lite"
    txs = await rig.store.list_transactions(STATION, open_only=True)
    assert len(txs) == 1 and txs[0].evse_id == 1 and txs[0].last_soc == 0.5
    needs = await rig.store.get_charging_needs(STATION, 1)
    assert needs is not None and (needs.ev_capacity_wh, needs.discharge_allowed) == (40_000, True)
    caps = await rig.charging.capabilities(STATION, 1)
    assert (caps.discharge_supported, caps.rate_unit, caps.max_charge_power_w, caps.max_discharge_power_w) == (
        True, "W", 6000, 5900)
    kinds = [e.kind for e in rig.events]
    assert kinds[:2] == ["station.connected", "station.report_complete"]
    assert "transaction.started" in kinds and "ev.needs" in kinds


async def test_the_fleet_controllers_setpoint_reaches_the_unit_and_reads_back(rig: Rig) -> None:
    await rig.bridge.poll_once()
    plan = await rig.fleet.replan()
    assert plan is not None and [ev.ev_id for ev in plan.evs] == [f"{STATION}/1"]
    spec = plan.evs[0].spec
    assert (spec.capacity_wh, spec.max_discharge_power_w, spec.allow_discharge) == (40_000, 5900, True)
    assert plan.result.reserve_up_w.sum() > 0
    rig.fleet.on_regulation(1.0)  # regulation up: less import, here a discharge
    point = await rig.fleet.dispatch_once()
    assert point is not None
    await applied(rig.events, 1)
    handed = rig.charging.handed(STATION, 1)  # what the fleet tick handed to the outbox
    assert handed is not None and handed.power_w < 0
    sent_w = handed.power_w
    assert rig.mode() is OperationMode.DISCHARGE
    assert rig.device.model.setting_w == int(sent_w)
    rig.device.model.advance(60)  # a minute, within the setpoint's validity
    rig.clock.advance(60)
    await rig.bridge.poll_once()
    tx = (await rig.store.list_transactions(STATION, open_only=True))[0]
    assert tx.last_power_w == int(sent_w) and tx.energy_export_wh == int(-sent_w * 60 / 3600)
    assert rig.fleet.telemetry.live(f"{STATION}/1").power_w == int(sent_w)
    rig.clock.advance(rig.fleet.settings.setpoint_validity_s)  # no new setpoint: the unit falls back
    await rig.bridge.poll_once()
    assert rig.mode() is OperationMode.STANDBY
    assert rig.fleet.telemetry.live(f"{STATION}/1").power_w == 0


async def test_the_envelope_clamps_an_absurd_setpoint_and_the_unit_refuses_one_past_it(rig: Rig) -> None:
    await rig.bridge.poll_once()
    tx_id = await rig.tx_id()
    result = await rig.charging.apply(STATION, constant_schedule(1, START, 50_000.0, 120, transaction_id=tx_id))
    assert result.status is ApplyStatus.ACCEPTED and result.schedule is not None
    assert result.schedule.periods[0].power_w == 6000 and result.changes
    assert (rig.device.model.mode, rig.device.model.setting_w) == (OperationMode.CHARGE, 6000)
    # straight to the gateway, past the envelope: the unit's own limits refuse it and nothing is sent
    before = rig.device.received
    payload = {"evseId": 1, "chargingProfile": {
        "id": 7, "stackLevel": 1, "chargingProfilePurpose": "TxProfile", "chargingProfileKind": "Absolute",
        "transactionId": tx_id, "chargingSchedule": [{"id": 7, "chargingRateUnit": "W", "startSchedule":
                                                        "2026-06-01T10:00:00Z", "duration": 120,
                                                        "chargingSchedulePeriod": [{"startPeriod": 0,
                                                                                    "limit": -50_000.0}]}]}}
    answer = await rig.bridge.call(STATION, "SetChargingProfile", payload)
    assert answer["status"] == "Rejected" and "50000 W above the device's maximum discharge" in \
        answer["statusInfo"]["additionalInfo"]
    assert rig.device.received == before and rig.device.model.setting_w == 6000
    with pytest.raises(CallError, match="NotImplemented"):
        await rig.bridge.call(STATION, "Reset", {"type": "Immediate"})


async def test_a_household_that_does_not_consent_is_never_discharged() -> None:
    async with running_rig(discharge_allowed=False) as rig:
        await rig.bridge.poll_once()
        result = await rig.charging.apply(STATION, constant_schedule(1, START, -3000.0, 120,
                                                                     transaction_id=await rig.tx_id()))
        assert result.schedule is not None and result.schedule.periods[0].power_w == 0
        assert rig.mode() is OperationMode.STANDBY


async def test_a_silent_unit_is_disconnected_its_session_ended_and_it_comes_back(rig: Rig) -> None:
    await rig.bridge.poll_once()
    first = await rig.tx_id()
    assert await rig.fleet.replan() is not None
    rig.device.silent = True
    rig.clock.advance(10)
    await rig.bridge.poll_once()
    station = await rig.store.get_station(STATION)
    assert station is not None and not station.connected
    ended = await rig.store.get_transaction(STATION, first)  # type: ignore[arg-type]
    assert ended is not None and ended.stopped_reason == "Other" and not ended.is_open
    assert await rig.fleet.replan() is None  # nothing left to plan
    with pytest.raises(StationNotConnected):
        await rig.bridge.call(STATION, "GetCompositeSchedule", {"duration": 60, "evseId": 1})
    result = await rig.charging.apply(STATION, constant_schedule(1, rig.clock.now(), 1000.0, 60,
                                                                 transaction_id=first))
    assert result.status is ApplyStatus.FAILED
    rig.device.silent = False
    rig.clock.advance(10)
    await rig.bridge.poll_once()
    assert rig.bridge.is_connected(STATION)
    assert await rig.tx_id() != first
    assert [e.kind for e in rig.events].count("station.connected") == 2


async def test_a_profile_past_its_validity_leaves_the_unit_standing_by(rig: Rig) -> None:
    await rig.bridge.poll_once()
    tx_id = await rig.tx_id()
    result = await rig.charging.apply(STATION, constant_schedule(1, START, -4000.0, 120, transaction_id=tx_id))
    assert result.status is ApplyStatus.ACCEPTED and rig.device.model.setting_w == -4000
    composite = await rig.bridge.call(STATION, "GetCompositeSchedule", {"duration": 300, "evseId": 1})
    validate(OcppVersion.V201, "GetCompositeSchedule", "Response", composite)
    assert composite["schedule"]["chargingSchedulePeriod"] == [{"startPeriod": 0, "limit": -4000.0},
                                                               {"startPeriod": 120, "limit": 0.0}]
    check = await rig.charging.verify_composite(STATION, 1, 120)
    assert check.status == "Accepted" and not check.differences
    rig.clock.advance(121)
    await rig.bridge.poll_once()
    assert (rig.device.model.mode, rig.device.model.setting_w) == (OperationMode.STANDBY, -4000)
    cleared = await rig.bridge.call(STATION, "ClearChargingProfile", {"chargingProfileId": 123})
    assert cleared == {"status": "Unknown"}


async def test_the_car_leaving_ends_the_session(rig: Rig) -> None:
    await rig.bridge.poll_once()
    first = await rig.tx_id()
    rig.device.model.ev = None
    rig.clock.advance(10)
    await rig.bridge.poll_once()
    ended = await rig.store.get_transaction(STATION, first)  # type: ignore[arg-type]
    assert ended is not None and ended.stopped_reason == "EVDisconnected"
    assert rig.bridge.is_connected(STATION)
    assert await rig.store.get_charging_needs(STATION, 1) is None


async def test_without_fleet_control_the_default_policy_charges_a_plugged_car(rig: Rig) -> None:
    policy = DefaultChargingPolicy(rig.charging, rig.store, rig.bus)
    await rig.bridge.poll_once()  # plug-in: ev.needs -> the charge-now TxProfile
    await policy.idle()
    assert (rig.device.model.mode, rig.device.model.setting_w) == (OperationMode.CHARGE, 6000)


async def test_a_payload_outside_the_schema_gets_the_rpc_error_and_nothing_is_sent(rig: Rig) -> None:
    await rig.bridge.poll_once()
    before = rig.device.received
    with pytest.raises(RpcError):
        await rig.bridge.call(STATION, "SetChargingProfile", {"evseId": 1})
    with pytest.raises(RpcError):
        await rig.bridge.call(STATION, "GetCompositeSchedule", {"duration": "60", "evseId": 1})
    assert rig.device.received == before
