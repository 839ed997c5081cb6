"""Dantzig–Wolfe decomposition of the fleet LP over chunks of EVs (the planner for large fleets).

Why: the fleet LP is block-angular, independent per-EV blocks linked only by the per-interval fleet
aggregates P (net power), RU, RD (reserves) that enter the site rows (import/export split and prices,
site limits under full calls, DR commitments, demand-charge peak). HiGHS's simplex needs a number of
iterations that grows with the fleet and each iteration touches the whole fleet, so one LP costs
~N²; LPs over chunks of ``options.chunk_evs`` EVs cost ~N in total.

How (exact up to a certified gap, deterministic):

* Pricing problem per chunk: its EV block alone (``formulation.ev_block``) with its own costs (degradation,
  capacity revenue, shortfall penalty) plus prices π_P, π_U, π_D (currency per kW in each interval) on its
  aggregate contributions. Only the costs change between rounds, so every chunk keeps its HiGHS instance
  and re-solves from its previous basis.
* Restricted master: the site block (``formulation.site_block``, the monolithic LP's site part verbatim) plus,
  per group of EVs, a convex combination of the group's parts of the chunk solutions found so far (columns
  = the group's aggregates and own cost). It is always feasible (site/DR slacks, an all-idle column per
  group), and its optimum is a plan for the full LP: a convex combination of chunk-LP-feasible points is
  chunk-LP-feasible, so every per-EV safety argument of the monolithic formulation holds. Its objective is
  the monolithic LP's objective at that plan (an upper bound, UB).
* Linking rows only where coupling can bind (``_coupled``): an aggregate (P, RU or RD in one interval)
  whose site rows cannot bind for any EV-feasible plan and whose site cost is linear (the site certainly
  imports or exports there, or both prices are equal) has a known exact price; the master keeps that
  aggregate at 0 and adds its cost at that price to each column's cost, the chunks are always priced at it.
  An exact reformulation: at 10,000 EVs it leaves 70 of 288 linking rows, and sparse master columns.
* Master upkeep: λ <= 1 (implied) lets the dual simplex restart after columns are appended by bound flips;
  columns at zero for ``_PRUNE_AFTER`` consecutive solves are deleted (never the all-idle ones).
* Lower bound: for any prices π, L(π) = Σ_chunks min(chunk cost + π·aggregates) + min(site cost − π·agg)
  over physically bounded aggregates ≤ optimum (Lagrangian relaxation of the linking rows).
* Round 0 uses the prices the site would pay if no coupling row could bind (import price where the site
  certainly imports, export price where it certainly exports); when no coupling row can bind
  (``coupling_can_bind`` is False) the round-0 plan is the monolithic optimum and LB = UB after one pass.
* Later rounds price at the master's duals smoothed towards the best-bound prices (Wentges smoothing,
  which damps the dual oscillation of plain column generation), add the new columns and re-solve the
  master until UB − LB ≤ max(gap_abs_per_ev·N, gap_rel·|UB|) or ``max_rounds``.

Shortfalls keep their monolithic semantics: penalties sit in the chunk costs and the master's slacks, the
plan minimises the same weighted objective (within the certified gap) and ``finish_plan`` derives every
shortfall from the schedule. Pure: numpy/highspy only; no clock reads except the perf counters that report
build/solve time and the optional per-round trace; thread parallelism (``options.workers``) does not change
results.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields, replace

import highspy
import numpy as np

from csms.optimizer.formulation import (
    EvBlock,
    Lp,
    configure_highs,
    ev_block,
    finish_plan,
    idle_plan,
    network_can_bind,
    plan_monolithic,
    site_block,
    status_name,
)
from csms.optimizer.problem import FleetArrays, FleetProblem, FloatArray, IntArray, fleet_arrays
from csms.optimizer.result import FleetPlan

_SMOOTHING = 0.3
"""Wentges smoothing: prices = α·(best-bound prices) + (1 − α)·(master duals); measured 0.3 ≈ 0.5 ≈ 0.7 on
the 1,000-EV benchmark (18–22 rounds at 16–32 EVs per chunk)."""


_MAX_GROUPS = 2_500
"""Automatic group size keeps the master at most this many convexity rows. Finer groups mean fewer rounds
(1,000 EVs: 13 rounds with groups of 4, 25 with groups of 16; 10,000 EVs: 19 with 4, 26 with 8, 31 with
16). With sparse master columns (linking rows only where coupling can bind), λ <= 1 and column clean-up,
a 2,500-group master solves in 0.1–1.6 s per round at 10,000 EVs (before them, 14–33 s)."""

_PRUNE_AFTER = 5
"""A master column at zero in this many consecutive master solves is deleted (the group's all-idle column
never is): keeps the 10,000-EV master at ~19,000 columns instead of growing by 2,500 a round."""

_SAMPLE_EVERY = 10
_SAMPLE_MIN_EVS = 1_500
"""Fleets of at least this many plugged EVs (with a coupling that can bind) start from the best-bound
prices of every ``_SAMPLE_EVERY``-th EV's problem, site quantities scaled to the sample (``_sample``).
Measured: 2,000 EVs (1,988 plugged) 18 -> 11 rounds, 3,000 EVs 12 -> 8, 10,000 EVs 19 -> 11; 1,000 EVs 12 -> 14
(not used there)."""


def _take(fa: FleetArrays, idx: IntArray) -> FleetArrays:
    return FleetArrays(**{f.name: getattr(fa, f.name)[idx] for f in fields(FleetArrays)})


@dataclass(frozen=True, slots=True)
class _Bounds:
    """Per interval, in kW: Σ max charge and Σ max discharge power of the EVs plugged in."""

    charge: FloatArray
    discharge: FloatArray


def _fleet_bounds(problem: FleetProblem, fa: FleetArrays) -> _Bounds:
    plugged = fa.plugged_mask(problem.n_intervals)
    return _Bounds(charge=(plugged * fa.max_charge_power_w[:, None]).sum(axis=0) / 1e3,
                   discharge=(plugged * fa.max_discharge_power_w[:, None]).sum(axis=0) / 1e3)


def coupling_can_bind(problem: FleetProblem, *, tol_w: float = 1e-6) -> bool:
    """False when no site row can influence the optimum whatever the EVs do: site limits and DR hold at
    every fleet power (incl. full calls), the demand charge cannot exceed its floor, and in every interval
    the site either certainly imports, certainly exports, or import and export prices are equal. The fleet
    LP is then separable per EV at fixed prices and the decomposition is exact after one pass."""
    fa = fleet_arrays(problem)
    b = _fleet_bounds(problem, fa)
    site = problem.site
    other = np.asarray(site.other_load_w, dtype=np.float64) / 1e3
    hi, lo = other + b.charge, other - b.discharge
    tol = tol_w / 1e3
    if np.any(hi > site.import_limit_w / 1e3 + tol) or np.any(lo < -site.export_limit_w / 1e3 - tol):
        return True
    for c in problem.dr_commitments:
        first, end = problem.dr_window(c)
        if np.any(hi[first:end] > (c.baseline_w - c.reduction_w) / 1e3 + tol):
            return True
    if site.demand_charge_per_kw > 0 and np.any(hi > site.peak_floor_w / 1e3 + tol):
        return True
    mk = problem.market
    same_price = np.asarray(mk.import_price_per_mwh) == np.asarray(mk.export_price_per_mwh)
    return bool(np.any(~same_price & (lo < -tol) & (hi > tol)))


def _coupled(problem: FleetProblem, b: _Bounds) -> np.ndarray:
    """(3, n_intervals) bool: whether a site row can make the price of P, RU, RD in that interval differ
    from its linear site cost (``_initial_price`` for P, 0 for RU and RD) for some EV-feasible aggregates.

    P is free when the site certainly imports, certainly exports or import and export prices are equal, and
    neither site limit, a DR row nor the demand-charge row can bind; RU when the export-limit row (its only
    row) cannot bind; RD when neither the import-limit row nor a DR row can. The bounds use the per-EV power
    rows (p + r_down <= P_ch, p − r_up >= −P_dis), so they hold for every EV-feasible plan. No tolerance:
    a free dimension is priced exactly by its linear cost."""
    site, n_k = problem.site, problem.n_intervals
    other = np.asarray(site.other_load_w, dtype=np.float64) / 1e3
    hi, lo = other + b.charge, other - b.discharge
    import_row = hi > site.import_limit_w / 1e3
    export_row = lo < -site.export_limit_w / 1e3
    dr_row = np.zeros(n_k, dtype=bool)
    for c in problem.dr_commitments:
        first, end = problem.dr_window(c)
        dr_row[first:end] |= hi[first:end] > (c.baseline_w - c.reduction_w) / 1e3
    peak_row = (hi > site.peak_floor_w / 1e3) if site.demand_charge_per_kw > 0 else np.zeros(n_k, dtype=bool)
    mk = problem.market
    flip = (np.asarray(mk.import_price_per_mwh) != np.asarray(mk.export_price_per_mwh)) & (lo < 0) & (hi > 0)
    return np.stack([flip | import_row | export_row | dr_row | peak_row, export_row, import_row | dr_row])


def _initial_price(problem: FleetProblem, b: _Bounds) -> FloatArray:
    """Price per kW of fleet net power in each interval if no coupling row binds (currency per kW)."""
    other = np.asarray(problem.site.other_load_w, dtype=np.float64) / 1e3
    imp = np.asarray(problem.market.import_price_per_mwh, dtype=np.float64) / 1e3
    exp = np.asarray(problem.market.export_price_per_mwh, dtype=np.float64) / 1e3
    importing = np.where(other - b.discharge >= 0, True, np.where(other + b.charge <= 0, False, other >= 0))
    return np.where(importing, imp, exp) * problem.step_h


@dataclass(frozen=True, slots=True, eq=False)
class _Column:
    """One group's part of a chunk solution: per-pair kW (net, up, down), the group's aggregates per
    interval and its own cost (degradation, capacity revenue, shortfall penalty)."""

    net: FloatArray
    up: FloatArray
    dn: FloatArray
    agg: FloatArray
    """(3, n_intervals): P, RU, RD."""
    cost: float


@dataclass(frozen=True, slots=True, eq=False)
class _Group:
    """EVs that share one convexity row of the master (a slice of a chunk): their plugged pairs."""

    pairs: IntArray
    """Pair indices into the chunk's block."""
    ev: IntArray
    """Global EV index of each pair."""
    k: IntArray


