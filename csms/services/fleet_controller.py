"""The fleet controller: turns grid signals into charge/discharge setpoints for every plugged EV.

Two loops (only on the node that leads fleet control):
- plan loop (MPC): on a period and on events (arrival, departure, new needs, new prices or DR events), build
  the fleet problem from the store and the latest grid signals and solve it with the optimizer (in a worker
  thread, so the event loop keeps serving stations); the independent checker vets every plan before it is
  applied (`csms.optimizer.guard`: an unsafe plan is replaced by the monolithic LP's or by idling, logged and
  published as `fleet.plan_rejected`);
- real-time loop: on every regulation signal sample (or every `dispatch_interval_s` without one), allocate
  fleet setpoint = baseline + signal x reserved capacity across EVs within their headroom
  (`csms.optimizer.dispatch`), and send the setpoints that changed by more than the deadband, plus as many
  of the smaller changes as keep what is held back within one deadband for the whole fleet, through the
  `ChargingService` (safety envelope, coalescing, one slow station never delays the others: each send is its
  own task).
Metering comes back through domain events (TransactionEvent / MeterValues power and SoC); the controller keeps
the latest value per EV and records, per tick, the signal, the fleet's baseline and reserves, and the metered
fleet power, from which `regulation_trace` computes the normalised response for scoring.

Regulation sign convention: `csms.optimizer.dispatch` (signal > 0 = regulation up = less net import).
DR baseline: "meter before" - the metered fleet power averaged over `dr_baseline_window_s` before the event
was received (stated in each commitment), unless the caller states one; the planner must keep net import at
baseline - reduction. A DR-only fleet is one with zero regulation prices (no reserves are planned).
Frequency response: with a droop curve set (`set_droop_curve`), `on_frequency(hz)` dispatches the curve's
fraction of the reserved capacity exactly like a regulation sample (FCR-N: symmetric, linear around 50 Hz).
Per-EV degradation cost: `degradation_cost_for(ev)` (e.g. by vehicle type) overrides the configured one.
Last step before a departure: the planner only uses whole intervals, so an EV with less than one step left
gets no power from the plan; if its need is still unmet, the dispatcher charges it at full power.
Cluster note: metering events are published on the node that holds each station; a leader on another node
sees them only through the store at each re-plan (live metering across nodes is future work).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

import numpy as np

from csms.domain.clock import Clock
from csms.domain.schedule import PowerSchedule, constant_schedule
from csms.domain.topology import SiteTopology, topology_evse_id
from csms.optimizer import DrCommitment, FleetPlan, FleetProblem, Market, PlannerOptions, Site, plan_checked
from csms.optimizer.dispatch import dispatch_regulation
from csms.optimizer.problem import with_topology
from csms.services.charging import ApplyResult, ApplyStatus, ChargingService
from csms.services.events import (
    FLEET,
    DomainEvent,
    EvChargingNeeds,
    EventBus,
    FleetPlanned,
    FleetPlanRejected,
    TransactionEnded,
    TransactionStarted,
)
from csms.services.fleet_dispatch import finish_charging, fleet_snapshot
from csms.services.fleet_telemetry import EvLive, FleetTelemetry
from csms.services.fleet_view import PluggedEv, plugged_evs
from csms.settings import FleetSettings
from csms.store.base import StateStore

log = logging.getLogger("csms.fleet")

_REPLAN_EVENTS = (TransactionStarted, TransactionEnded, EvChargingNeeds)


class FrequencyCurve(Protocol):
    """Maps a measured frequency to the activated fraction of reserves in [-1, 1] (e.g. `csms.grid.DroopCurve`)."""

    def fraction(self, frequency_hz: float) -> float: ...


@dataclass(frozen=True, slots=True)
class TracePoint:
    """One real-time tick: what was asked and what the meters said (W, + import)."""

    at: datetime
    signal: float
    baseline_w: float
    reserve_up_w: float
    reserve_down_w: float
    requested_w: float
    metered_w: float


@dataclass(slots=True)
class ActivePlan:
    problem: FleetProblem
    result: FleetPlan
    evs: list[PluggedEv]
    made_at: datetime


@dataclass(slots=True)
class _DrState:
    commitment: DrCommitment
    received_at: datetime


@dataclass(slots=True)
class FleetInputs:
    """Grid-side inputs the planner uses; the latest known value wins."""

    import_price_per_mwh: dict[datetime, float] = field(default_factory=dict)  # by interval start
    export_price_per_mwh: dict[datetime, float] = field(default_factory=dict)
    reg_up_price_per_mwh: float | None = None
    reg_down_price_per_mwh: float | None = None
    dr: dict[str, _DrState] = field(default_factory=dict)


class FleetController:
    def __init__(self, store: StateStore, charging: ChargingService, clock: Clock, events: EventBus,
                 settings: FleetSettings, *, default_min_soc: float = 0.2,
                 site: Site | None = None, planner_options: PlannerOptions | None = None,
                 topology: SiteTopology | None = None) -> None:
        self._store = store
        self._charging = charging
        self._clock = clock
        self._events = events
        self.settings = settings
        self._default_min_soc = default_min_soc
        self._site_limits = site
        self._topology = topology  # feeders/panels/transformers: planned within (with_topology), EVSEs attached
        self._options = planner_options or PlannerOptions(time_preference_per_kwh_h=settings.time_preference_per_kwh_h)
        self.inputs = FleetInputs()
        self.plan: ActivePlan | None = None
        self.telemetry = FleetTelemetry()
        self._signal = 0.0
        self._signal_event = asyncio.Event()
        self._replan_event = asyncio.Event()
        self.trace: deque[TracePoint] = deque(maxlen=200_000)
        self._tasks: list[asyncio.Task[Any]] = []
        self._sends: set[asyncio.Task[None]] = set()
        self.replans = 0
        self.unsafe_plans = 0  # plans the checker rejected before they were applied
        self.failed_sends = 0
        self.send_setpoints = True  # False: plan and record only (a fleet that does not respond, for tests)
        self.degradation_cost_for: Callable[[PluggedEv], float | None] | None = None
        self._droop: FrequencyCurve | None = None
        events.subscribe(self._on_event)

    # ---- inputs ---------------------------------------------------------------------------------------

    def on_regulation(self, signal: float) -> None:
        """A new regulation signal sample in [-1, 1]; the real-time loop dispatches it at once."""
        self._signal = min(max(float(signal), -1.0), 1.0)
        self._signal_event.set()

    def set_droop_curve(self, curve: FrequencyCurve | None) -> None:
        """Frequency-response mode: `on_frequency` maps measured frequency through `curve` (None: off)."""
        self._droop = curve

    def on_frequency(self, frequency_hz: float) -> float:
        """A measured grid frequency sample; dispatches the droop curve's fraction and returns it."""
        if self._droop is None:
            raise RuntimeError("no droop curve set: call set_droop_curve first")
        fraction = self._droop.fraction(frequency_hz)
        self.on_regulation(fraction)
        return fraction

    def on_prices(self, interval_start_at: datetime, import_price_per_mwh: float,
                  export_price_per_mwh: float | None = None) -> None:
        self.inputs.import_price_per_mwh[interval_start_at] = import_price_per_mwh
        if export_price_per_mwh is not None:
            self.inputs.export_price_per_mwh[interval_start_at] = export_price_per_mwh

    def on_regulation_prices(self, up_price_per_mwh: float, down_price_per_mwh: float) -> None:
        self.inputs.reg_up_price_per_mwh = up_price_per_mwh
        self.inputs.reg_down_price_per_mwh = down_price_per_mwh
        self.request_replan("regulation prices")

    def on_dr_event(self, event_id: str, start_at: datetime, end_at: datetime, reduction_w: float,
                    baseline_w: float | None = None) -> DrCommitment:
        """Commit to reduce net load by `reduction_w` in [start_at, end_at) against a stated baseline (default:
        the metered fleet power averaged over `dr_baseline_window_s` before now)."""
        now = self._clock.now()
        if baseline_w is None:
            baseline_w = self.metered_average_w(now - timedelta(seconds=self.settings.dr_baseline_window_s), now)
        commitment = DrCommitment(event_id, start_at, end_at, reduction_w, baseline_w)
        self.inputs.dr[event_id] = _DrState(commitment, now)
        self.request_replan(f"DR event {event_id}")
        return commitment

    def cancel_dr_event(self, event_id: str) -> None:
        if self.inputs.dr.pop(event_id, None) is not None:
            self.request_replan(f"DR event {event_id} cancelled")

    def request_replan(self, reason: str) -> None:
        log.debug("re-plan requested: %s", reason)
        self._replan_event.set()

    def _on_event(self, event: DomainEvent) -> None:
        self.telemetry.on_event(event)
        if isinstance(event, _REPLAN_EVENTS):
            self.request_replan(event.kind)

    # ---- planning -------------------------------------------------------------------------------------

    def _market(self, start_at: datetime, n: int, step_s: int) -> Market:
        def price(table: dict[datetime, float], default: float, at: datetime) -> float:
            known = [t for t in table if t <= at]
            return table[max(known)] if known else default

        starts = [start_at + timedelta(seconds=k * step_s) for k in range(n)]
        imp = tuple(price(self.inputs.import_price_per_mwh, self.settings.import_price_per_mwh, t) for t in starts)
        exp = tuple(min(price(self.inputs.export_price_per_mwh, self.settings.export_price_per_mwh, t), i)
                    for t, i in zip(starts, imp, strict=True))
        up = self.inputs.reg_up_price_per_mwh
        down = self.inputs.reg_down_price_per_mwh
        return Market(imp, exp, (self.settings.reg_up_price_per_mwh if up is None else up,) * n,
                      (self.settings.reg_down_price_per_mwh if down is None else down,) * n)

    async def replan(self) -> ActivePlan | None:
        """Solve the fleet problem from the current state; keeps the previous plan if there is nothing to plan."""
        now = self._clock.now()
        evs = self._on_topology(await plugged_evs(self._store, self._charging, now, self.settings,
                                                  self._default_min_soc))
        for ev in evs:
            live = self.telemetry.live(ev.ev_id)
            if live.power_w is None:
                live.power_w = ev.metered_power_w
        if not evs:
            self.plan = None
            return None
        if self.degradation_cost_for is not None:
            evs = [self._with_degradation(ev, self.degradation_cost_for(ev)) for ev in evs]
        step_s, n = self.settings.step_s, self.settings.horizon_steps
        site = self._site_limits or Site(import_limit_w=1e12, export_limit_w=1e12, other_load_w=(0.0,) * n)
        if len(site.other_load_w) != n:
            site = dataclasses.replace(site, other_load_w=(0.0,) * n)  # keeps the peak floor and the rest
        horizon_end = now + timedelta(seconds=step_s * n)
        dr = tuple(s.commitment for s in self.inputs.dr.values() if s.commitment.end_at > now
                   and s.commitment.start_at < horizon_end)
        problem = FleetProblem(start_at=now, step_s=step_s, n_intervals=n, evs=tuple(ev.spec for ev in evs),
                               site=site, market=self._market(now, n, step_s), dr_commitments=dr,
                               options=self._options)
        if self._topology is not None:
            problem = with_topology(problem, self._topology, {
                ev.ev_id: tid for ev in evs if (tid := topology_evse_id(self._topology, ev.station_id, ev.evse_id))})
        guarded = await asyncio.to_thread(plan_checked, problem) if self.settings.plan_in_thread \
            else plan_checked(problem)
        result = guarded.plan
        if guarded.rejected:
            self.unsafe_plans += 1
            kinds = sorted({v.kind for v in guarded.rejected})
            log.error("fleet plan rejected by the checker (%s), replaced by the %s plan: %s", ", ".join(kinds),
                      guarded.fallback, guarded.rejected[:5])
            self._events.publish(FleetPlanRejected(station_id=FLEET, at=now, violations=kinds,
                                                   fallback=guarded.fallback))
        self.plan = ActivePlan(problem, result, evs, now)
        self.telemetry.ended_transactions &= {ev.transaction_id for ev in evs}  # an EV that left during the solve
        self.replans += 1
        log.info("fleet plan %s: %d EVs, status %s, solve %.2f s, EV shortfall %.0f Wh, DR shortfall %s",
                 self.replans, len(evs), result.status, result.solve_time_s, float(result.ev_shortfall_wh.sum()),
                 {k: round(v) for k, v in result.dr_shortfall_wh.items()})
        self._events.publish(FleetPlanned(station_id=FLEET, at=now, evs=len(evs), status=result.status))
        return self.plan

    def _on_topology(self, evs: list[PluggedEv]) -> list[PluggedEv]:
        """With a site topology, only EVs on EVSEs it names can be planned within its limits; the others are left
        out of the plan (their stations keep their own defaults), loudly."""
        if self._topology is None:
            return evs
        topology = self._topology
        unknown = [ev.ev_id for ev in evs if topology_evse_id(topology, ev.station_id, ev.evse_id) is None]
        if unknown:
            log.error("EVSEs not in the site topology are left out of the fleet plan: %s", unknown[:20])
        return [ev for ev in evs if ev.ev_id not in set(unknown)]

    @staticmethod
    def _with_degradation(ev: PluggedEv, cost_per_kwh: float | None) -> PluggedEv:
        if cost_per_kwh is None:
            return ev
        return dataclasses.replace(ev, spec=dataclasses.replace(ev.spec, degradation_cost_per_kwh=cost_per_kwh))

    # ---- real-time dispatch ---------------------------------------------------------------------------

    def live_evs(self) -> dict[str, tuple[float | None, float | None]]:
        """Latest metered (power_w, soc) per EV id ("<station>/<evse>") of every open transaction seen."""
        return self.telemetry.live_evs()

    def metered_fleet_w(self) -> float:
        return self.telemetry.metered_fleet_w()

    def metered_average_w(self, since: datetime, until: datetime) -> float:
        return self.telemetry.metered_average_w(since, until)

    async def dispatch_once(self) -> TracePoint | None:
        """Allocate the current signal across the fleet and send changed setpoints."""
        now = self._clock.now()
        metered = self.telemetry.record_fleet_w(now)
        active = self.plan
        if active is None:
            return None
        snap = fleet_snapshot(active.problem, active.result, active.evs, self.telemetry, self.settings, now)
        if snap is None:
            self.request_replan("plan horizon passed")
            return None
        snapshot, _ = snap
        result = dispatch_regulation(snapshot, self._signal)
        refresh_before = now - timedelta(seconds=self.settings.setpoint_validity_s / 2)
        finishing_w = 0.0  # full-power charging of EVs in their last partial step: a baseline shift
        deadband_w = self.settings.setpoint_deadband_w
        changed: list[tuple[PluggedEv, EvLive, float]] = []
        held: list[tuple[float, tuple[PluggedEv, EvLive, float]]] = []  # changes within the deadband
        for ev, dispatched_w in zip(active.evs, result.setpoint_w, strict=True):
            if ev.transaction_id in self.telemetry.ended_transactions:
                continue  # left before the next plan: nothing to send, and no longer in the fleet's totals
            setpoint_w = finish_charging(ev, self.telemetry.soc(ev.ev_id, ev.spec.soc_initial), now,
                                         active.problem.step_s, float(dispatched_w))
            finishing_w += setpoint_w - float(dispatched_w)
            live = self.telemetry.live(ev.ev_id)
            fresh = live.last_sent_at is not None and live.last_sent_at > refresh_before
            if fresh and live.last_sent_w is not None and abs(setpoint_w - live.last_sent_w) <= deadband_w:
                held.append((setpoint_w - live.last_sent_w, (ev, live, setpoint_w)))
            else:
                changed.append((ev, live, setpoint_w))
        changed += held_back_release(held, deadband_w)
        sends: list[tuple[str, str, PowerSchedule]] = []
        for ev, live, setpoint_w in changed:
            live.last_sent_w, live.last_sent_at = float(setpoint_w), now
            if not self.send_setpoints:
                continue
            schedule = constant_schedule(ev.evse_id, now, float(setpoint_w), self.settings.setpoint_validity_s,
                                         transaction_id=ev.transaction_id)
            sends.append((ev.ev_id, ev.station_id, schedule))
        if sends:  # one bulk apply per tick: the envelopes' store reads are batched, the sends concurrent
            task = asyncio.create_task(self._send_all(sends, now))
            self._sends.add(task)
            task.add_done_callback(self._sends.discard)
        point = TracePoint(now, self._signal, float(snapshot.baseline_power_w.sum()) + finishing_w,
                           float(snapshot.reserve_up_w.sum()), float(snapshot.reserve_down_w.sum()),
                           result.requested_w + finishing_w, metered)
        self.trace.append(point)
        return point

    async def _send_all(self, sends: list[tuple[str, str, PowerSchedule]], sent_at: datetime) -> None:
        results = await self._charging.apply_many([(station_id, schedule) for _, station_id, schedule in sends],
                                                  requester="fleet")
        for (ev_id, _, _), result in zip(sends, results, strict=True):
            self._sent(ev_id, sent_at, result)

    def _sent(self, ev_id: str, sent_at: datetime, result: ApplyResult) -> None:
        """A setpoint that did not reach the station (timeout, CALLERROR, Rejected) is sent again on the next
        tick, instead of waiting for the refresh while the station keeps the previous one."""
        if result.status in (ApplyStatus.ACCEPTED, ApplyStatus.SUPERSEDED, ApplyStatus.REFUSED):
            return
        live = self.telemetry.evs.get(ev_id)
        if live is not None and live.last_sent_at == sent_at:
            live.last_sent_w = live.last_sent_at = None
        self.failed_sends += 1
        log.debug("setpoint for %s not applied (%s %s): resending on the next tick", ev_id, result.status,
                  result.detail)

    # ---- loops ----------------------------------------------------------------------------------------

    async def _plan_loop(self) -> None:
        while True:
            try:
                await self.replan()
            except Exception:  # a failed plan must not stop the controller: keep the last plan, retry later
                log.exception("fleet re-plan failed")
            self._replan_event.clear()
            await self._clock.wait(self._replan_event, self.settings.replan_interval_s)
            await self._clock.sleep(0.05)  # let bursts of events (a boot storm of arrivals) coalesce into one re-plan

    async def _dispatch_loop(self) -> None:
        while True:
            await self._clock.wait(self._signal_event, self.settings.dispatch_interval_s)
            self._signal_event.clear()
            try:
                await self.dispatch_once()
            except Exception:
                log.exception("fleet dispatch failed")

    def start(self) -> None:
        """Start the plan and dispatch loops (metering is tracked from construction on)."""
        if self._tasks:
            return
        self._tasks = [asyncio.create_task(self._plan_loop(), name="fleet-plan"),
                       asyncio.create_task(self._dispatch_loop(), name="fleet-dispatch")]

    async def stop(self) -> None:
        for task in [*self._tasks, *self._sends]:
            task.cancel()
        await asyncio.gather(*self._tasks, *self._sends, return_exceptions=True)
        self._tasks = []


