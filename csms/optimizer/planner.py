"""Fleet planner: solves the fleet LP (``csms.optimizer.formulation``) with HiGHS in one piece, or by the
decomposition over EV chunks (``csms.optimizer.decomposition``) for large fleets.

Pure: takes a ``FleetProblem``, returns a ``FleetPlan``. Never raises on an infeasible need: shortfall slacks keep
the LP feasible and the plan reports what it could not deliver.
"""

from __future__ import annotations

import time

import highspy
import numpy as np

from csms.optimizer.decomposition import plan_decomposed
from csms.optimizer.formulation import (
    Lp,
    configure_highs,
    energy_rate_w,
    ev_block,
    finish_plan,
    idle_plan,
    link_fleet,
    site_block,
    status_name,
)
from csms.optimizer.problem import FleetProblem, fleet_arrays
from csms.optimizer.result import FleetPlan

__all__ = ["energy_rate_w", "idle_plan", "plan", "plan_monolithic"]


def plan(problem: FleetProblem) -> FleetPlan:
    """Solve the fleet problem; always returns a plan (status says how good it is).

    ``problem.options.method`` picks the monolithic LP or the decomposition over EV chunks
    (``csms.optimizer.decomposition``); "auto" decomposes fleets larger than one chunk."""
    opt = problem.options
    if opt.method == "decomposed" or (opt.method == "auto" and len(problem.evs) > opt.chunk_evs):
        return plan_decomposed(problem)
    return plan_monolithic(problem)


def plan_monolithic(problem: FleetProblem) -> FleetPlan:
    """One LP over the whole fleet (the reference the decomposition is measured against)."""
    t0 = time.perf_counter()
    fa = fleet_arrays(problem)
    n_k = problem.n_intervals
    lp = Lp()
    blk = ev_block(lp, problem, fa)
    site = site_block(lp, problem)
    link_fleet(lp, site, blk)

    highs = highspy.Highs()  # type: ignore[no-untyped-call]
    configure_highs(highs, problem)
    t1 = time.perf_counter()
    lp.solve(highs)
    t2 = time.perf_counter()

    status = status_name(highs)
    n_evs = fa.n_plugged.size
    power_w = np.zeros((n_evs, n_k))
    up_w = np.zeros((n_evs, n_k))
    dn_w = np.zeros((n_evs, n_k))
    objective = float("nan")
    if highs.getInfo().primal_solution_status == 2:  # a feasible primal solution is available
        x = np.asarray(highs.getSolution().col_value)
        power_w, up_w, dn_w = blk.schedule(x, n_evs, n_k)
        objective = float(highs.getInfo().objective_function_value)
    elif status == "optimal":
        status = "solver_error"
    return finish_plan(problem, fa, status, power_w, up_w, dn_w, objective, t1 - t0, t2 - t1,
                   lp.n_cols, lp.n_rows, lp.n_nonzeros)