class _Chunk:
    """A chunk's EV LP, kept alive across rounds so that re-solves start from the previous basis. Its EVs
    are independent in this LP, so each solution splits into one column per group of ``group_evs`` EVs:
    the master can then mix groups independently (more freedom per pricing pass, fewer rounds)."""

    def __init__(self, problem: FleetProblem, fa: FleetArrays, idx: IntArray, group_evs: int) -> None:
        self.idx = idx
        self.n_k = problem.n_intervals
        lp = Lp()
        self.blk: EvBlock = ev_block(lp, problem, _take(fa, idx))
        self.base_cost = lp.cost()
        self.n_cols, self.n_rows = lp.n_cols, lp.n_rows
        self.highs = highspy.Highs()  # type: ignore[no-untyped-call]
        configure_highs(self.highs, problem)
        # Presolve off and Devex dual pricing: the first (cold) solve of a 32-EV chunk LP takes ~30 % and
        # another ~25 % less time (35 instead of 70 ms, one core); warm re-solves are as fast as with the
        # defaults (they restart from the previous basis and never presolve).
        self.highs.setOptionValue("presolve", "off")
        self.highs.setOptionValue("simplex_dual_edge_weight_strategy", 1)
        self.highs.passModel(lp.model())
        self.n_nonzeros = lp.n_nonzeros
        self.status = "not_solved"
        self.run_s = 0.0
        """Seconds in HiGHS during the last ``solve`` (perf counter, reported by ``plan_decomposed``'s trace)."""
        self.retries = 0
        """Warm solves that did not end optimal and were repeated from scratch."""
        # Each priced column (p_ch, p_dis, r_up, r_dn) once: its price row (P, RU, RD), interval and sign.
        blk = self.blk
        parts = [(fam >= 0, fam, row, sign) for fam, row, sign in
                 ((blk.p_ch, 0, 1.0), (blk.p_dis, 0, -1.0), (blk.r_up, 1, 1.0), (blk.r_dn, 2, 1.0))]
        self.priced_cols = np.concatenate([fam[m] for m, fam, _, _ in parts])
        self.price_row = np.concatenate([np.full(int(m.sum()), row) for m, _, row, _ in parts])
        self.price_k = np.concatenate([blk.k[m] for m, _, _, _ in parts])
        self.price_sign = np.concatenate([np.full(int(m.sum()), sign) for m, _, _, sign in parts])
        self.all_cols = np.arange(self.n_cols, dtype=np.int32)
        local_group = np.arange(idx.size) // group_evs
        self.n_groups = int(local_group[-1]) + 1
        self.col_group = local_group[self.blk.col_ev]
        pair_group = local_group[self.blk.ev]
        self.groups = []
        for g in range(self.n_groups):
            pairs = np.flatnonzero(pair_group == g)
            self.groups.append(_Group(pairs=pairs, ev=idx[self.blk.ev[pairs]], k=self.blk.k[pairs]))
        missing_kwh = np.maximum(fa.required_energy_wh[idx] - fa.energy_initial_wh[idx], 0.0) / 1e3
        self.idle_cost = problem.options.ev_shortfall_penalty_per_kwh * np.bincount(
            local_group, weights=missing_kwh, minlength=self.n_groups)

    def idle_columns(self) -> list[_Column]:
        """Each group doing nothing: always chunk-LP-feasible (energy stays at its initial value, which is
        within its bounds), costing only the shortfall penalties. With them in the master the decomposition
        can always fall back to idling, so even a round-limited plan is as safe as idling."""
        return [_Column(net=np.zeros(g.pairs.size), up=np.zeros(g.pairs.size), dn=np.zeros(g.pairs.size),
                        agg=np.zeros((3, self.n_k)), cost=float(self.idle_cost[i]))
                for i, g in enumerate(self.groups)]

    def solve(self, prices: FloatArray) -> tuple[list[_Column], float] | None:
        """Solve at ``prices`` (3, n_intervals) on (P, RU, RD): one column per group and the chunk's priced
        objective; None if HiGHS gives no optimal point."""
        blk = self.blk
        cost = self.base_cost.copy()
        cost[self.priced_cols] += self.price_sign * prices[self.price_row, self.price_k]
        self.highs.changeColsCost(self.n_cols, self.all_cols, cost)
        t1 = time.perf_counter()
        self.highs.run()
        self.status = status_name(self.highs)
        if self.status != "optimal" or self.highs.getInfo().primal_solution_status != 2:
            # A warm restart can end in numerical trouble (seen once in ~6,000 re-solves at 10,000 EVs):
            # solve once more from scratch, with presolve.
            self.retries += 1
            self.highs.clearSolver()
            self.highs.setOptionValue("presolve", "on")
            self.highs.run()
            self.highs.setOptionValue("presolve", "off")
            self.status = status_name(self.highs)
        self.run_s = time.perf_counter() - t1
        if self.status != "optimal" or self.highs.getInfo().primal_solution_status != 2:
            return None
        x = np.asarray(self.highs.getSolution().col_value)
        net, up, dn = blk.pair_values(x)
        own_cost = np.bincount(self.col_group, weights=self.base_cost * x, minlength=self.n_groups)
        columns = []
        for i, g in enumerate(self.groups):
            gk = g.k
            agg = np.stack([np.bincount(gk, weights=v[g.pairs], minlength=self.n_k) for v in (net, up, dn)])
            columns.append(_Column(net=net[g.pairs], up=up[g.pairs], dn=dn[g.pairs],
                                   agg=agg.astype(np.float64), cost=float(own_cost[i])))
        return columns, float(cost @ x)


