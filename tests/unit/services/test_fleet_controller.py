"""FleetController dispatch over a real plan (memory store, no stations): what leaves the fleet between re-plans."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from csms.domain.clock import ScaledClock
from csms.domain.ids import StationId, TransactionId
from csms.domain.records import TransactionRecord
from csms.domain.schedule import SchedulePeriod, constant_schedule
from csms.errors import CallTimeout
from csms.optimizer import FleetPlan, FleetProblem, guard, plan
from csms.services import fleet_dispatch, fleet_plan
from csms.services.charging import ApplyResult, ApplyStatus, ChargingService
from csms.services.events import DomainEvent, EventBus, TransactionEnded
from csms.services.fleet_controller import FleetController
from csms.services.setpoint_outbox import HandedSetpoints
from csms.settings import FleetSettings
from csms.store.memory import MemoryStore
from tests.api.test_fleet_api import _NoGateway

ST_1 = StationId("ST-1")

NOW = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


async def test_an_ev_that_leaves_between_plans_drops_out_of_the_fleet_totals_at_once() -> None:
    store, clock, events = MemoryStore(), ScaledClock(NOW, 1.0), EventBus()
    settings = FleetSettings(enabled=True, horizon_steps=8, reg_up_price_per_mwh=30.0, reg_down_price_per_mwh=30.0)
    fleet = FleetController(store, ChargingService(_NoGateway(), store, clock, events), clock, events, settings)
    fleet.send_setpoints = False
    for i in (1, 2):
        await store.put_transaction(TransactionRecord(StationId(f"ST-{i}"), TransactionId(f"T-{i}"), evse_id=1,
                                                      last_power_w=0.0, last_soc=0.5))
    active = await fleet.replan()
    assert active is not None and len(active.evs) == 2
    both = await fleet.dispatch_once()
    assert both is not None and both.reserve_down_w > 0

    events.publish(TransactionEnded(station_id=StationId("ST-2"), at=NOW, transaction_id="T-2", evse_id=1,
                                    energy_import_wh=0.0, energy_export_wh=0.0))
    one = await fleet.dispatch_once()

    assert one is not None
    leaving_down_w = float(active.result.reserve_down_w[1, 0])
    assert active.evs[1].transaction_id == "T-2" and leaving_down_w > 0
    assert one.reserve_down_w == both.reserve_down_w - leaving_down_w
    assert one.baseline_w == both.baseline_w - float(active.result.power_w[1, 0])
    assert fleet.plan is active  # no re-plan has run yet (the loops are not started): the mask did it


class _FlakyGateway(_NoGateway):
    """Times out on the first call, accepts every later one."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def call(self, station_id: StationId, action: str, payload: dict[str, Any],
                   timeout_s: float | None = None) -> dict[str, Any]:
        self.calls.append(action)
        if len(self.calls) == 1:
            raise CallTimeout(f"{station_id}: {action} timed out")
        return {"status": "Accepted"}


async def test_a_setpoint_that_did_not_reach_the_station_is_sent_again_on_the_next_tick() -> None:
    store, clock, events = MemoryStore(), ScaledClock(NOW, 1.0), EventBus()
    gateway = _FlakyGateway()
    charging = ChargingService(gateway, store, clock, events, min_update_interval_s=0.0)
    fleet = FleetController(store, charging, clock, events, FleetSettings(enabled=True, horizon_steps=8))
    await store.put_transaction(TransactionRecord(ST_1, TransactionId("T-1"), evse_id=1,
                                                  last_power_w=0.0, last_soc=0.5))
    await fleet.replan()

    for _ in range(3):  # the same setpoint each tick: only the failed first send is repeated
        await fleet.dispatch_once()
        await charging.drain()

    assert gateway.calls == ["SetChargingProfile", "SetChargingProfile"]
    assert fleet.view.failed_sends == 1


async def test_a_plan_the_checker_finds_unsafe_is_never_applied(monkeypatch: pytest.MonkeyPatch) -> None:
    store, clock, events = MemoryStore(), ScaledClock(NOW, 1.0), EventBus()
    fleet = FleetController(store, ChargingService(_NoGateway(), store, clock, events), clock, events,
                            FleetSettings(enabled=True, horizon_steps=8))
    fleet.send_setpoints = False
    seen: list[DomainEvent] = []
    events.subscribe(seen.append)

    def over_power(problem: FleetProblem) -> FleetPlan:  # a planner bug: 5x the EV's charge power
        good = plan(problem)
        return dataclasses.replace(good, power_w=good.power_w * 0 + 5 * problem.evs[0].max_charge_power_w)

    monkeypatch.setattr(fleet_plan, "plan_checked",
                        lambda problem, solve: guard.plan_checked(problem, solve=over_power))
    await store.put_transaction(TransactionRecord(ST_1, TransactionId("T-1"), evse_id=1,
                                                  last_power_w=0.0, last_soc=0.5))
    active = await fleet.replan()

    assert active is not None and active.unsafe and fleet.view.unsafe_plans == 1
    assert float(active.result.power_w.max()) <= active.problem.evs[0].max_charge_power_w + 1e-6
    rejected = [e for e in seen if e.kind == "fleet.plan_rejected"]
    assert len(rejected) == 1 and rejected[0].data["fallback"] == "monolithic"
    assert "power_down" in rejected[0].data["violations"]


