"""The fleet controller's plan step (MPC): the fleet problem from the store and the latest grid inputs, solved.

The optimizer (warm-started from the last plan's basis with `fleet.warm_start`) runs in a worker thread
(`plan_in_thread`, so the event loop keeps serving stations) or on the loop (virtual time); the independent
checker vets every plan before it is applied (`csms.optimizer.guard`: an unsafe plan is replaced by the
monolithic LP's or by idling, logged and published as `fleet.plan_rejected`). With a site topology only EVs on
EVSEs it names are planned (within its limits); `degradation_cost_for(ev)` (e.g. by vehicle type) overrides the
configured degradation cost per EV.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from csms.domain.topology import SiteTopology, topology_evse_id
from csms.optimizer import FleetProblem, OnlinePlanner, PlannerOptions, Site, plan, plan_checked
from csms.optimizer.problem import with_topology
from csms.services.charging import ChargingService
from csms.services.events import FLEET, EventBus, FleetPlanRejected
from csms.services.fleet_inputs import FleetInputs
from csms.services.fleet_view import ActivePlan, PluggedEv, plugged_evs
from csms.settings import FleetSettings
from csms.store.base import StateStore

log = logging.getLogger("csms.fleet")


class FleetPlanner:
    """`await planner(now, inputs)`: the plan for the EVs plugged in now (None: no EV to plan)."""

    def __init__(self, store: StateStore, charging: ChargingService, events: EventBus, settings: FleetSettings, *,
                 default_min_soc: float = 0.2, site: Site | None = None,
                 options: PlannerOptions | None = None, topology: SiteTopology | None = None) -> None:
        self._store = store
        self._charging = charging
        self._events = events
        self._settings = settings
        self._default_min_soc = default_min_soc
        self._site = site
        self._options = options or PlannerOptions(time_preference_per_kwh_h=settings.time_preference_per_kwh_h)
        self._topology = topology  # feeders/panels/transformers: planned within (with_topology), EVSEs attached
        self.degradation_cost_for: Callable[[PluggedEv], float | None] | None = None
        self.online = OnlinePlanner() if settings.warm_start else None  # one plan at a time: the loop awaits
        self._solve = self.online.plan if self.online is not None else plan

    async def __call__(self, now: datetime, inputs: FleetInputs) -> ActivePlan | None:
        evs = self._on_topology(await plugged_evs(self._store, self._charging, now, self._settings,
                                                  self._default_min_soc))
        if not evs:
            return None
        if self.degradation_cost_for is not None:
            evs = [_with_degradation(ev, self.degradation_cost_for(ev)) for ev in evs]
        step_s, n = self._settings.step_s, self._settings.horizon_steps
        site = self._site or Site(import_limit_w=1e12, export_limit_w=1e12, other_load_w=(0.0,) * n)
        if len(site.other_load_w) != n:
            site = dataclasses.replace(site, other_load_w=(0.0,) * n)  # keeps the peak floor and the rest
        problem = FleetProblem(start_at=now, step_s=step_s, n_intervals=n, evs=tuple(ev.spec for ev in evs),
                               site=site, market=inputs.market(self._settings, now, n, step_s),
                               dr_commitments=inputs.dr_within(now, now + timedelta(seconds=step_s * n)),
                               options=self._options)
        if self._topology is not None:
            problem = with_topology(problem, self._topology, {
                ev.ev_id: tid for ev in evs if (tid := topology_evse_id(self._topology, ev.station_id, ev.evse_id))})
        guarded = await asyncio.to_thread(plan_checked, problem, self._solve) if self._settings.plan_in_thread \
            else plan_checked(problem, self._solve)
        if guarded.rejected:
            kinds = sorted({v.kind for v in guarded.rejected})
            log.error("fleet plan rejected by the checker (%s), replaced by the %s plan: %s", ", ".join(kinds),
                      guarded.fallback, guarded.rejected[:5])
            self._events.publish(FleetPlanRejected(station_id=FLEET, at=now, violations=kinds,
                                                   fallback=guarded.fallback))
        return ActivePlan(problem, guarded.plan, evs, now, unsafe=bool(guarded.rejected))

    def _on_topology(self, evs: list[PluggedEv]) -> list[PluggedEv]:
        """With a site topology, only EVs on EVSEs it names can be planned within its limits; the others are left
        out of the plan (their stations keep their own defaults), loudly."""
        if self._topology is None:
            return evs
        topology = self._topology
        unknown = {ev.ev_id for ev in evs if topology_evse_id(topology, ev.station_id, ev.evse_id) is None}
        if unknown:
            log.error("EVSEs not in the site topology are left out of the fleet plan: %s", sorted(unknown)[:20])
        return [ev for ev in evs if ev.ev_id not in unknown]


def _with_degradation(ev: PluggedEv, cost_per_kwh: float | None) -> PluggedEv:
    if cost_per_kwh is None:
        return ev
    return dataclasses.replace(ev, spec=dataclasses.replace(ev.spec, degradation_cost_per_kwh=cost_per_kwh))