class _SiteLp:
    """The site part alone with bounded aggregates: min site cost − π·aggregates (Lagrangian term)."""

    def __init__(self, problem: FleetProblem, b: _Bounds) -> None:
        lp = Lp()
        self.site = site_block(lp, problem, link=False,
                                agg_bounds=(-b.discharge, b.charge, b.charge + b.discharge))
        self.base_cost = lp.cost()
        self.n_cols = lp.n_cols
        self.highs = highspy.Highs()  # type: ignore[no-untyped-call]
        configure_highs(self.highs, problem)
        self.highs.passModel(lp.model())

    def value(self, prices: FloatArray) -> float | None:
        cost = self.base_cost.copy()
        cost[self.site.agg_p] -= prices[0]
        cost[self.site.agg_up] -= prices[1]
        cost[self.site.agg_dn] -= prices[2]
        self.highs.changeColsCost(self.n_cols, np.arange(self.n_cols, dtype=np.int32), cost)
        self.highs.run()
        if status_name(self.highs) != "optimal":
            return None
        return float(self.highs.getInfo().objective_function_value)


@dataclass(frozen=True, slots=True, eq=False)
class _Master:
    objective: float
    prices: FloatArray
    """−duals of the aggregate rows, (3, n_intervals): the chunk-side price of P, RU, RD."""
    convexity_dual: FloatArray
    weights: list[FloatArray]
    """Per chunk, the convex weights of its columns (in the order they were added)."""


