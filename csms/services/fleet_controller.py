"""The fleet controller: turns grid signals into charge/discharge setpoints for every plugged EV.

Pieces: the grid-side inputs (`fleet_inputs.FleetInputs`), the meters (`fleet_telemetry.FleetTelemetry`), a plan
step passed in (`fleet_plan.FleetPlanner` by default), the dispatch step (`fleet_dispatch.dispatch_tick`) and two
loops on the injected clock (only on the node that leads fleet control):
- plan loop (MPC): on a period and on events (arrival, departure, new needs, new prices or DR events), plan the
  fleet from the store and the latest inputs (the plan step vets every plan with the independent checker);
- real-time loop: on every regulation signal sample (or every `dispatch_interval_s` without one), run the
  dispatch step and hand the setpoints it picks to the `ChargingService` without waiting (`dispatch`: safety
  envelope, then the per-EVSE outbox: latest wins, one slow station never delays the others); the outbox keeps
  what was handed over and forgets a setpoint that failed, so it goes again on the next tick.
Metering comes back through domain events (TransactionEvent / MeterValues power and SoC); the controller records,
per tick, the signal, the fleet's baseline and reserves, and the metered fleet power, from which
`regulation_trace` computes the normalised response for scoring. The API and the metrics read it through
`view` (`fleet_view.FleetView`, read-only).

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
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

import numpy as np

from csms.domain.clock import Clock
from csms.domain.topology import SiteTopology
from csms.optimizer import DrCommitment, PlannerOptions, Site
from csms.services.charging import ChargingService
from csms.services.events import (
    FLEET,
    DomainEvent,
    EvChargingNeeds,
    EventBus,
    FleetPlanned,
    TransactionEnded,
    TransactionStarted,
)
from csms.services.fleet_dispatch import dispatch_tick
from csms.services.fleet_inputs import FleetInputs, FrequencyCurve
from csms.services.fleet_plan import FleetPlanner
from csms.services.fleet_telemetry import FleetTelemetry
from csms.services.fleet_view import ActivePlan, DrState, FleetView, PluggedEv, TracePoint
from csms.settings import FleetSettings
from csms.store.base import StateStore

__all__ = ["ActivePlan", "FleetController", "FrequencyCurve", "PlanStep", "TracePoint", "regulation_trace"]

log = logging.getLogger("csms.fleet")

_REPLAN_EVENTS = (TransactionStarted, TransactionEnded, EvChargingNeeds)


class PlanStep(Protocol):
    """Plans the fleet at `now` from the inputs (None: no EV to plan); `fleet_plan.FleetPlanner`."""

    def __call__(self, now: datetime, inputs: FleetInputs) -> Awaitable[ActivePlan | None]: ...


class FleetController:
    def __init__(self, store: StateStore, charging: ChargingService, clock: Clock, events: EventBus,
                 settings: FleetSettings, *, default_min_soc: float = 0.2,
                 site: Site | None = None, planner_options: PlannerOptions | None = None,
                 topology: SiteTopology | None = None, plan_step: PlanStep | None = None) -> None:
        self._charging = charging
        self._clock = clock
        self._events = events
        self.settings = settings
        self.planner = plan_step or FleetPlanner(store, charging, events, settings, default_min_soc=default_min_soc,
                                                 site=site, options=planner_options, topology=topology)
        self.inputs = FleetInputs()
        self.telemetry = FleetTelemetry()
        self.plan: ActivePlan | None = None
        self.trace: deque[TracePoint] = deque(maxlen=200_000)
        self.replans = 0
        self.unsafe_plans = 0  # plans the checker rejected before they were applied
        self.send_setpoints = True  # False: plan and record only (a fleet that does not respond, for tests)
        self.view = FleetView(self)
        self._signal_event = asyncio.Event()
        self._replan_event = asyncio.Event()
        self._tasks: list[asyncio.Task[Any]] = []
        events.subscribe(self._on_event)

    @property
    def degradation_cost_for(self) -> Callable[[PluggedEv], float | None] | None:
        """Per-EV degradation cost (e.g. by vehicle type), overriding the configured one (default plan step)."""
        return self.planner.degradation_cost_for if isinstance(self.planner, FleetPlanner) else None

    @degradation_cost_for.setter
    def degradation_cost_for(self, cost: Callable[[PluggedEv], float | None] | None) -> None:
        if not isinstance(self.planner, FleetPlanner):
            raise TypeError("degradation_cost_for needs the default plan step")
        self.planner.degradation_cost_for = cost

    # ---- inputs ---------------------------------------------------------------------------------------

    def on_regulation(self, signal: float) -> None:
        """A new regulation signal sample in [-1, 1]; the real-time loop dispatches it at once."""
        self.inputs.signal = min(max(float(signal), -1.0), 1.0)
        self._signal_event.set()

    def set_droop_curve(self, curve: FrequencyCurve | None) -> None:
        """Frequency-response mode: `on_frequency` maps measured frequency through `curve` (None: off)."""
        self.inputs.droop = curve

    def on_frequency(self, frequency_hz: float) -> float:
        """A measured grid frequency sample; dispatches the droop curve's fraction and returns it."""
        if self.inputs.droop is None:
            raise RuntimeError("no droop curve set: call set_droop_curve first")
        fraction = self.inputs.droop.fraction(frequency_hz)
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

    def on_reserve_prices(self, block_start_at: datetime, up_price_per_mwh: float | None = None,
                          down_price_per_mwh: float | None = None) -> None:
        """Reserve capacity prices from `block_start_at` on (per MW per hour, e.g. an EPRX ΔkW block): they
        override the horizon-wide regulation price for the intervals they cover; the caller asks for a re-plan."""
        if up_price_per_mwh is not None:
            self.inputs.reserve_up_price_per_mwh[block_start_at] = up_price_per_mwh
        if down_price_per_mwh is not None:
            self.inputs.reserve_down_price_per_mwh[block_start_at] = down_price_per_mwh

    def on_dr_event(self, event_id: str, start_at: datetime, end_at: datetime, reduction_w: float,
                    baseline_w: float | None = None) -> DrCommitment:
        """Commit to reduce net load by `reduction_w` in [start_at, end_at) against a stated baseline (default:
        the metered fleet power averaged over `dr_baseline_window_s` before now)."""
        now = self._clock.now()
        if baseline_w is None:
            baseline_w = self.metered_average_w(now - timedelta(seconds=self.settings.dr_baseline_window_s), now)
        commitment = DrCommitment(event_id, start_at, end_at, reduction_w, baseline_w)
        self.inputs.dr[event_id] = DrState(commitment, now)
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

    # ---- what the view reads ----------------------------------------------------------------------------

    @property
    def dr_events(self) -> Mapping[str, DrState]:
        return self.inputs.dr

    @property
    def failed_sends(self) -> int:
        return self._charging.failed_sends

    def live_evs(self) -> dict[str, tuple[float | None, float | None]]:
        """Latest metered (power_w, soc) per EV id ("<station>/<evse>") of every open transaction seen."""
        return self.telemetry.live_evs()

    def metered_fleet_w(self) -> float:
        return self.telemetry.metered_fleet_w()

    def metered_average_w(self, since: datetime, until: datetime) -> float:
        return self.telemetry.metered_average_w(since, until)

    # ---- plan and dispatch steps ----------------------------------------------------------------------

    async def replan(self) -> ActivePlan | None:
        """Plan the fleet from the current state; no EV plugged in: no plan."""
        now = self._clock.now()
        self.inputs.prune_prices(now)  # a price series fed for a year stays a horizon's worth
        active = self.plan = await self.planner(now, self.inputs)
        if active is None:
            return None
        for ev in active.evs:
            live = self.telemetry.live(ev.ev_id)
            if live.power_w is None:
                live.power_w = ev.metered_power_w
        self.unsafe_plans += int(active.unsafe)
        self.telemetry.ended_transactions &= {ev.transaction_id for ev in active.evs}  # left during the solve
        self.replans += 1
        result = active.result
        log.info("fleet plan %s: %d EVs, status %s, solve %.2f s, EV shortfall %.0f Wh, DR shortfall %s",
                 self.replans, len(active.evs), result.status, result.solve_time_s,
                 float(result.ev_shortfall_wh.sum()), {k: round(v) for k, v in result.dr_shortfall_wh.items()})
        self._events.publish(FleetPlanned(station_id=FLEET, at=now, evs=len(active.evs), status=result.status))
        return active

    async def dispatch_once(self) -> TracePoint | None:
        """Allocate the current signal across the fleet and hand the changed setpoints to the outbox."""
        now = self._clock.now()
        metered = self.telemetry.record_fleet_w(now)
        if self.plan is None:
            return None
        tick = dispatch_tick(self.plan, self.telemetry, self.inputs.signal, self.settings, now, metered,
                             self._charging.handed)
        if tick is None:
            self.request_replan("plan horizon passed")
            return None
        if self.send_setpoints:
            self._charging.dispatch(tick.sends, requester="fleet")
        self.trace.append(tick.point)
        return tick.point

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
        """Stop the loops; setpoints already handed over are the outbox's to deliver."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []


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


