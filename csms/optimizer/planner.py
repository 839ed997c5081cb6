"""Fleet planner: solves the fleet LP (``csms.optimizer.formulation``) with HiGHS in one piece, or by the
decomposition over EV chunks (``csms.optimizer.decomposition``) for large fleets.

Pure: takes a ``FleetProblem``, returns a ``FleetPlan``. Never raises on an infeasible need: shortfall slacks keep
the LP feasible and the plan reports what it could not deliver.
"""

from __future__ import annotations

from csms.optimizer.coarse import plan_coarse
from csms.optimizer.decomposition import plan_decomposed
from csms.optimizer.formulation import energy_rate_w, idle_plan, network_can_bind, plan_monolithic
from csms.optimizer.problem import FleetProblem, fleet_arrays
from csms.optimizer.result import FleetPlan

__all__ = ["energy_rate_w", "idle_plan", "plan", "plan_monolithic", "use_decomposition"]


def plan(problem: FleetProblem) -> FleetPlan:
    """Solve the fleet problem; always returns a plan (status says how good it is).

    ``problem.options.method`` picks the monolithic LP or the decomposition over EV chunks
    (``csms.optimizer.decomposition``); "auto" decomposes when the problem has more plugged (EV, interval)
    pairs than ``options.monolithic_max_pairs`` (the measured crossover) and no topology limit can bind. The
    monolithic LP merges intervals after ``options.coarse_after_s`` into blocks (``csms.optimizer.coarse``)."""
    if use_decomposition(problem):
        return plan_decomposed(problem)
    return plan_coarse(problem)


def use_decomposition(problem: FleetProblem) -> bool:
    """Whether ``plan`` decomposes ``problem`` (see ``plan``)."""
    opt = problem.options
    if opt.method == "monolithic":
        return False
    if opt.method == "auto" and int(fleet_arrays(problem).n_plugged.sum()) <= opt.monolithic_max_pairs:
        return False
    return not network_can_bind(problem)