class _MasterLp:
    """Restricted master: site block + one convexity row per chunk + the chunk columns found so far.
    Kept alive: new columns are appended and HiGHS restarts from the previous basis."""

    def __init__(self, problem: FleetProblem, n_chunks: int, coupled: np.ndarray, fixed: FloatArray) -> None:
        lp = Lp()
        self.site = site_block(lp, problem)
        self.conv = lp.rows(n_chunks, 1.0, 1.0)
        self.coupled, self.fixed = coupled, np.where(coupled, 0.0, fixed)
        """Aggregates of free dimensions stay 0 in the master; their exact price is in each column's cost."""
        self.n_cols, self.n_rows = lp.n_cols, lp.n_rows
        self.n_nonzeros = 0
        self.highs = highspy.Highs()  # type: ignore[no-untyped-call]
        configure_highs(self.highs, problem)
        self.highs.setOptionValue("solver", "simplex")
        # HiGHS restarts from the previous basis after columns are appended. Primal simplex was measured
        # too: slightly less master time but other (degenerate) duals and 15–17 rounds instead of 12–13.
        model = lp.model()
        site = self.site
        agg_cols = np.stack([site.agg_p, site.agg_up, site.agg_dn])
        free_cols = agg_cols[~coupled]
        col_lo, col_hi = np.asarray(model.col_lower_), np.asarray(model.col_upper_)
        col_lo[free_cols] = 0.0
        col_hi[free_cols] = 0.0
        model.col_lower_, model.col_upper_ = col_lo, col_hi
        self.highs.passModel(model)
        self.n_nonzeros = lp.n_nonzeros
        self.lam: list[list[int]] = [[] for _ in range(n_chunks)]
        self.columns: list[list[_Column]] = [[] for _ in range(n_chunks)]
        self.retries = 0
        """Master solves that did not end optimal from the previous basis and were repeated from scratch."""
        self.n_site_cols = self.n_cols
        self.unused = np.zeros(0, dtype=np.int64)
        """Per master column after the site columns: consecutive solves in which it was at zero."""

    def add(self, new: list[tuple[int, _Column]]) -> None:
        """Append columns (chunk index, column)."""
        if not new:
            return
        site = self.site
        agg_rows = np.stack([site.row_p, site.row_up, site.row_dn])  # (3, n_intervals)
        starts, index, value = [0], [], []
        for c, col in new:
            nz = np.nonzero(col.agg * self.coupled)
            index.append(np.concatenate(([self.conv[c]], agg_rows[nz])))
            value.append(np.concatenate(([1.0], col.agg[nz])))
            starts.append(starts[-1] + index[-1].size)
            self.lam[c].append(self.n_cols)
            self.columns[c].append(col)
            self.n_cols += 1
        self.unused = np.concatenate([self.unused, np.zeros(len(new), dtype=np.int64)])
        n = len(new)
        idx = np.concatenate(index).astype(np.int32)
        cost = np.asarray([col.cost + float(np.sum(self.fixed * col.agg)) for _, col in new])
        # λ <= 1 (implied by the convexity row) makes the new columns boxed: the dual simplex restarts by
        # flipping them to a bound instead of a dual phase 1 (10,000 EVs: 2,000–6,000 iterations a round
        # instead of up to 21,000).
        self.highs.addCols(n, cost, np.zeros(n), np.ones(n), idx.size,
                           np.asarray(starts[:-1], dtype=np.int32), idx, np.concatenate(value))
        self.n_nonzeros += idx.size

    def solve(self) -> _Master | None:
        self.highs.run()
        if status_name(self.highs) != "optimal":
            # A warm restart can end without a status (3,000 EVs, round 4: "unknown" after 811 dual simplex
            # iterations): solve once more from scratch before giving up.
            self.retries += 1
            self.highs.clearSolver()
            self.highs.run()
        if status_name(self.highs) != "optimal":
            return None
        sol = self.highs.getSolution()
        x = np.asarray(sol.col_value)
        y = np.asarray(sol.row_dual)
        self.unused = np.where(x[self.n_site_cols:] > 0, 0, self.unused + 1)
        site = self.site
        prices = np.where(self.coupled, -np.stack([y[site.row_p], y[site.row_up], y[site.row_dn]]), self.fixed)
        weights = []
        for lam in self.lam:
            w = np.maximum(x[lam], 0.0)
            weights.append(w / w.sum() if w.sum() > 0 else np.eye(1, w.size)[0])
        return _Master(objective=float(self.highs.getInfo().objective_function_value), prices=prices,
                       convexity_dual=y[self.conv], weights=weights)

    def prune(self, max_unused: int) -> int:
        """Delete the columns that were at zero in the last ``max_unused`` solves (never a group's first,
        all-idle column); returns how many. Deleted columns are nonbasic, so the basis stays valid."""
        basic = np.asarray([st == highspy.HighsBasisStatus.kBasic for st in self.highs.getBasis().col_status])
        drop = (self.unused >= max_unused) & ~basic[self.n_site_cols:]
        for lam in self.lam:
            if lam:
                drop[lam[0] - self.n_site_cols] = False
        n_drop = int(drop.sum())
        if n_drop == 0:
            return 0
        gone = np.flatnonzero(drop) + self.n_site_cols
        self.highs.deleteCols(n_drop, gone.astype(np.int32))
        new_index = np.concatenate([np.arange(self.n_site_cols), self.n_site_cols + np.cumsum(~drop) - 1])
        for g, lam in enumerate(self.lam):
            keep = [i for i, j in enumerate(lam) if not drop[j - self.n_site_cols]]
            self.lam[g] = [int(new_index[lam[i]]) for i in keep]
            self.columns[g] = [self.columns[g][i] for i in keep]
        self.unused = self.unused[~drop]
        self.n_cols -= n_drop
        return n_drop


