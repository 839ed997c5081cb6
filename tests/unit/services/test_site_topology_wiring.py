"""`v2g.site_topology_file` reaches both sides of `csms serve`: every command's envelope keeps each EVSE within
what the other EVSEs on the same lines may do, and the fleet controller plans within the topology."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from csms.domain.capabilities import StationCapabilities
from csms.domain.clock import ManualClock
from csms.domain.ids import StationId, TransactionId
from csms.domain.records import TransactionRecord
from csms.domain.schedule import constant_schedule
from csms.optimizer.io import load_site_topology
from csms.services.charging import ApplyStatus, ChargingService
from csms.services.events import EventBus
from csms.services.fleet_controller import FleetController
from csms.settings import FleetSettings
from csms.store.memory import MemoryStore
from tests.helpers.gateways import RecordingGateway

AC_1 = StationId("ac-1")
AC_2 = StationId("ac-2")
AC_4 = StationId("ac-4")

T0 = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)
DEPOT = load_site_topology(Path(__file__).resolve().parents[3] / "config" / "sites" / "example_depot.toml")
AC = StationCapabilities(rate_units=frozenset({"W"}), max_charge_power_w=11_000.0)
PHASE_A_W = 63 * 230.0  # panel-1's per-phase limit; ac-1 and ac-4 both hang on phase A


async def test_two_evses_on_one_phase_share_its_limit_whoever_commands_them() -> None:
    clock, events = ManualClock(T0), EventBus()
    charging = ChargingService(RecordingGateway(), MemoryStore(), clock, events, min_update_interval_s=0,
                               topology=DEPOT)
    for station in (AC_1, AC_4, AC_2):
        charging.override_capabilities(station, 1, AC)
    first = await charging.apply(AC_1, constant_schedule(1, T0, 11_000.0, 900, "t1"))
    second = await charging.apply(AC_4, constant_schedule(1, T0, 11_000.0, 900, "t4"))
    other_phase = await charging.apply(AC_2, constant_schedule(1, T0, 11_000.0, 900, "t2"))

    assert first.status is second.status is other_phase.status is ApplyStatus.ACCEPTED
    assert first.schedule is not None and second.schedule is not None and other_phase.schedule is not None
    first_w, second_w = first.schedule.periods[0].power_w, second.schedule.periods[0].power_w
    assert first_w == 11_000.0 and other_phase.schedule.periods[0].power_w == 11_000.0  # phase B is free
    assert first_w + second_w <= PHASE_A_W  # the second gets what phase A has left
    assert second_w > 0.98 * (PHASE_A_W - first_w)  # and no less than the linear rule's margin


async def test_the_fleet_plans_within_the_topology_and_leaves_out_evs_it_cannot_place() -> None:
    store, clock, events = MemoryStore(), ManualClock(T0), EventBus()
    settings = FleetSettings(enabled=True, horizon_steps=8, reg_up_price_per_mwh=30.0, reg_down_price_per_mwh=30.0,
                             plan_in_thread=False)
    charging = ChargingService(RecordingGateway(), store, clock, events, topology=DEPOT)
    fleet = FleetController(store, charging, clock, events, settings, topology=DEPOT)
    for station in (AC_1, AC_4, "not-in-the-depot"):
        await store.put_transaction(TransactionRecord(StationId(station), TransactionId(f"T-{station}"), evse_id=1,
                                                      last_power_w=0.0, last_soc=0.3))
    active = await fleet.replan()

    assert active is not None and active.problem.topology is DEPOT
    assert sorted(ev.station_id for ev in active.evs) == [AC_1, AC_4]
    phase_a_w = active.result.power_w.sum(axis=0) + active.result.reserve_down_w.sum(axis=0)
    assert np.all(phase_a_w <= PHASE_A_W + 1.0)  # both on phase A: even a full down call stays within
