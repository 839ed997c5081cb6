"""The fleet controller's dispatch step: one real-time tick from the active plan, the signal and the meters.

`dispatch_tick` allocates fleet setpoint = baseline + signal x reserved capacity across the EVs within their
headroom (`csms.optimizer.dispatch`) and picks what to send: the setpoints that changed by more than the deadband
from the one last handed over for the same transaction (or whose refresh is due), plus as many of the smaller
changes as keep what is held back within one deadband for the whole fleet (`held_back_release`). What was handed
over, and whether it failed (so it goes again), is the outbox's record (`ChargingService.handed`).

`fleet_snapshot` takes the active plan's interval at `now`, each EV's metered energy, and, with
`fleet.departure_guard`, the least charging power that keeps every driver's need reachable by departure whatever
the signal did since the plan (`csms.optimizer.dispatch.departure_floor_w`); EVs whose transaction ended since the
plan are zeroed, so the fleet's baseline and reserves follow a departure at once. `finish_charging` covers an
EV's last partial step before departure, which the plan's whole intervals do not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

import numpy as np

from csms.domain.ids import StationId
from csms.domain.schedule import PowerSchedule, constant_schedule
from csms.optimizer import FleetPlan, FleetProblem
from csms.optimizer.dispatch import (
    FleetSnapshot,
    departure_floor_w,
    dispatch_regulation,
    snapshot_from_plan,
    with_floor,
)
from csms.services.fleet_telemetry import FleetTelemetry
from csms.services.fleet_view import ActivePlan, PluggedEv, TracePoint
from csms.services.setpoint_outbox import Handed
from csms.settings import FleetSettings

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Tick:
    point: TracePoint
    sends: list[tuple[StationId, PowerSchedule]]  # (station id, one-period TxProfile) to hand over


def dispatch_tick(active: ActivePlan, telemetry: FleetTelemetry, signal: float, settings: FleetSettings,
                  now: datetime, metered_w: float, handed: Callable[[StationId, int], Handed | None]) -> Tick | None:
    """The trace point of this tick and the setpoints to send (see the module docstring); None once `now` is
    past the plan's horizon."""
    snap = fleet_snapshot(active.problem, active.result, active.evs, telemetry, settings, now)
    if snap is None:
        return None
    snapshot, _ = snap
    result = dispatch_regulation(snapshot, signal)
    refresh_before = now - timedelta(seconds=settings.setpoint_validity_s / 2)
    finishing_w = 0.0  # full-power charging of EVs in their last partial step: a baseline shift
    deadband_w = settings.setpoint_deadband_w
    changed: list[tuple[PluggedEv, float]] = []
    held: list[tuple[float, tuple[PluggedEv, float]]] = []  # changes within the deadband
    for ev, dispatched_w in zip(active.evs, result.setpoint_w, strict=True):
        if ev.transaction_id in telemetry.ended_transactions:
            continue  # left before the next plan: nothing to send, and no longer in the fleet's totals
        setpoint_w = finish_charging(ev, telemetry.soc(ev.ev_id, ev.spec.soc_initial), now,
                                     active.problem.step_s, float(dispatched_w))
        finishing_w += setpoint_w - float(dispatched_w)
        last = handed(ev.station_id, ev.evse_id)
        if last is not None and last.transaction_id == ev.transaction_id and last.at > refresh_before \
                and abs(setpoint_w - last.power_w) <= deadband_w:
            held.append((setpoint_w - last.power_w, (ev, setpoint_w)))
        else:
            changed.append((ev, setpoint_w))
    changed += held_back_release(held, deadband_w)
    sends = [(ev.station_id, constant_schedule(ev.evse_id, now, setpoint_w, settings.setpoint_validity_s,
                                               transaction_id=ev.transaction_id)) for ev, setpoint_w in changed]
    point = TracePoint(now, signal, float(snapshot.baseline_power_w.sum()) + finishing_w,
                       float(snapshot.reserve_up_w.sum()), float(snapshot.reserve_down_w.sum()),
                       result.requested_w + finishing_w, metered_w)
    return Tick(point, sends)


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