def _sample(problem: FleetProblem, every: int) -> FleetProblem:
    """Every ``every``-th EV with the site's loads, limits, peak floor and DR commitments scaled by the
    sample's share of the fleet (prices are per kW, so they carry over)."""
    evs = problem.evs[::every]
    f = len(evs) / len(problem.evs)
    site = problem.site
    return replace(problem, evs=evs,
                   site=replace(site, import_limit_w=site.import_limit_w * f, export_limit_w=site.export_limit_w * f,
                                other_load_w=tuple(w * f for w in site.other_load_w),
                                peak_floor_w=site.peak_floor_w * f),
                   dr_commitments=tuple(replace(c, reduction_w=c.reduction_w * f, baseline_w=c.baseline_w * f)
                                        for c in problem.dr_commitments))


def plan_decomposed(problem: FleetProblem, *, trace: list[dict[str, float]] | None = None,
                    _best_prices: list[FloatArray] | None = None) -> FleetPlan:
    """Plan the fleet by Dantzig–Wolfe over EV chunks (see the module docstring). ``trace``, when given,
    receives one record per round (perf-counter seconds of pricing and master, bounds, master size);
    ``_best_prices`` the final best-bound prices (used for the sampled start)."""
    if network_can_bind(problem):  # topology rows couple EVs beyond the site aggregates: one LP
        return plan_monolithic(problem)
    t0 = time.perf_counter()
    opt = problem.options
    fa = fleet_arrays(problem)
    n_evs, n_k = fa.n_plugged.size, problem.n_intervals
    b = _fleet_bounds(problem, fa)
    active = np.flatnonzero(fa.n_plugged > 0)
    group_evs = opt.group_evs or max(4, -(-active.size // _MAX_GROUPS))
    chunks = [_Chunk(problem, fa, active[i:i + opt.chunk_evs], min(group_evs, opt.chunk_evs))
              for i in range(0, active.size, opt.chunk_evs)]
    groups = [g for chunk in chunks for g in chunk.groups]
    site_lp = _SiteLp(problem, b)
    build_s = time.perf_counter() - t0
    pool = ThreadPoolExecutor(opt.workers) if opt.workers > 1 and len(chunks) > 1 else None

    def price_all(prices: FloatArray) -> tuple[list[_Column], float] | None:
        """Every group's column at ``prices`` and the Lagrangian bound L(prices); None if a solve failed."""
        tp = time.perf_counter()
        if pool is None:
            results = [chunk.solve(prices) for chunk in chunks]
        else:
            results = list(pool.map(lambda chunk: chunk.solve(prices), chunks))
        site_value = site_lp.value(prices)
        clock["pricing_s"] = time.perf_counter() - tp
        if site_value is None or any(r is None for r in results):
            return None
        done = [r for r in results if r is not None]
        return [col for cols, _ in done for col in cols], site_value + sum(value for _, value in done)

    clock: dict[str, float] = {}
    tol = opt.gap_abs_per_ev * n_evs
    center = np.zeros((3, n_k))
    center[0] = _initial_price(problem, b)
    coupled = _coupled(problem, b)
    if coupled.any() and active.size >= _SAMPLE_MIN_EVS:
        # Start from the best-bound prices of a sample of the fleet (a heuristic: any prices give a valid
        # bound and valid columns). At 10,000 EVs the first bound is then 13 below the optimum instead of
        # 940, and the rounds that only raise the bound disappear (19 -> 11 rounds for ~2.5 s of sample).
        sample = _sample(problem, _SAMPLE_EVERY)
        if np.any(fleet_arrays(sample).n_plugged > 0):
            sampled: list[FloatArray] = []
            plan_decomposed(sample, _best_prices=sampled)
            if sampled:  # empty if the sample's decomposition failed
                center = np.where(coupled, sampled[0], center)
    try:
        first = price_all(center)
        if first is None:
            failed = [chunk.status for chunk in chunks if chunk.status != "optimal"] or ["solver_error"]
            return _idle(problem, fa, failed[0], build_s, time.perf_counter() - t0 - build_s)
        master_lp = _MasterLp(problem, len(groups), coupled, center)
        master_lp.add([(g, col) for g, (idle, col) in enumerate(
            zip((c for ch in chunks for c in ch.idle_columns()), first[0], strict=True)) for col in (idle, col)])
        lower = first[1]
        rounds = 1
        alpha = _SMOOTHING
        while True:
            tm = time.perf_counter()
            master = master_lp.solve()
            if trace is not None:
                trace.append({"round": rounds, "pricing_s": clock.get("pricing_s", 0.0),
                              "master_s": time.perf_counter() - tm,
                              "master_iters": float(master_lp.highs.getInfo().simplex_iteration_count),
                              "upper": master.objective if master is not None else float("nan"),
                              "lower": lower, "master_cols": master_lp.n_cols,
                              "chunk_run_s": sum(c.run_s for c in chunks),
                              "retries": float(sum(c.retries for c in chunks)),
                              "master_retries": float(master_lp.retries),
                              "elapsed_s": time.perf_counter() - t0})
            if master is None:
                return _idle(problem, fa, "solver_error", build_s, time.perf_counter() - t0 - build_s)
            if master.objective - lower <= max(tol, opt.gap_rel * abs(master.objective)):
                status = "optimal"
                break
            if rounds >= opt.max_rounds:
                status = "round_limit"
                break
            trial = alpha * center + (1 - alpha) * master.prices
            priced = price_all(trial)
            rounds += 1
            if priced is None:  # keep the columns found so far; the master's plan stays valid
                status = "round_limit"
                break
            new, bound = priced
            if bound > lower:
                lower, center = bound, trial
            reduced = (np.asarray([col.cost for col in new])
                       + np.einsum("ij,gij->g", master.prices, np.stack([col.agg for col in new]))
                       - master.convexity_dual)
            if not np.any(reduced < -1e-9 * np.maximum(1.0, np.abs(master.convexity_dual))):
                alpha = max(0.0, alpha - 0.25)  # mispricing: the smoothed prices were too close to the centre
            master_lp.prune(_PRUNE_AFTER)
            master_lp.add(list(enumerate(new)))
    finally:
        if pool is not None:
            pool.shutdown()
    if _best_prices is not None:
        _best_prices.append(center)

    power_w, up_w, dn_w = np.zeros((n_evs, n_k)), np.zeros((n_evs, n_k)), np.zeros((n_evs, n_k))
    for group, cols, w in zip(groups, master_lp.columns, master.weights, strict=True):
        for target, part in ((power_w, "net"), (up_w, "up"), (dn_w, "dn")):
            target[group.ev, group.k] = np.einsum("j,jp->p", w, np.stack([getattr(c, part) for c in cols])) * 1e3
    total_s = time.perf_counter() - t0
    result = finish_plan(problem, fa, status, power_w, up_w, dn_w, master.objective, build_s, total_s - build_s,
                     sum(c.n_cols for c in chunks) + master_lp.n_cols,
                     sum(c.n_rows for c in chunks) + master_lp.n_rows,
                     sum(c.n_nonzeros for c in chunks) + master_lp.n_nonzeros)
    return _with(result, lower_bound=float(lower), rounds=rounds)


def _with(result: FleetPlan, *, lower_bound: float, rounds: int) -> FleetPlan:
    values = {f.name: getattr(result, f.name) for f in fields(FleetPlan)}
    values.update(method="decomposed", lower_bound=lower_bound, rounds=rounds)
    return FleetPlan(**values)


def _idle(problem: FleetProblem, fa: FleetArrays, status: str, build_s: float, solve_s: float) -> FleetPlan:
    return _with(idle_plan(problem, status, arrays=fa, build_s=build_s, solve_s=solve_s),
                 lower_bound=float("nan"), rounds=0)
