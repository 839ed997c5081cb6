"""A station rated below the sum of its EVSEs: what its EVSEs may import (export) together stays within its
charge (discharge) rating at every instant, like the site limits but per station; learned from the device model
(ChargingStation.Power / DischargePower maxLimit) or set by an operator; no rating known: no such limit."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest

from chargepoint_sim.evse import EvseSpec
from chargepoint_sim.handlers import make_handlers
from chargepoint_sim.station import SimStation, StationSpec
from csms.domain.capabilities import StationCapabilities
from csms.domain.clock import ManualClock
from csms.domain.ids import StationId, TransactionId
from csms.domain.records import BootPolicy, ChargingNeedsRecord, StationRecord, TransactionRecord, VariableRecord
from csms.domain.schedule import PowerSchedule, SchedulePeriod, constant_schedule
from csms.handlers import build_handlers
from csms.handlers.deps import HandlerDeps
from csms.ocpp.versions import OcppVersion
from csms.services.capabilities import capabilities_from_variables
from csms.services.charging import ApplyResult, ApplyStatus, ChargingService
from csms.services.envelope import SiteLimits
from csms.services.events import EventBus
from csms.store.memory import MemoryStore
from tests.helpers.gateways import RecordingGateway
from tests.unit.services.test_charging_wire import SessionGateway
from tests.unit.sim.peer import SessionPair
from tests.unit.sim.test_smart_charging import start_tx

S1 = StationId("S1")
S2 = StationId("S2")

T0 = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)
EVSE_11KW = StationCapabilities(ocpp_version="ocpp2.1", discharge_supported=True, rate_units=frozenset({"W"}),
                                operation_modes=frozenset({"CentralSetpoint", "ChargingOnly", "Idle"}),
                                max_charge_power_w=11000, max_discharge_power_w=11000)
SIM_T0, SIM_ID = datetime(2025, 3, 1, 8, 0, tzinfo=UTC), StationId("SIM-0001")  # the simulated station's clock and id
RATED = dataclasses.replace(EVSE_11KW, station_max_charge_power_w=11000, station_max_discharge_power_w=11000)


async def service_for(caps: StationCapabilities, clock: ManualClock, *, gateway: RecordingGateway | None = None,
                      site: SiteLimits | None = None, stations: tuple[StationId, ...] = (S1,),
                      min_update_interval_s: float = 0) -> tuple[ChargingService, RecordingGateway]:
    """Stations with two EVSEs each (11 kW both ways), an EV on each that may discharge."""
    store, gateway = MemoryStore(), gateway or RecordingGateway()
    service = ChargingService(gateway, store, clock, EventBus(), site=site,
                              min_update_interval_s=min_update_interval_s)
    for sid in stations:
        await store.put_station(StationRecord(sid, ocpp_version="ocpp2.1"))
        for evse_id in (1, 2):
            service.override_capabilities(sid, evse_id, caps)
            await store.put_charging_needs(ChargingNeedsRecord(sid, evse_id, T0, discharge_allowed=True,
                                                               min_soc=0.2, ev_capacity_wh=60000))
            await store.put_transaction(TransactionRecord(sid, TransactionId(f"tx{evse_id}"),
                                                          evse_id=evse_id, started_at=T0, last_soc=0.8))
    return service, gateway


def first_power_w(result: ApplyResult) -> float:
    assert result.schedule is not None
    return result.schedule.periods[0].power_w


async def test_charging_both_evses_at_their_rating_keeps_the_station_within_its_charge_rating() -> None:
    service, gateway = await service_for(RATED, ManualClock(T0))

    first = await service.apply(S1, constant_schedule(1, T0, 11000.0, 600, "tx1"))
    second = await service.apply(S1, constant_schedule(2, T0, 11000.0, 600, "tx2"))

    assert first_power_w(first) == 11000 and first.changes == ()
    assert first_power_w(second) == 0
    assert second.status is ApplyStatus.ACCEPTED
    assert any("station charge limit" in change for change in second.changes), second.changes
    assert len(gateway.sent) == 2


async def test_setpoints_applied_together_share_the_station_rating() -> None:
    service, _ = await service_for(RATED, ManualClock(T0))

    results = await service.apply_many([(S1, constant_schedule(e, T0, 7000.0, 600, f"tx{e}")) for e in (1, 2)])

    assert [first_power_w(r) for r in results] == [7000, 4000]


async def test_discharging_both_evses_keeps_the_station_within_its_discharge_rating() -> None:
    caps = dataclasses.replace(RATED, station_max_charge_power_w=22000, station_max_discharge_power_w=8000)
    service, _ = await service_for(caps, ManualClock(T0))

    first = await service.apply(S1, constant_schedule(1, T0, -5000.0, 600, "tx1"))
    second = await service.apply(S1, constant_schedule(2, T0, -11000.0, 600, "tx2"))
    charging = await service.apply(S1, constant_schedule(2, T0, 11000.0, 600, "tx2"))

    assert first_power_w(first) == -5000
    assert first_power_w(second) == -3000
    assert any("station discharge limit" in change for change in second.changes), second.changes
    assert first_power_w(charging) == 11000  # a discharge does not use up the charge rating


async def test_the_station_limit_follows_the_other_evses_schedule_over_time() -> None:
    service, _ = await service_for(RATED, ManualClock(T0))
    await service.apply(S1, PowerSchedule(1, T0, 600, (SchedulePeriod(0, 3000.0), SchedulePeriod(300, 9000.0)),
                                            transaction_id="tx1"))

    result = await service.apply(S1, PowerSchedule(2, T0, 600, (SchedulePeriod(0, 11000.0),
                                                                  SchedulePeriod(300, 11000.0)),
                                                     transaction_id="tx2"))

    assert result.schedule is not None
    assert [p.power_w for p in result.schedule.periods] == [8000, 2000]


class HeldGateway(RecordingGateway):
    """Holds every call until `release` is set: a command stays in flight meanwhile."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()
        self.called = asyncio.Event()

    async def call(self, station_id: StationId, action: str, payload: dict[str, Any],
                   timeout_s: float | None = None) -> dict[str, Any]:
        self.sent.append((station_id, action, payload))
        self.called.set()
        await self.release.wait()
        return {"status": "Accepted"}