def test_small_changes_are_held_back_only_while_they_add_up_to_one_deadband() -> None:
    same_way = [(50.0, i) for i in range(100)]  # 5 kW in all, 50 W each
    released = fleet_dispatch.held_back_release(same_way, 200.0)
    assert len(released) == 96 and released == list(range(96))  # 200 W stays held back
    cancelling = [(150.0, "a"), (-150.0, "b"), (100.0, "c"), (-90.0, "d")]
    assert fleet_dispatch.held_back_release(cancelling, 200.0) == []
    assert fleet_dispatch.held_back_release([(120.0, "a"), (-30.0, "b"), (150.0, "c")], 200.0) == ["c"]


async def test_a_fleet_of_small_setpoint_changes_still_sums_to_the_request() -> None:
    store, clock, events = MemoryStore(), ScaledClock(NOW, 1.0), EventBus()
    deadband_w = 200.0
    settings = FleetSettings(enabled=True, horizon_steps=8, reg_up_price_per_mwh=30.0, reg_down_price_per_mwh=30.0,
                             setpoint_deadband_w=deadband_w)
    gateway = _FlakyGateway()
    gateway.calls.append("(no timeout)")  # every call is accepted
    charging = ChargingService(gateway, store, clock, events, min_update_interval_s=0.0)
    fleet = FleetController(store, charging, clock, events, settings)
    for i in range(20):
        await store.put_transaction(TransactionRecord(StationId(f"ST-{i}"), TransactionId(f"T-{i}"), evse_id=1,
                                                      last_power_w=0.0, last_soc=0.5))
    await fleet.replan()
    first = await fleet.dispatch_once()
    await charging.drain()
    assert first is not None and first.reserve_down_w > 20 * 2 * deadband_w  # EVs without needs: charge only
    assert len(gateway.calls) == 1 + 20
    fleet.on_regulation(-20 * deadband_w / 2 / first.reserve_down_w)  # each EV moves by about half a deadband
    point = await fleet.dispatch_once()
    await charging.drain()

    assert point is not None
    handed = [charging.handed(StationId(f"ST-{i}"), 1) for i in range(20)]
    sent_w = sum(h.power_w for h in handed if h is not None)
    assert abs(point.requested_w - first.requested_w) > 8 * deadband_w  # moved by 20 half-deadbands
    assert abs(sent_w - point.requested_w) <= deadband_w + 1e-6
    assert 1 + 20 < len(gateway.calls) < 1 + 40  # some changes went out, some were held back


def test_only_a_setpoint_that_did_not_reach_its_station_is_forgotten_for_a_resend() -> None:
    book = HandedSetpoints()
    schedule = constant_schedule(1, NOW, 3000.0, 60, transaction_id="T-1")
    for status, kept in ((ApplyStatus.ACCEPTED, True), (ApplyStatus.SUPERSEDED, True), (ApplyStatus.REFUSED, True),
                         (ApplyStatus.REJECTED, False), (ApplyStatus.FAILED, False)):
        handed = book.hand(ST_1, schedule)
        book.outcome_of(ST_1, 1, handed, ApplyResult(status, schedule))
        assert (book.get(ST_1, 1) is handed) is kept, status
    assert book.failed_sends == 2
    older = book.hand(ST_1, schedule)
    newer = book.hand(ST_1, dataclasses.replace(schedule, periods=(SchedulePeriod(0, 3500.0),)))
    book.outcome_of(ST_1, 1, older, ApplyResult(ApplyStatus.FAILED, schedule))  # a newer one is on its way
    assert book.get(ST_1, 1) is newer and newer.power_w == 3500.0


async def test_re_plans_are_warm_started_and_reach_the_cold_optimum(monkeypatch: pytest.MonkeyPatch) -> None:
    """`fleet.warm_start` (online MPC): the second plan starts from the first one's basis, and each plan's
    objective equals a cold solve of the same problem."""
    store, clock, events = MemoryStore(), ScaledClock(NOW, 1.0), EventBus()
    fleet = FleetController(store, ChargingService(_NoGateway(), store, clock, events), clock, events,
                            FleetSettings(enabled=True, horizon_steps=8, warm_start=True))
    fleet.send_setpoints = False
    for n in (1, 2):
        await store.put_transaction(TransactionRecord(StationId(f"ST-{n}"), TransactionId(f"T-{n}"), evse_id=1,
                                                      last_power_w=0.0, last_soc=0.3 + 0.1 * n))
    solved: list[tuple[FleetProblem, guard.GuardedPlan]] = []

    def recording(problem: FleetProblem, solve: Callable[[FleetProblem], FleetPlan]) -> guard.GuardedPlan:
        solved.append((problem, guard.plan_checked(problem, solve)))
        return solved[-1][1]

    monkeypatch.setattr(fleet_plan, "plan_checked", recording)
    await fleet.replan()
    await fleet.replan()
    assert isinstance(fleet.planner, fleet_plan.FleetPlanner) and fleet.planner.online is not None
    assert (fleet.planner.online.warm.cold_solves, fleet.planner.online.warm.warm_solves) == (1, 1)
    assert len(solved) == 2
    for problem, guarded in solved:
        assert not guarded.rejected
        assert guarded.plan.objective == pytest.approx(plan(problem).objective, rel=1e-9, abs=1e-6)
