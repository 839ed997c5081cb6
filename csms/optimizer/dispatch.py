"""Real-time dispatcher: splits a fleet power request across EVs within each EV's headroom.

Pure, vectorised numpy, O(N), deterministic (same inputs, same setpoints; no randomness, no ordering by
hash). Called every 2–4 s by the fleet controller's real-time loop; no I/O, no clock reads (the caller
passes the time left in the interval).

Regulation sign convention (the ONLY place it is defined): we follow PJM's RegA/RegD and CAISO's
regulation dispatch, where the normalised signal is a request to the resource as if it were a
generator: **signal > 0 = regulation up = inject more / consume less**, signal < 0 = regulation down =
consume more / inject less. In our + = import convention that is

    fleet request = Σ baseline − max(signal, 0)·Σ reserve_up + max(−signal, 0)·Σ reserve_down

so signal = +1 lowers the fleet's net import by its whole reserved up capacity.

Allocation: each EV's baseline is first clipped into its headroom [min_power_w, max_power_w] (power limits
and the energy left before the SoC bounds are hit within the rest of the interval). The remaining
difference to the request is shared in two passes: first in proportion to each EV's reserved capacity in
that direction (what the plan bought), then any remainder in proportion to the headroom still free. The
fleet total equals the request whenever the request lies within the fleet's total headroom; otherwise
every EV is saturated in the requested direction and the gap is reported as ``unmet_w``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from csms.optimizer.problem import FleetArrays, FleetProblem, FloatArray, fleet_arrays
from csms.optimizer.result import FleetPlan


@dataclass(frozen=True, slots=True, eq=False)
class FleetSnapshot:
    """Per-EV arrays for the current interval (all W; EVs not plugged in have all zeros)."""

    baseline_power_w: FloatArray
    reserve_up_w: FloatArray
    reserve_down_w: FloatArray
    min_power_w: FloatArray
    """Most negative power allowed now (<= 0 unless the EV must charge)."""
    max_power_w: FloatArray


@dataclass(frozen=True, slots=True, eq=False)
class DispatchResult:
    setpoint_w: FloatArray
    requested_w: float
    delivered_w: float
    unmet_w: float
    """requested − delivered (0 when the request was within headroom)."""


def regulation_request_w(snapshot: FleetSnapshot, signal: float) -> float:
    """Fleet power (W, + = import) that tracks a normalised regulation signal (see module docstring)."""
    s = min(max(float(signal), -1.0), 1.0)
    base = float(snapshot.baseline_power_w.sum())
    return base - max(s, 0.0) * float(snapshot.reserve_up_w.sum()) + max(-s, 0.0) * float(
        snapshot.reserve_down_w.sum())


def headroom_w(energy_wh: FloatArray, energy_min_wh: FloatArray, energy_max_wh: FloatArray,
               max_charge_power_w: FloatArray, max_discharge_power_w: FloatArray,
               charge_efficiency: FloatArray, discharge_efficiency: FloatArray,
               remaining_s: float) -> tuple[FloatArray, FloatArray]:
    """(min_power_w, max_power_w) that keep each EV within its power limits and, held for the
    ``remaining_s`` left in the interval, within its energy bounds."""
    hours = max(remaining_s, 1e-9) / 3600.0
    room_up_wh = np.maximum(energy_max_wh - energy_wh, 0.0)
    room_down_wh = np.maximum(energy_wh - energy_min_wh, 0.0)
    max_w = np.minimum(max_charge_power_w, room_up_wh / (charge_efficiency * hours))
    min_w = -np.minimum(max_discharge_power_w, room_down_wh * discharge_efficiency / hours)
    return min_w, max_w


def snapshot_from_plan(problem: FleetProblem, plan: FleetPlan, interval: int, energy_wh: FloatArray,
                       remaining_s: float, arrays: FleetArrays | None = None) -> FleetSnapshot:
    """Snapshot for ``interval`` of ``plan`` given each EV's measured battery energy now. Under a site topology
    each EV's headroom is also kept within its planned power ± reserves (where the plan's topology rows hold).
    Pass ``arrays`` (``fleet_arrays(problem)``, computed once per plan) to keep a tick O(N) in numpy only."""
    fa = arrays if arrays is not None else fleet_arrays(problem)
    plugged = (interval >= fa.arrival_index) & (interval < fa.departure_index)
    min_w, max_w = headroom_w(energy_wh, fa.energy_min_wh, fa.energy_max_wh, fa.max_charge_power_w,
                              fa.max_discharge_power_w, fa.charge_efficiency, fa.discharge_efficiency,
                              remaining_s)
    if problem.topology is not None:
        # The plan's topology rows hold for any deviation within the reserves it bought (csms.optimizer.network,
        # formulation.network_block), not beyond: keep each EV in [p − r_up, p + r_down].
        p = plan.power_w[:, interval]
        min_w = np.maximum(min_w, p - plan.reserve_up_w[:, interval])
        max_w = np.minimum(max_w, p + plan.reserve_down_w[:, interval])
    zero = np.zeros(len(problem.evs))
    return FleetSnapshot(
        baseline_power_w=np.where(plugged, plan.power_w[:, interval], zero),
        reserve_up_w=np.where(plugged, plan.reserve_up_w[:, interval], zero),
        reserve_down_w=np.where(plugged, plan.reserve_down_w[:, interval], zero),
        min_power_w=np.where(plugged, min_w, zero),
        max_power_w=np.where(plugged, max_w, zero),
    )


def departure_floor_w(energy_wh: FloatArray, need_wh: FloatArray, seconds_to_departure: FloatArray,
                      remaining_s: float, max_charge_power_w: FloatArray, charge_efficiency: FloatArray,
                      discharge_efficiency: FloatArray) -> FloatArray:
    """Least power (W) each EV may run at over the next ``remaining_s`` so that charging at full power afterwards
    still reaches ``need_wh`` by its departure: positive = it must charge at least this much, negative = it may
    discharge down to this. A floor under the headroom that regulation calls cannot push through (a plan assumes
    calls average out; a signal that stays one-sided for an hour does not). Capped at the EV's charge power (an
    EV already short charges at full power)."""
    hours = max(remaining_s, 1e-9) / 3600.0
    after_h = np.maximum(seconds_to_departure - remaining_s, 0.0) / 3600.0
    deficit_wh = need_wh - max_charge_power_w * charge_efficiency * after_h - energy_wh
    floor_w = np.where(deficit_wh > 0.0, deficit_wh / (charge_efficiency * hours),
                       deficit_wh * discharge_efficiency / hours)
    return np.minimum(floor_w, max_charge_power_w)


def with_floor(snapshot: FleetSnapshot, floor_w: FloatArray) -> FleetSnapshot:
    """The snapshot with each EV's minimum power raised to ``floor_w`` (and its maximum to at least that)."""
    min_w = np.maximum(snapshot.min_power_w, floor_w)
    return FleetSnapshot(snapshot.baseline_power_w, snapshot.reserve_up_w, snapshot.reserve_down_w, min_w,
                         np.maximum(snapshot.max_power_w, min_w))