async def test_a_command_in_flight_counts_against_the_station_rating() -> None:
    gateway = HeldGateway()
    service, _ = await service_for(RATED, ManualClock(T0), gateway=gateway)
    in_flight = asyncio.create_task(service.apply(S1, constant_schedule(1, T0, 9000.0, 600, "tx1")))
    await gateway.called.wait()

    clamped, _ = await service.prepare(S1, constant_schedule(2, T0, 11000.0, 600, "tx2"))

    assert clamped.schedule.periods[0].power_w == 2000
    gateway.release.set()
    assert (await in_flight).status is ApplyStatus.ACCEPTED


async def test_a_queued_command_counts_against_the_station_rating() -> None:
    clock = ManualClock(T0)
    service, _ = await service_for(RATED, clock, min_update_interval_s=60)
    await service.apply(S1, constant_schedule(1, T0, 1000.0, 600, "tx1"))
    queued = asyncio.create_task(service.apply(S1, constant_schedule(1, T0, 10000.0, 600, "tx1")))
    await asyncio.sleep(0)  # queued behind the update interval, not sent yet

    clamped, _ = await service.prepare(S1, constant_schedule(2, T0, 11000.0, 600, "tx2"))

    assert clamped.schedule.periods[0].power_w == 1000
    queued.cancel()


async def test_a_rating_learned_later_counts_what_the_other_evse_was_commanded_before() -> None:
    service, _ = await service_for(EVSE_11KW, ManualClock(T0))
    await service.apply(S1, constant_schedule(1, T0, 8000.0, 600, "tx1"))
    service.override_capabilities(S1, 2, RATED)

    result = await service.apply(S1, constant_schedule(2, T0, 11000.0, 600, "tx2"))

    assert first_power_w(result) == 3000


