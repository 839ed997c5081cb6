"""The planner's output: per-EV baseline power and reserved regulation capacity per interval, with the
shortfalls and costs derived from that schedule. Pure data; no I/O.

Arrays are (n_evs, n_intervals) in problem order; ``energy_wh`` is (n_evs, n_intervals + 1), the battery
energy at each interval boundary when the baseline is followed exactly (no regulation calls).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from csms.optimizer.problem import FloatArray


@dataclass(frozen=True, slots=True)
class CostBreakdown:
    """Currency amounts over the horizon for the baseline schedule (positive = money out)."""

    energy_import_cost: float
    energy_export_revenue: float
    regulation_revenue: float
    degradation_cost: float
    demand_charge_cost: float

    @property
    def net_cost(self) -> float:
        return (self.energy_import_cost - self.energy_export_revenue - self.regulation_revenue
                + self.degradation_cost + self.demand_charge_cost)


@dataclass(frozen=True, slots=True, eq=False)
class FleetPlan:
    status: str
    """'optimal', 'time_limit', 'solver_error' (then the plan is all-idle) or another HiGHS status name;
    decomposition: 'round_limit' = a feasible plan whose certified gap (objective − lower_bound) is above
    the tolerance."""
    ev_ids: tuple[str, ...]
    power_w: FloatArray
    reserve_up_w: FloatArray
    """Capacity to reduce net import (charge less / discharge more), W >= 0."""
    reserve_down_w: FloatArray
    """Capacity to increase net import (charge more / discharge less), W >= 0."""
    energy_wh: FloatArray
    ev_shortfall_wh: FloatArray
    """Per EV: required energy at departure minus energy the baseline delivers (>= 0)."""
    dr_shortfall_w: dict[str, float]
    """Per commitment: worst-interval excess of net import (incl. reserved down capacity) over the target."""
    dr_shortfall_wh: dict[str, float]
    site_net_power_w: FloatArray
    """Other load + fleet baseline, per interval."""
    site_import_excess_w: FloatArray
    """Per interval: amount by which import incl. full down call exceeds the limit (>= 0; 0 when possible)."""
    site_export_excess_w: FloatArray
    objective: float
    costs: CostBreakdown
    build_time_s: float
    solve_time_s: float
    n_variables: int
    n_constraints: int
    n_nonzeros: int
    method: str = "monolithic"
    lower_bound: float = float("nan")
    """Decomposition: a proven lower bound on the optimal objective (Lagrangian); nan for monolithic."""
    rounds: int = 0
    """Decomposition: pricing rounds run (chunk LP passes)."""

    @property
    def is_optimal(self) -> bool:
        return self.status == "optimal"

    @property
    def total_ev_shortfall_wh(self) -> float:
        return float(np.sum(self.ev_shortfall_wh))

    def fleet_power_w(self) -> FloatArray:
        return np.asarray(self.power_w.sum(axis=0), dtype=np.float64)