_T = TypeVar("_T")


def held_back_release(held: list[tuple[float, _T]], deadband_w: float) -> list[_T]:
    """Which of the changes within the per-EV deadband to send anyway: the largest ones that move the fleet
    towards the request, until what stays held back adds up to at most one deadband. Each EV's change may be
    small, but a hundred of them in the same direction are the fleet missing its request by a hundred
    deadbands. Deterministic (ties keep the fleet order)."""
    residual_w = sum(change_w for change_w, _ in held)
    released: list[_T] = []
    for change_w, item in sorted(held, key=lambda h: -abs(h[0])):
        if abs(residual_w) <= deadband_w:
            break
        if change_w * residual_w > 0:
            released.append(item)
            residual_w -= change_w
    return released


def regulation_trace(points: list[TracePoint]) -> tuple[np.ndarray, np.ndarray]:
    """(signal, response) normalised to the reserved capacity: response = (baseline - metered) / reserve on
    the side the fleet moved to (up when below baseline), the same sign convention as the signal."""
    signal = np.array([p.signal for p in points])
    deviation = np.array([p.baseline_w - p.metered_w for p in points])
    up = np.array([p.reserve_up_w for p in points])
    down = np.array([p.reserve_down_w for p in points])
    scale = np.where(deviation >= 0, up, down)
    response = np.divide(deviation, scale, out=np.zeros_like(deviation), where=scale > 1e-9)
    return signal, np.clip(response, -1.5, 1.5)