async def test_the_tighter_of_the_site_and_the_station_headroom_applies() -> None:
    service, _ = await service_for(RATED, ManualClock(T0), site=SiteLimits(import_limit_w=15000),
                                   stations=(S1, S2))
    await service.apply(S1, constant_schedule(1, T0, 6000.0, 600, "tx1"))
    await service.apply(S2, constant_schedule(1, T0, 6000.0, 600, "tx1"))

    by_station = await service.apply(S1, constant_schedule(2, T0, 11000.0, 600, "tx2"))  # station: 5 kW, site: 3
    assert first_power_w(by_station) == 3000
    assert any("site import limit" in c and "station" not in c for c in by_station.changes), by_station.changes

    service2, _ = await service_for(RATED, ManualClock(T0), site=SiteLimits(import_limit_w=30000),
                                    stations=(S1, S2))
    await service2.apply(S1, constant_schedule(1, T0, 6000.0, 600, "tx1"))
    by_rating = await service2.apply(S1, constant_schedule(2, T0, 11000.0, 600, "tx2"))
    assert first_power_w(by_rating) == 5000
    assert any("station charge limit" in c and "site" not in c for c in by_rating.changes), by_rating.changes


async def test_other_stations_do_not_use_up_a_stations_rating() -> None:
    service, _ = await service_for(RATED, ManualClock(T0), stations=(S1, S2))
    await service.apply(S2, constant_schedule(1, T0, 11000.0, 600, "tx1"))

    result = await service.apply(S1, constant_schedule(1, T0, 11000.0, 600, "tx1"))

    assert first_power_w(result) == 11000


async def test_without_a_known_station_rating_each_evse_gets_its_own_rating() -> None:
    service, _ = await service_for(EVSE_11KW, ManualClock(T0))

    results = await service.apply_many([(S1, constant_schedule(e, T0, 11000.0, 600, f"tx{e}")) for e in (1, 2)])
    discharge = await service.apply_many([(S1, constant_schedule(e, T0, -11000.0, 600, f"tx{e}"))
                                          for e in (1, 2)])

    assert [first_power_w(r) for r in results] == [11000, 11000]
    assert [first_power_w(r) for r in discharge] == [-11000, -11000]
    assert all(r.changes == () for r in results + discharge)


# ---- learned from the device model ------------------------------------------------------------------------


def station_variables(*, power_w: float | None = None, discharge_w: float | None = None,
                      max_set_w: str | None = None, v2x: bool = True) -> list[VariableRecord]:
    records = [VariableRecord("V2XChargingCtrlr", "Enabled", "true" if v2x else "false", evse_id=1),
               VariableRecord("EVSE", "Power", "11000", "MaxSet", evse_id=1),
               VariableRecord("EVSE", "DischargePower", "11000", "MaxSet", evse_id=1)]
    if power_w is not None:
        records.append(VariableRecord("ChargingStation", "Power", "3100.5", max_limit=power_w))
    if discharge_w is not None:
        records.append(VariableRecord("ChargingStation", "DischargePower", "0.0", max_limit=discharge_w))
    if max_set_w is not None:
        records.append(VariableRecord("ChargingStation", "Power", max_set_w, "MaxSet"))
    return records


@pytest.mark.parametrize(("variables", "charge_w", "discharge_w"), [
    (station_variables(), None, None),
    (station_variables(power_w=11000, discharge_w=7000), 11000, 7000),
    (station_variables(power_w=11000), 11000, 11000),  # discharges: Power stands for both ways
    (station_variables(power_w=11000, v2x=False), 11000, None),
    (station_variables(power_w=11000, max_set_w="9000"), 9000, 9000),  # a lower configured maximum
    (station_variables(power_w=11000, max_set_w="junk"), 11000, 11000),
], ids=["none", "both", "power-only", "charge-only-station", "max-set-below", "bad-max-set"])
def test_the_station_rating_is_read_from_the_device_model(variables: list[VariableRecord], charge_w: float | None,
                                                          discharge_w: float | None) -> None:
    caps = capabilities_from_variables("ocpp2.0.1", variables, 1)

    assert (caps.station_max_charge_power_w, caps.station_max_discharge_power_w) == (charge_w, discharge_w)
    assert caps.max_charge_power_w == 11000  # the EVSE's own rating is not the station's


def test_an_evse_tier_power_characteristic_is_not_taken_for_the_station_rating() -> None:
    variables = [VariableRecord("EVSE", "Power", "11000", "MaxSet", evse_id=1, max_limit=11000)]

    assert capabilities_from_variables("ocpp2.1", variables, 1).station_max_charge_power_w is None


