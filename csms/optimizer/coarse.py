"""Coarser time steps later in the horizon: the same fleet LP over blocks of intervals, expanded back.

A receding-horizon plan is re-made long before its far end is applied, so the far end needs less time
resolution than the next hour. After ``options.coarse_after_s`` the intervals are merged into blocks of
``options.coarse_step_s`` (aligned to the clock, so hourly tariffs stay aligned); every
EV's arrival, each DR window edge and each change of the site's other load stays a block boundary; a
departure inside a block is moved to the block's start where that gives up no cheaper energy and little of
the EV's slack (the need is met earlier; a plan re-made nearer the departure has it exact), else it stays a
boundary. Within a block the plugged EVs, the limits and the other load are constant. The LP
(``formulation.solve_lp``) then runs with one power per EV and block and each block's length as its ``dt``;
prices are the block's mean, which is exact for a power constant over the block.

The plan is expanded back to the problem's own intervals (each block's power repeated) and finished and
reported on them, so the checker judges it on the original grid. Safe by construction: within a block the
power is constant, so the energy moves monotonically between the block ends where the LP bounds it (SoC
limits hold in between), a rising SoC under charge keeps every interval's taper bound at or above the
block end's, and topology and site rows are per power, the same in every interval of a block. Not used
when any interval has a regulation price (a reserve's single-interval call allowance is per interval of
the original grid), when an EV has a taper (a block's constant power is bounded by the taper at the block's
end SoC, so a battery near full fills much slower than on the original grid: EV2Gym's V2GProfitMax lost
5 % of its profit that way) or when blocks would not shrink the problem.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import numpy as np

from csms.optimizer.formulation import WarmStart, finish_plan, solve_lp
from csms.optimizer.problem import BoolArray, FleetArrays, FleetProblem, FloatArray, IntArray, fleet_arrays
from csms.optimizer.result import FleetPlan

_MIN_SHRINK = 0.8
"""Blocks are used only when they leave at most this share of the intervals."""


def time_blocks(problem: FleetProblem, fa: FleetArrays) -> IntArray | None:
    """Block boundaries (interval indices, from 0 to ``n_intervals``), or None when the problem keeps its grid."""
    opt = problem.options
    n, step = problem.n_intervals, problem.step_s
    factor = opt.coarse_step_s // step
    if opt.coarse_after_s <= 0 or factor < 2 or opt.coarse_step_s % step:
        return None
    mk = problem.market
    if max(mk.reg_up_price_per_mwh, default=0.0) > 0 or max(mk.reg_down_price_per_mwh, default=0.0) > 0:
        return None
    if any(len(t) for t in fa.charge_taper) or any(len(t) for t in fa.discharge_taper):
        return None  # a block's power is bounded by the taper at the block's end: too slow near full
    fine = int(opt.coarse_after_s // step)
    if fine >= n - 1:
        return None
    # Blocks start where the clock, in whole steps (rounded), is a multiple of the block: on the hour for an
    # aligned grid, and the same blocks for plans made a fraction of a step apart (their warm start matches).
    slot0 = round(problem.start_at.timestamp() / step)
    first = fine + (-(slot0 + fine)) % factor
    other = np.asarray(problem.site.other_load_w, dtype=np.float64)
    grid = np.unique(np.concatenate([np.arange(fine + 1), np.arange(first, n, factor), [n]]))
    rounded = grid[np.searchsorted(grid, fa.departure_index, side="right") - 1]
    keep = fa.departure_index[~_may_round(fa, rounded, np.asarray(mk.import_price_per_mwh, dtype=np.float64), step)]
    edges = [grid, fa.arrival_index, keep, 1 + np.flatnonzero(other[1:] != other[:-1])]
    for c in problem.dr_commitments:
        edges.append(np.asarray(problem.dr_window(c)))
    bounds = np.unique(np.clip(np.concatenate(edges), 0, n)).astype(np.int64)
    if bounds.size - 1 > _MIN_SHRINK * n:
        return None
    return bounds


def _may_round(fa: FleetArrays, rounded: IntArray, price: FloatArray, step_s: int) -> BoolArray:
    """Per EV: whether its departure may move back to ``rounded`` (the EV is done earlier, never later): when
    that costs at most half of its slack (plugged time beyond what full power needs) and the time given up is
    no cheaper than any of its stay before (so no cheap energy is lost)."""
    rate_w = fa.charge_efficiency * fa.max_charge_power_w
    needed = np.where(rate_w > 0, np.maximum(fa.required_energy_wh - fa.energy_initial_wh, 0.0)
                      / np.maximum(rate_w, 1e-9) * 3600 / step_s, np.inf)
    lost = fa.departure_index - rounded
    ok: BoolArray = (lost == 0) | ((rounded > fa.arrival_index) & (lost <= 0.5 * (fa.n_plugged - needed)))
    for i in np.flatnonzero(ok & (lost > 0)):
        given_up = price[rounded[i]:fa.departure_index[i]]
        ok[i] = bool(given_up.min() >= price[fa.arrival_index[i]:rounded[i]].max() - 1e-9)
    return ok


def coarse_problem(problem: FleetProblem, fa: FleetArrays, bounds: IntArray) -> tuple[FleetProblem, FleetArrays]:
    """The problem over the blocks ``bounds`` (a uniform-step problem with one interval per block: pass the
    block lengths as ``dt_h`` to the formulation) and its fleet arrays (windows in blocks)."""
    starts = bounds[:-1]
    weights = np.diff(bounds)
    block_of = np.full(problem.n_intervals + 1, -1, dtype=np.int64)
    block_of[bounds] = np.arange(bounds.size)
    departure = np.searchsorted(bounds, fa.departure_index, side="right") - 1  # the block start at or before

    def mean(values: tuple[float, ...]) -> tuple[float, ...]:
        return tuple((np.add.reduceat(np.asarray(values, dtype=np.float64), starts) / weights).tolist())

    mk = problem.market
    market = replace(mk, import_price_per_mwh=mean(mk.import_price_per_mwh),
                     export_price_per_mwh=mean(mk.export_price_per_mwh),
                     reg_up_price_per_mwh=mean(mk.reg_up_price_per_mwh),
                     reg_down_price_per_mwh=mean(mk.reg_down_price_per_mwh))
    other = np.asarray(problem.site.other_load_w, dtype=np.float64)[starts]
    site = replace(problem.site, other_load_w=tuple(other.tolist()))
    dr = []
    for c in problem.dr_commitments:
        first_k, end_k = (int(block_of[k]) for k in problem.dr_window(c))
        if end_k > first_k:
            step = timedelta(seconds=problem.step_s)
            dr.append(replace(c, start_at=problem.start_at + first_k * step, end_at=problem.start_at + end_k * step))
    coarse = replace(problem, n_intervals=int(weights.size), site=site, market=market, dr_commitments=tuple(dr))
    arrays = replace(fa, arrival_index=block_of[fa.arrival_index], departure_index=departure.astype(np.int64))
    return coarse, arrays


def plan_coarse(problem: FleetProblem, warm: WarmStart | None = None) -> FleetPlan:
    """The monolithic LP over time blocks (see the module docstring), or over the problem's own intervals
    when blocks do not apply; ``warm``: start from (and keep) the last basis of a stream of plans."""
    fa = fleet_arrays(problem)
    bounds = time_blocks(problem, fa)
    if bounds is None:
        bounds = np.arange(problem.n_intervals + 1, dtype=np.int64)
        coarse, arrays, dt_h = problem, fa, None
    else:
        coarse, arrays = coarse_problem(problem, fa, bounds)
        dt_h = np.diff(bounds) * problem.step_h
    weights = np.diff(bounds)
    start_s = problem.start_at.timestamp() + problem.step_s * bounds[:-1].astype(np.float64)
    lp = solve_lp(coarse, arrays, dt_h, warm=warm, start_s=start_s)
    power_w, up_w, dn_w = (np.repeat(x, weights, axis=1) for x in (lp.power_w, lp.up_w, lp.dn_w))
    return finish_plan(problem, fa, lp.status, power_w, up_w, dn_w, lp.objective, lp.build_s, lp.solve_s,
                       lp.n_cols, lp.n_rows, lp.n_nonzeros)


__all__ = ["coarse_problem", "plan_coarse", "time_blocks"]