def _share(amount: float, weights: FloatArray) -> tuple[FloatArray, float]:
    """Split ``amount`` >= 0 in proportion to ``weights`` >= 0, capped at the weights; returns (shares, used)."""
    total = float(weights.sum())
    if total <= 0.0 or amount <= 0.0:
        return np.zeros_like(weights), 0.0
    used = min(amount, total)
    return weights * (used / total), used


def dispatch(snapshot: FleetSnapshot, request_w: float) -> DispatchResult:
    """Per-EV setpoints whose sum is ``request_w`` whenever the fleet's headroom allows it."""
    lo, hi = snapshot.min_power_w, np.maximum(snapshot.max_power_w, snapshot.min_power_w)
    base = np.clip(snapshot.baseline_power_w, lo, hi)
    delta = float(request_w) - float(base.sum())
    if delta >= 0.0:
        room, reserve, sign = hi - base, snapshot.reserve_down_w, 1.0
    else:
        room, reserve, sign = base - lo, snapshot.reserve_up_w, -1.0
    want = abs(delta)
    first, used1 = _share(want, np.minimum(np.maximum(reserve, 0.0), room))
    second, _ = _share(want - used1, room - first)
    setpoint = base + sign * (first + second)
    delivered = float(setpoint.sum())
    unmet = float(request_w) - delivered
    return DispatchResult(setpoint_w=setpoint, requested_w=float(request_w), delivered_w=delivered,
                          unmet_w=unmet if abs(unmet) > 1e-6 * max(1.0, abs(float(request_w))) else 0.0)


def dispatch_regulation(snapshot: FleetSnapshot, signal: float) -> DispatchResult:
    """Dispatch the fleet to follow a normalised regulation signal in [-1, 1]."""
    return dispatch(snapshot, regulation_request_w(snapshot, signal))