async def test_a_rating_learned_from_the_device_model_limits_the_station() -> None:
    store, gateway = MemoryStore(), RecordingGateway()
    service = ChargingService(gateway, store, ManualClock(T0), EventBus(), min_update_interval_s=0)
    await store.put_station(StationRecord(S1, ocpp_version="ocpp2.0.1"))
    await store.put_variables(S1, [
        *station_variables(power_w=11000),
        VariableRecord("EVSE", "Power", "11000", "MaxSet", evse_id=2)])
    for evse_id in (1, 2):
        await store.put_transaction(TransactionRecord(S1, TransactionId(f"tx{evse_id}"),
                                                      evse_id=evse_id, started_at=T0, last_soc=0.8))

    results = await service.apply_many([(S1, constant_schedule(e, T0, 11000.0, 600, f"tx{e}")) for e in (1, 2)])

    assert [first_power_w(r) for r in results] == [11000, 0]


# ---- over the in-memory session pair, with a simulated station ---------------------------------------------


async def test_a_simulated_station_reports_its_rating_and_its_evses_stay_within_it_together() -> None:
    """The station's base report goes through the CSMS's NotifyReport handler into the store; the service learns
    the rating from there (no override) and the station's composite over both EVSEs stays within it."""
    clock = ManualClock(SIM_T0)
    spec = StationSpec(SIM_ID, "0123456789abcdef0123", versions=(OcppVersion.V201,),
                       evses=(EvseSpec(1, 11_000.0, 11_000.0), EvseSpec(2, 11_000.0, 11_000.0)),
                       max_power_w=11_000.0, max_discharge_power_w=8_000.0)
    station = SimStation(spec, clock)
    store, bus = MemoryStore(), EventBus()
    reported = asyncio.Event()
    bus.subscribe(lambda e: reported.set() if e.kind == "station.report_complete" else None)
    deps = HandlerDeps(store=store, clock=clock, events=bus)
    deps.registration[SIM_ID] = BootPolicy.ACCEPT
    sessions = SessionPair(make_handlers(station), build_handlers(deps), version=OcppVersion.V201)
    try:
        service = ChargingService(SessionGateway(sessions), store, clock, bus, min_update_interval_s=0)
        await store.put_station(StationRecord(SIM_ID, ocpp_version="ocpp2.0.1"))
        assert await sessions.csms.call("GetBaseReport", {"requestId": 1, "reportBase": "FullInventory"}) == {
            "status": "Accepted"}
        async with asyncio.timeout(3):
            await reported.wait()
        for evse_id in (1, 2):
            tx_id = start_tx(station, evse_id)
            await store.put_transaction(TransactionRecord(SIM_ID, TransactionId(tx_id), evse_id=evse_id,
                                                          started_at=SIM_T0, last_soc=0.5))
            await store.put_charging_needs(ChargingNeedsRecord(SIM_ID, evse_id, SIM_T0,
                                                               discharge_allowed=True, min_soc=0.2,
                                                               ev_capacity_wh=60_000.0))
        caps = await service.capabilities(SIM_ID, 2)
        assert (caps.station_max_charge_power_w, caps.station_max_discharge_power_w) == (11_000.0, 8_000.0)
        txs = {tx.evse_id: tx.transaction_id for tx in await store.list_transactions(SIM_ID)}

        for power_w, expected in ((11_000.0, [11_000.0, 0.0]), (-11_000.0, [-8_000.0, 0.0])):
            clock.advance(1)
            results = await service.apply_many([(SIM_ID, constant_schedule(e, clock.now(), power_w, 600, txs[e]))
                                                for e in (1, 2)])
            assert [r.status for r in results] == [ApplyStatus.ACCEPTED] * 2
            assert [first_power_w(r) for r in results] == expected
            composite = await service.composite_schedule(SIM_ID, 0, 600)  # EVSE 0: the station as a whole
            values = [p["limit"] for p in composite["schedule"]["chargingSchedulePeriod"]]
            assert values[0] == expected[0] and all(-8_000.0 <= v <= 11_000.0 for v in values)
    finally:
        await sessions.close()
