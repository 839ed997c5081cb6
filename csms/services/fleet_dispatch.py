"""The dispatch step's view of the plan at one instant: the fleet snapshot the real-time allocation works from.

`fleet_snapshot` takes the active plan's interval at `now`, each EV's metered energy, and, with
`fleet.departure_guard`, the least charging power that keeps every driver's need reachable by departure whatever
the signal did since the plan (`csms.optimizer.dispatch.departure_floor_w`); EVs whose transaction ended since the
plan are zeroed, so the fleet's baseline and reserves follow a departure at once. `finish_charging` covers an
EV's last partial step before departure, which the plan's whole intervals do not.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np

from csms.optimizer import FleetPlan, FleetProblem
from csms.optimizer.dispatch import FleetSnapshot, departure_floor_w, snapshot_from_plan, with_floor
from csms.services.fleet_telemetry import FleetTelemetry
from csms.services.fleet_view import PluggedEv
from csms.settings import FleetSettings


def fleet_snapshot(problem: FleetProblem, plan: FleetPlan, evs: list[PluggedEv], telemetry: FleetTelemetry,
                   settings: FleetSettings, now: datetime) -> tuple[FleetSnapshot, int] | None:
    """(snapshot, interval index) of the plan at `now`; None once `now` is outside the plan's horizon."""
    step_s = problem.step_s
    elapsed_s = (now - problem.start_at).total_seconds()
    k = int(elapsed_s // step_s)
    if k < 0 or k >= problem.n_intervals:
        return None
    energy_wh = np.array([telemetry.soc(ev.ev_id, ev.spec.soc_initial) * ev.spec.capacity_wh for ev in evs])
    remaining_s = (k + 1) * step_s - elapsed_s
    snapshot = snapshot_from_plan(problem, plan, k, energy_wh, remaining_s)
    if settings.departure_guard:
        snapshot = with_floor(snapshot, _departure_floor_w(evs, energy_wh, now, remaining_s, settings))
    if telemetry.ended_transactions:
        gone = np.array([ev.transaction_id in telemetry.ended_transactions for ev in evs])
        snapshot = _without(snapshot, gone)
    return snapshot, k


def _departure_floor_w(evs: list[PluggedEv], energy_wh: np.ndarray, now: datetime, remaining_s: float,
                       settings: FleetSettings) -> np.ndarray:
    """Per EV, the least charging power that keeps its driver's need reachable by departure (less a safety
    margin), whatever the regulation signal did since the plan: see `departure_floor_w`."""
    specs = [ev.spec for ev in evs]
    need_wh = np.array([s.departure_need_wh for s in specs])
    to_departure_s = np.array([(s.departure_at - now).total_seconds() - settings.departure_margin_s
                               for s in specs])
    return departure_floor_w(energy_wh, need_wh, to_departure_s, remaining_s,
                             np.array([s.max_charge_power_w for s in specs]),
                             np.array([s.charge_efficiency for s in specs]),
                             np.array([s.discharge_efficiency for s in specs]))


def _without(snapshot: FleetSnapshot, gone: np.ndarray) -> FleetSnapshot:
    """The snapshot with the EVs flagged in `gone` (unplugged since the plan) zeroed: the fleet's baseline and
    reserves follow a departure at once instead of at the next re-plan."""
    keep = ~gone
    return FleetSnapshot(*(np.where(keep, a, 0.0) for a in (
        snapshot.baseline_power_w, snapshot.reserve_up_w, snapshot.reserve_down_w,
        snapshot.min_power_w, snapshot.max_power_w)))


def finish_charging(ev: PluggedEv, soc: float, now: datetime, step_s: int, setpoint_w: float) -> float:
    """Last partial step before departure: the plan has no whole interval left for this EV (so it gets nothing),
    yet its driver may still lack energy; charge at full power until the need is met."""
    spec = ev.spec
    if (spec.departure_at - now).total_seconds() >= step_s or setpoint_w >= spec.max_charge_power_w:
        return setpoint_w
    if soc * spec.capacity_wh < spec.departure_need_wh - 1.0:
        return spec.max_charge_power_w
    return setpoint_w
