"""The fleet LP's formulation: sparse model builder, EV and site blocks, HiGHS settings, plan assembly.

Pure: takes a ``FleetProblem``, returns a ``FleetPlan``. Imports only numpy/scipy/highspy and this
package. ``plan`` solves this LP in one piece (``options.method='monolithic'``) or, for fleets larger than
one chunk, by the decomposition in ``csms.optimizer.decomposition``, which reuses the EV and site blocks
built here (``ev_block``, ``site_block``) and returns the same objective within a certified gap.
Never raises on an infeasible need: shortfall slacks keep the LP feasible and the plan reports
what it could not deliver (per EV, per DR commitment, per interval of site limit).

Formulation (LP units kW, kWh, currency; one column block per variable family, only for the
(EV, interval) pairs where the EV is plugged in):

* ``p_ch, p_dis >= 0``: baseline charge and discharge power; baseline net power p = p_ch − p_dis.
  ``p_dis`` exists only for EVs whose driver allows discharge.
* ``r_up, r_down >= 0``: reserved regulation capacity (r_up reduces net import, r_down increases it);
  only in intervals with a positive capacity price.
* Power bounds hold under a full call in either direction: p + r_down <= P_ch, p − r_up >= −P_dis.
* Battery energy. The true energy rate f(p) = η_ch·p (p >= 0) or p/η_dis (p < 0) is concave, so the
  LP keeps two state trajectories that bracket it:
  ``E`` (lower bound) integrates η_ch·p_ch − p_dis/η_dis (exact without simultaneous charge and
  discharge, otherwise lower); ``H`` (upper bound) integrates η_ch·p >= f(p). SoC minimum applies to E,
  SoC maximum to H, so both are safe whatever the solver does with p_ch and p_dis. H is only needed for
  EVs that may discharge (else H = E); the price is that H over-estimates the energy of an EV that has
  discharged by (1/η_dis − η_ch) of the discharged energy, a little capacity headroom lost.
* Regulation calls: a call of r_up changes the energy rate by at most r_up/η_dis (η_ch for EVs that do
  not discharge), a call of r_down by at most η_ch·r_down against H. With ``call_fraction`` α of the
  interval called: per-interval mode (default) requires E_k − α·dt·c·r_up,k >= E_min and
  H_k + α·dt·η_ch·r_down,k <= E_max for every k (any single interval may be fully called; the next
  re-plan starts from the measured SoC); sustained mode puts the calls into the E/H dynamics so the
  bounds hold even if every interval is called in the same direction.
* Departure: E at the end of the last plugged interval (+ the sustained-call allowance) + shortfall
  >= required energy. Per-interval mode also keeps the need reachable after any single call:
  E_k − α·dt·c·r_up,k + η_ch·P_ch·dt·(plugged intervals after k) + shortfall >= required energy, so a
  call never takes energy a driver needs and cannot get back by departure.
* Site: per interval the fleet aggregates P, RU, RD; other + P + RD <= import limit + excess,
  other + P − RU >= −export limit − excess, the excesses bounded by the site's own excess with every EV
  idle (idle is always feasible, so the LP is; the fleet never adds to a site-limit violation);
  DR: other + P + RD <= baseline − reduction + slack;
  peak z >= other + P when a demand charge is set.
* Objective: import cost − export revenue − capacity revenue + degradation·(p_ch + p_dis)·dt
  + demand charge·z + penalties·(EV shortfall kWh, DR slack kWh, site excess kWh).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import highspy
import numpy as np
import scipy.sparse as sp

from csms.optimizer.network import NetworkRule
from csms.optimizer.problem import FleetArrays, FleetProblem, FloatArray, IntArray, fleet_arrays
from csms.optimizer.result import CostBreakdown, FleetPlan

_INF = highspy.kHighsInf


@dataclass(frozen=True, slots=True, eq=False)
class Key:
    """Names a block of n columns or rows across plans: a family, and per member an EV index (into the fleet
    arrays) and an interval index, each None when the family has none. An empty family = unnamed."""

    family: str
    n: int
    ev: IntArray | None
    """EV indices; for the network families ("y ...", "polygon ...") a plain index within the family."""
    k: IntArray | None

    @property
    def per_ev(self) -> bool:
        return not self.family.startswith(("y ", "polygon "))

    @classmethod
    def of(cls, n: int, key: tuple[str, IntArray | None, IntArray | None] | None) -> Key:
        if key is None:
            return cls("", n, None, None)
        family, ev, k = key
        assert (ev is None or ev.size == n) and (k is None or k.size == n), family
        return cls(family, n, ev, k)


class WarmStart(Protocol):
    """A starting basis for the next LP of a stream and a memory of the last (``csms.optimizer.warm``)."""

    def apply(self, highs: highspy.Highs, lp: Lp, ev_ids: Sequence[str], slots: IntArray) -> bool: ...

    def store(self, highs: highspy.Highs, lp: Lp, ev_ids: Sequence[str], slots: IntArray) -> None: ...


class Lp:
    """Accumulates columns and COO entries; every method takes whole numpy blocks (no per-variable loops)."""

    def __init__(self) -> None:
        self.n_cols = 0
        self.n_rows = 0
        self.n_nonzeros = 0
        self._cost: list[FloatArray] = []
        self._col_lo: list[FloatArray] = []
        self._col_hi: list[FloatArray] = []
        self._row_lo: list[FloatArray] = []
        self._row_hi: list[FloatArray] = []
        self._r: list[IntArray] = []
        self._c: list[IntArray] = []
        self._v: list[FloatArray] = []
        self.col_keys: list[Key] = []
        """Per block of columns (and ``row_keys`` of rows): what each one is, for a warm start (``warm.py``)."""
        self.row_keys: list[Key] = []
        self.col_lower = self.col_upper = self.row_lower = self.row_upper = np.zeros(0)
        """Bounds, set by ``model``."""

    def cols(self, n: int, cost: FloatArray | float, lo: FloatArray | float, hi: FloatArray | float,
             key: tuple[str, IntArray | None, IntArray | None] | None = None) -> IntArray:
        first = self.n_cols
        self.n_cols += n
        self.col_keys.append(Key.of(n, key))
        self._cost.append(np.broadcast_to(np.asarray(cost, dtype=np.float64), (n,)))
        self._col_lo.append(np.broadcast_to(np.asarray(lo, dtype=np.float64), (n,)))
        self._col_hi.append(np.broadcast_to(np.asarray(hi, dtype=np.float64), (n,)))
        return np.arange(first, first + n, dtype=np.int64)

    def rows(self, n: int, lo: FloatArray | float, hi: FloatArray | float,
             key: tuple[str, IntArray | None, IntArray | None] | None = None) -> IntArray:
        first = self.n_rows
        self.n_rows += n
        self.row_keys.append(Key.of(n, key))
        self._row_lo.append(np.broadcast_to(np.asarray(lo, dtype=np.float64), (n,)))
        self._row_hi.append(np.broadcast_to(np.asarray(hi, dtype=np.float64), (n,)))
        return np.arange(first, first + n, dtype=np.int64)

    def entries(self, rows: IntArray, cols: IntArray, vals: FloatArray | float) -> None:
        """Add A[rows, cols] = vals; entries whose column is -1 (absent variable) are dropped."""
        vals_b = np.broadcast_to(np.asarray(vals, dtype=np.float64), rows.shape)
        keep = cols >= 0
        self._r.append(rows[keep])
        self._c.append(cols[keep])
        self._v.append(vals_b[keep])

    def cost(self) -> FloatArray:
        return np.concatenate(self._cost) if self._cost else np.zeros(0)

    def model(self) -> highspy.HighsLp:
        """The accumulated LP as a HiGHS model (column-wise sparse matrix); the entry lists are released."""
        matrix = sp.csc_matrix(
            (np.concatenate(self._v), (np.concatenate(self._r), np.concatenate(self._c))),
            shape=(self.n_rows, self.n_cols),
        )
        matrix.sum_duplicates()
        matrix.eliminate_zeros()
        self.n_nonzeros = int(matrix.nnz)
        model = highspy.HighsLp()
        model.num_col_ = self.n_cols
        model.num_row_ = self.n_rows
        model.col_cost_ = self.cost()
        self.col_lower, self.col_upper = np.concatenate(self._col_lo), np.concatenate(self._col_hi)
        self.row_lower, self.row_upper = np.concatenate(self._row_lo), np.concatenate(self._row_hi)
        model.col_lower_ = self.col_lower
        model.col_upper_ = self.col_upper
        model.row_lower_ = self.row_lower
        model.row_upper_ = self.row_upper
        model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        model.a_matrix_.num_col_ = self.n_cols
        model.a_matrix_.num_row_ = self.n_rows
        model.a_matrix_.start_ = matrix.indptr.astype(np.int32)
        model.a_matrix_.index_ = matrix.indices.astype(np.int32)
        model.a_matrix_.value_ = matrix.data
        self._r, self._c, self._v = [], [], []
        return model

    def solve(self, highs: highspy.Highs, warm: WarmStart | None = None, ev_ids: Sequence[str] = (),
              slots: IntArray | None = None) -> None:
        """Solve on ``highs``; with ``warm`` (and the EV ids and interval start times the keys refer to) from
        its last basis, which is then replaced by this solve's. ``slots``: each interval's start in whole steps
        since the epoch (``solve_lp``)."""
        highs.passModel(self.model())
        if warm is not None and slots is not None:
            warm.apply(highs, self, ev_ids, slots)
        highs.run()
        if warm is not None and slots is not None:
            warm.store(highs, self, ev_ids, slots)


@dataclass(frozen=True, slots=True, eq=False)
class _Pairs:
    """The plugged (EV, interval) pairs, EV-major, and their columns per variable family (-1 = absent)."""

    ev: IntArray
    k: IntArray
    first: IntArray
    """Pair index of each EV's first plugged interval (only EVs with a window)."""
    last: IntArray
    evs_with_window: IntArray


def _pairs(fa: FleetArrays) -> _Pairs:
    n_plugged = fa.n_plugged
    ev = np.repeat(np.arange(n_plugged.size, dtype=np.int64), n_plugged)
    offsets = np.concatenate(([0], np.cumsum(n_plugged)[:-1])).astype(np.int64)
    k = fa.arrival_index[ev] + (np.arange(ev.size, dtype=np.int64) - offsets[ev])
    with_window = np.flatnonzero(n_plugged > 0)
    return _Pairs(ev=ev, k=k, first=offsets[with_window], last=offsets[with_window] + n_plugged[with_window] - 1,
                  evs_with_window=with_window)


def _present(mask: np.ndarray, cols: IntArray) -> IntArray:
    """Scatter ``cols`` (one per True in ``mask``) into a -1-filled array the size of ``mask``."""
    out = np.full(mask.shape, -1, dtype=np.int64)
    out[mask] = cols
    return out


def _previous(cols: IntArray, is_first: np.ndarray) -> IntArray:
    prev = np.empty_like(cols)
    prev[0:1] = -1
    prev[1:] = cols[:-1]
    return np.where(is_first, -1, prev)


@dataclass(frozen=True, slots=True, eq=False)
class EvBlock:
    """Columns of the per-EV part of an LP, one entry per plugged (EV, interval) pair (-1 = absent)."""

    ev: IntArray
    k: IntArray
    p_ch: IntArray
    p_dis: IntArray
    r_up: IntArray
    r_dn: IntArray
    col_ev: IntArray
    """The EV (index into the block's fleet arrays) of each of the block's columns, from ``first_col``."""
    first_col: int
    ch_max: FloatArray
    """Per pair: the EV's maximum charge power (kW); ``dis_max`` its maximum discharge power."""
    dis_max: FloatArray

    def schedule(self, x: FloatArray, n_evs: int, n_k: int) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(net power, reserve up, reserve down) in W, (n_evs, n_k), from the LP solution ``x``."""
        power_w, up_w, dn_w = np.zeros((n_evs, n_k)), np.zeros((n_evs, n_k)), np.zeros((n_evs, n_k))
        net, up, dn = self.pair_values(x)
        power_w[self.ev, self.k] = net * 1e3
        up_w[self.ev, self.k] = up * 1e3
        dn_w[self.ev, self.k] = dn * 1e3
        return power_w, up_w, dn_w

    def pair_values(self, x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(net power, reserve up, reserve down) in kW per pair. Charge and discharge power are clipped to
        their column bounds: HiGHS may return values outside by up to its feasibility tolerance (hypothesis
        found p_ch = −6.1e-8 kW and p_dis = P_dis + 6.1e-8 kW, past the property tests' 1e-6 W)."""
        charge = np.clip(x[self.p_ch], 0.0, self.ch_max)
        net = charge - np.where(self.p_dis >= 0, np.clip(x[self.p_dis], 0.0, self.dis_max), 0.0)
        up = np.where(self.r_up >= 0, np.maximum(x[self.r_up], 0.0), 0.0)
        dn = np.where(self.r_dn >= 0, np.maximum(x[self.r_dn], 0.0), 0.0)
        return net, up, dn


@dataclass(frozen=True, slots=True, eq=False)
class SiteBlock:
    """Fleet aggregate columns (kW per interval) and, when linked, the rows that define them."""

    agg_p: IntArray
    agg_up: IntArray
    agg_dn: IntArray
    row_p: IntArray
    row_up: IntArray
    row_dn: IntArray


def ev_block(lp: Lp, problem: FleetProblem, fa: FleetArrays, dt_h: FloatArray | None = None) -> EvBlock:
    """Add the EV columns and rows (power bounds under calls, E/H dynamics, call energy, departure need).
    ``dt_h``: each interval's length in hours (default: ``problem.step_h`` each; see ``csms.optimizer.coarse``)."""
    opt = problem.options
    pr = _pairs(fa)
    first_col = lp.n_cols
    dt_k = interval_hours(problem, dt_h)
    t_end_h = np.cumsum(dt_k)
    dt = dt_k[pr.k]  # per pair
    alpha = opt.call_fraction
    m = pr.ev.size
    ev, kk = pr.ev, pr.k
    is_first = np.zeros(m, dtype=bool)
    is_first[pr.first] = True
    mk = problem.market
    up_price = np.asarray(mk.reg_up_price_per_mwh, dtype=np.float64) / 1e3  # per kW·h
    dn_price = np.asarray(mk.reg_down_price_per_mwh, dtype=np.float64) / 1e3

    p_ch_max = fa.max_charge_power_w / 1e3
    p_dis_max = fa.max_discharge_power_w / 1e3
    eta_ch, eta_dis = fa.charge_efficiency, fa.discharge_efficiency
    e0, e_min, e_max = fa.energy_initial_wh / 1e3, fa.energy_min_wh / 1e3, fa.energy_max_wh / 1e3
    c_up = np.where(p_dis_max > 0, 1.0 / eta_dis, eta_ch)  # worst energy rate of an up call, per kW
    deg = fa.degradation_cost_per_kwh[ev] * dt
    sooner = opt.time_preference_per_kwh_h * t_end_h[kk] * dt  # per kW: kWh x hours after the start
    p_ch = lp.cols(m, deg + sooner, 0.0, p_ch_max[ev], ("p_ch", ev, kk))
    dis_mask = p_dis_max[ev] > 0
    p_dis = _present(dis_mask, lp.cols(int(dis_mask.sum()), deg[dis_mask], 0.0, p_dis_max[ev][dis_mask],
                                        ("p_dis", ev[dis_mask], kk[dis_mask])))
    swing = (p_ch_max + p_dis_max)[ev]
    up_mask = up_price[kk] > 0
    r_up = _present(up_mask, lp.cols(int(up_mask.sum()), -up_price[kk][up_mask] * dt[up_mask], 0.0, swing[up_mask],
                                      ("r_up", ev[up_mask], kk[up_mask])))
    dn_mask = dn_price[kk] > 0
    r_dn = _present(dn_mask, lp.cols(int(dn_mask.sum()), -dn_price[kk][dn_mask] * dt[dn_mask], 0.0, swing[dn_mask],
                                      ("r_dn", ev[dn_mask], kk[dn_mask])))
    e_state = lp.cols(m, 0.0, e_min[ev], e_max[ev], ("e", ev, kk))
    if opt.sustained_calls:
        h_mask = np.ones(m, dtype=bool)
    else:
        h_mask = np.isin(ev, np.flatnonzero(p_dis_max > 0))
    h_state = _present(h_mask, lp.cols(int(h_mask.sum()), 0.0, e_min[ev][h_mask], e_max[ev][h_mask],
                                        ("h", ev[h_mask], kk[h_mask])))
    h_or_e = np.where(h_state >= 0, h_state, e_state)
    n_w = pr.evs_with_window.size
    shortfall = lp.cols(n_w, opt.ev_shortfall_penalty_per_kwh, 0.0, _INF, ("short", pr.evs_with_window, None))

    # Power bounds under a full call in either direction.
    rows = lp.rows(int(dn_mask.sum()), -_INF, p_ch_max[ev][dn_mask], ("pdn", ev[dn_mask], kk[dn_mask]))
    lp.entries(rows, p_ch[dn_mask], 1.0)
    lp.entries(rows, p_dis[dn_mask], -1.0)
    lp.entries(rows, r_dn[dn_mask], 1.0)
    rows = lp.rows(int(up_mask.sum()), -p_dis_max[ev][up_mask], _INF, ("pup", ev[up_mask], kk[up_mask]))
    lp.entries(rows, p_ch[up_mask], 1.0)
    lp.entries(rows, p_dis[up_mask], -1.0)
    lp.entries(rows, r_up[up_mask], -1.0)

    # Energy dynamics: E (lower trajectory) and H (upper trajectory).
    rhs = np.where(is_first, e0[ev], 0.0)
    rows = lp.rows(m, rhs, rhs, ("edyn", ev, kk))
    lp.entries(rows, e_state, 1.0)
    lp.entries(rows, _previous(e_state, is_first), -1.0)
    lp.entries(rows, p_ch, -dt * eta_ch[ev])
    lp.entries(rows, p_dis, dt / eta_dis[ev])
    if opt.sustained_calls:
        lp.entries(rows, r_up, alpha * dt * c_up[ev])
    hm = h_mask
    rows = lp.rows(int(hm.sum()), rhs[hm], rhs[hm], ("hdyn", ev[hm], kk[hm]))
    lp.entries(rows, h_state[hm], 1.0)
    lp.entries(rows, _previous(h_state, is_first)[hm], -1.0)
    lp.entries(rows, p_ch[hm], -dt[hm] * eta_ch[ev][hm])
    lp.entries(rows, p_dis[hm], dt[hm] * eta_ch[ev][hm])
    if opt.sustained_calls:
        lp.entries(rows, r_dn[hm], -alpha * dt[hm] * eta_ch[ev][hm])
    else:
        rows = lp.rows(int(up_mask.sum()), e_min[ev][up_mask], _INF, ("cup", ev[up_mask], kk[up_mask]))
        lp.entries(rows, e_state[up_mask], 1.0)
        lp.entries(rows, r_up[up_mask], -alpha * dt[up_mask] * c_up[ev][up_mask])
        rows = lp.rows(int(dn_mask.sum()), -_INF, e_max[ev][dn_mask], ("cdn", ev[dn_mask], kk[dn_mask]))
        lp.entries(rows, h_or_e[dn_mask], 1.0)
        lp.entries(rows, r_dn[dn_mask], alpha * dt[dn_mask] * eta_ch[ev][dn_mask])

    _taper_rows(lp, fa, ev, kk, p_ch, p_dis, r_up, r_dn, e_state, h_or_e)

    # Departure need.
    need = fa.required_energy_wh[pr.evs_with_window] / 1e3
    dep_rows = lp.rows(n_w, need, _INF, ("dep", pr.evs_with_window, None))
    lp.entries(dep_rows, e_state[pr.last], 1.0)
    lp.entries(dep_rows, shortfall, 1.0)
    if opt.sustained_calls:
        window_of_ev = np.full(fa.n_plugged.size, -1, dtype=np.int64)
        window_of_ev[pr.evs_with_window] = dep_rows
        lp.entries(window_of_ev[ev], r_up, alpha * dt * c_up[ev])
    else:
        # Departure under a call: after a full call of interval k's up reserve, charging at full power in
        # the EV's remaining plugged intervals must still reach the need (the next re-plan starts there).
        window = np.full(fa.n_plugged.size, -1, dtype=np.int64)
        window[pr.evs_with_window] = np.arange(n_w, dtype=np.int64)
        after_h = t_end_h[kk[pr.last[window[ev]]]] - t_end_h[kk]  # plugged hours after interval k
        floor = fa.required_energy_wh[ev] / 1e3 - eta_ch[ev] * p_ch_max[ev] * after_h
        call = up_mask & (floor > e_min[ev] + 1e-9)
        rows = lp.rows(int(call.sum()), floor[call], _INF, ("depcall", ev[call], kk[call]))
        lp.entries(rows, e_state[call], 1.0)
        lp.entries(rows, r_up[call], -alpha * dt[call] * c_up[ev][call])
        lp.entries(rows, shortfall[window[ev]][call], 1.0)
    col_ev = np.full(lp.n_cols - first_col, -1, dtype=np.int64)
    for family in (p_ch, p_dis, r_up, r_dn, e_state, h_state):
        present = family >= 0
        col_ev[family[present] - first_col] = ev[present]
    col_ev[shortfall - first_col] = pr.evs_with_window
    return EvBlock(ev=ev, k=kk, p_ch=p_ch, p_dis=p_dis, r_up=r_up, r_dn=r_dn, col_ev=col_ev, first_col=first_col,
                    ch_max=p_ch_max[ev], dis_max=p_dis_max[ev])


def _taper_rows(lp: Lp, fa: FleetArrays, ev: IntArray, kk: IntArray, p_ch: IntArray, p_dis: IntArray, r_up: IntArray,
                r_dn: IntArray, e_state: IntArray, h_or_e: IntArray) -> None:
    """SoC-dependent power limits (``problem.taper_lines``), at the SoC at the end of each interval (the
    lowest bound over the interval for a falling curve): charge + full down call <= a + b·soc, discharge +
    full up call <= a + b·soc. A falling line is read at the upper trajectory H, a rising one at the lower E,
    so the bound holds for the battery's true energy."""
    for curve, own, other, call, limit, name in (
            (fa.charge_taper, p_ch, p_dis, r_dn, fa.max_charge_power_w, "taper_ch"),
            (fa.discharge_taper, p_dis, p_ch, r_up, fa.max_discharge_power_w, "taper_dis")):
        for i in np.flatnonzero([bool(lines) for lines in curve] & (limit > 0)):
            pairs = np.flatnonzero(ev == i)
            cap_kwh = fa.capacity_wh[i] / 1e3
            for segment, (a_w, b_w) in enumerate(curve[i]):
                rows = lp.rows(pairs.size, -_INF, a_w / 1e3, (f"{name} {segment}", ev[pairs], kk[pairs]))
                lp.entries(rows, own[pairs], 1.0)
                lp.entries(rows, other[pairs], -1.0)
                lp.entries(rows, call[pairs], 1.0)
                state = h_or_e if b_w < 0 else e_state
                lp.entries(rows, state[pairs], -b_w / 1e3 / cap_kwh)


def site_block(lp: Lp, problem: FleetProblem, *, link: bool = True,
                agg_bounds: tuple[FloatArray, FloatArray, FloatArray] | None = None,
                dt_h: FloatArray | None = None) -> SiteBlock:
    """Add the fleet aggregates and the site part: import/export split and prices, site limits with full
    calls, DR commitments, demand-charge peak. ``link`` adds rows ``aggregate = Σ contributions`` (the
    caller adds the contributions); ``agg_bounds`` = (P lower, P upper, RU/RD upper) per interval bounds
    the aggregates (the stand-alone site LP of the decomposition's Lagrangian bound)."""
    opt = problem.options
    n_k = problem.n_intervals
    dt = interval_hours(problem, dt_h)
    ks_all = np.arange(n_k, dtype=np.int64)
    site = problem.site
    other = np.asarray(site.other_load_w, dtype=np.float64) / 1e3
    mk = problem.market
    imp_price = np.asarray(mk.import_price_per_mwh, dtype=np.float64) / 1e3  # per kWh
    exp_price = np.asarray(mk.export_price_per_mwh, dtype=np.float64) / 1e3
    if agg_bounds is None:
        agg_p = lp.cols(n_k, 0.0, -_INF, _INF, ("P", None, ks_all))
        agg_up = lp.cols(n_k, 0.0, 0.0, _INF, ("RU", None, ks_all))
        agg_dn = lp.cols(n_k, 0.0, 0.0, _INF, ("RD", None, ks_all))
    else:
        p_lo, p_hi, swing = agg_bounds
        agg_p = lp.cols(n_k, 0.0, p_lo, p_hi)
        agg_up = lp.cols(n_k, 0.0, 0.0, swing)
        agg_dn = lp.cols(n_k, 0.0, 0.0, swing)
    empty = np.zeros(0, dtype=np.int64)
    row_p, row_up, row_dn = empty, empty, empty
    if link:
        row_p = lp.rows(n_k, 0.0, 0.0, ("link_p", None, ks_all))
        lp.entries(row_p, agg_p, -1.0)
        row_up = lp.rows(n_k, 0.0, 0.0, ("link_up", None, ks_all))
        lp.entries(row_up, agg_up, -1.0)
        row_dn = lp.rows(n_k, 0.0, 0.0, ("link_dn", None, ks_all))
        lp.entries(row_dn, agg_dn, -1.0)

    g_imp = lp.cols(n_k, imp_price * dt, 0.0, _INF, ("g_imp", None, ks_all))
    g_exp = lp.cols(n_k, -exp_price * dt, 0.0, _INF, ("g_exp", None, ks_all))
    rows = lp.rows(n_k, -other, -other, ("balance", None, ks_all))
    lp.entries(rows, agg_p, 1.0)
    lp.entries(rows, g_imp, -1.0)
    lp.entries(rows, g_exp, 1.0)

    # Site excess only up to what the site exceeds with every EV idle: a plan never trades the grid
    # connection's safety for service (a decomposition master choosing among few columns would otherwise
    # weigh an export excess against a driver's shortfall).
    x_imp = lp.cols(n_k, opt.site_violation_penalty_per_kwh * dt, 0.0,
                    np.maximum(other - site.import_limit_w / 1e3, 0.0), ("x_imp", None, ks_all))
    x_exp = lp.cols(n_k, opt.site_violation_penalty_per_kwh * dt, 0.0,
                    np.maximum(-site.export_limit_w / 1e3 - other, 0.0), ("x_exp", None, ks_all))
    rows = lp.rows(n_k, -_INF, site.import_limit_w / 1e3 - other, ("import", None, ks_all))
    lp.entries(rows, agg_p, 1.0)
    lp.entries(rows, agg_dn, 1.0)
    lp.entries(rows, x_imp, -1.0)
    rows = lp.rows(n_k, -site.export_limit_w / 1e3 - other, _INF, ("export", None, ks_all))
    lp.entries(rows, agg_p, 1.0)
    lp.entries(rows, agg_up, -1.0)
    lp.entries(rows, x_exp, 1.0)

    for c in problem.dr_commitments:
        first_k, end_k = problem.dr_window(c)
        ks = np.arange(first_k, end_k, dtype=np.int64)
        if ks.size == 0:
            continue
        slack = lp.cols(ks.size, opt.dr_shortfall_penalty_per_kwh * dt[ks], 0.0, _INF,
                        (f"dr_slack {c.commitment_id}", None, ks))
        rows = lp.rows(ks.size, -_INF, (c.baseline_w - c.reduction_w) / 1e3 - other[ks],
                       (f"dr {c.commitment_id}", None, ks))
        lp.entries(rows, agg_p[ks], 1.0)
        lp.entries(rows, agg_dn[ks], 1.0)
        lp.entries(rows, slack, -1.0)

    if site.demand_charge_per_kw > 0:
        peak = lp.cols(1, site.demand_charge_per_kw * opt.peak_weight, site.peak_floor_w / 1e3, _INF,
                       ("peak", None, None))
        rows = lp.rows(n_k, -_INF, -other, ("peak", None, ks_all))
        lp.entries(rows, agg_p, 1.0)
        lp.entries(rows, np.repeat(peak, n_k), -1.0)
    return SiteBlock(agg_p, agg_up, agg_dn, row_p, row_up, row_dn)


def interval_hours(problem: FleetProblem, dt_h: FloatArray | None = None) -> FloatArray:
    """Each interval's length in hours: ``dt_h`` if given, else ``problem.step_h`` for every interval."""
    if dt_h is None:
        return np.full(problem.n_intervals, problem.step_h)
    assert dt_h.shape == (problem.n_intervals,)
    return dt_h


def link_fleet(lp: Lp, site: SiteBlock, blk: EvBlock) -> None:
    """Add the EV columns' contributions to the aggregate-defining rows."""
    lp.entries(site.row_p[blk.k], blk.p_ch, 1.0)
    lp.entries(site.row_p[blk.k], blk.p_dis, -1.0)
    lp.entries(site.row_up[blk.k], blk.r_up, 1.0)
    lp.entries(site.row_dn[blk.k], blk.r_dn, 1.0)


def network_rule(problem: FleetProblem, fa: FleetArrays) -> NetworkRule | None:
    """The topology's rule over the problem's EVs (columns in EV order), or None without a topology."""
    if problem.topology is None:
        return None
    return NetworkRule(problem.topology, [None if e is None else str(e) for e in fa.evse_id])


def network_can_bind(problem: FleetProblem) -> bool:
    """True when some topology limit can bind for the EVs' power ranges (then the LP needs its rows)."""
    if problem.topology is None:
        return False
    fa = fleet_arrays(problem)
    rule = network_rule(problem, fa)
    assert rule is not None
    return rule.rows(-fa.max_discharge_power_w, fa.max_charge_power_w,
                     angle_step_deg=problem.options.topology_angle_step_deg).rhs_a.size > 0


def network_block(lp: Lp, problem: FleetProblem, fa: FleetArrays, blk: EvBlock) -> int:
    """Add the topology's linear rows (``csms.optimizer.network``) per interval where they can bind; returns
    how many. Each row holds under the worst regulation call too: w·p + max(w, 0)·r_down + max(−w, 0)·r_up
    <= rhs (both calls counted at once: conservative, and topology sites seldom sell regulation).

    Without reserves the rows go through per-limit phasor groups: the EVs of a limit whose coefficients share
    an angle α (a site has a few: one per phase or line pair) add up to y_α = Σ |c_j|·p_j, and a row of
    direction θ is Σ_α cos(α − θ)·y_α <= rhs: the same constraint with a few nonzeros instead of one per EV
    (Caltech, 50 kW transformer: the day's 66 online plans 2.2x faster)."""
    rule = network_rule(problem, fa)
    if rule is None:
        return 0
    low, high = -fa.max_discharge_power_w, fa.max_charge_power_w
    rows = rule.rows(low, high, angle_step_deg=problem.options.topology_angle_step_deg)
    if rows.rhs_a.size == 0:
        return 0
    w = rows.weights
    plugged = fa.plugged_mask(problem.n_intervals).astype(np.float64)
    reach = np.maximum(w * high[None, :], w * low[None, :]) @ plugged  # (rows, intervals)
    active = reach > rows.rhs_a[:, None] * (1 + 1e-9)
    if np.any(blk.r_up >= 0) or np.any(blk.r_dn >= 0):
        return _network_rows_per_ev(lp, blk, w, rows.rhs_a, active)
    n_k = problem.n_intervals
    added = 0
    for i in np.unique(rows.limit_index[active.any(axis=1)]):
        rs = np.flatnonzero(rows.limit_index == i)
        act = active[rs]
        ks = np.flatnonzero(act.any(axis=0))
        c = rule.matrix[i]
        cols = np.flatnonzero(c != 0)
        mag = np.abs(c[cols])
        angles, group = np.unique(np.round(np.angle(c[cols]), 9), return_inverse=True)
        n_g = angles.size
        name = rule.names[i]
        k_of = np.tile(ks, n_g)
        y = lp.cols(n_g * ks.size, 0.0, -_INF, _INF, (f"y {name}", np.repeat(np.arange(n_g), ks.size), k_of)
                    ).reshape(n_g, ks.size)
        define = lp.rows(n_g * ks.size, 0.0, 0.0, (f"y {name}", np.repeat(np.arange(n_g), ks.size), k_of)
                         ).reshape(n_g, ks.size)
        lp.entries(define.ravel(), y.ravel(), -1.0)
        k_pos = np.full(n_k, -1, dtype=np.int64)
        k_pos[ks] = np.arange(ks.size)
        col_pos = np.full(fa.n_plugged.size, -1, dtype=np.int64)
        col_pos[cols] = np.arange(cols.size)
        sel = (col_pos[blk.ev] >= 0) & (k_pos[blk.k] >= 0)
        pe, pk = col_pos[blk.ev[sel]], k_pos[blk.k[sel]]
        target, val = define[group[pe], pk], mag[pe] * 1e3  # A per kW
        lp.entries(target, blk.p_ch[sel], val)
        lp.entries(target, blk.p_dis[sel], -val)
        rep = np.asarray([cols[np.argmax(group == g)] for g in range(n_g)])
        cosine = w[rs][:, rep] / np.abs(c[rep])[None, :]  # (rows of limit i, groups): cos(α − θ)
        r_idx, k_idx = np.nonzero(act[:, ks])
        polygon = lp.rows(r_idx.size, -_INF, rows.rhs_a[rs][r_idx], (f"polygon {name}", r_idx, ks[k_idx]))
        for g in range(n_g):
            lp.entries(polygon, y[g, k_idx], cosine[r_idx, g])
        added += r_idx.size
    return added


def _network_rows_per_ev(lp: Lp, blk: EvBlock, w: FloatArray, rhs_a: FloatArray, active: np.ndarray) -> int:
    """The rows with one entry per EV (and its reserves)."""
    row_id = np.full(active.shape, -1, dtype=np.int64)
    row_id[active] = lp.rows(int(active.sum()), -_INF, np.broadcast_to(rhs_a[:, None], active.shape)[active])
    rr = row_id[:, blk.k]
    wv = w[:, blk.ev] * 1e3  # A per kW
    keep = (rr >= 0) & (wv != 0)
    r_idx, pair = np.nonzero(keep)
    rid, val = rr[r_idx, pair], wv[r_idx, pair]
    lp.entries(rid, blk.p_ch[pair], val)
    lp.entries(rid, blk.p_dis[pair], -val)
    lp.entries(rid, blk.r_dn[pair], np.maximum(val, 0.0))
    lp.entries(rid, blk.r_up[pair], np.maximum(-val, 0.0))
    return int(active.sum())


def plan_monolithic(problem: FleetProblem) -> FleetPlan:
    """One LP over the whole fleet (the reference the decomposition is measured against)."""
    fa = fleet_arrays(problem)
    lp = solve_lp(problem, fa)
    return finish_plan(problem, fa, lp.status, lp.power_w, lp.up_w, lp.dn_w, lp.objective, lp.build_s, lp.solve_s,
                       lp.n_cols, lp.n_rows, lp.n_nonzeros)


@dataclass(frozen=True, slots=True, eq=False)
class LpSolution:
    """A solved fleet LP: schedule (W, EVs x intervals), objective, status, sizes and timings."""

    status: str
    power_w: FloatArray
    up_w: FloatArray
    dn_w: FloatArray
    objective: float
    build_s: float
    solve_s: float
    n_cols: int
    n_rows: int
    n_nonzeros: int


def solve_lp(problem: FleetProblem, fa: FleetArrays, dt_h: FloatArray | None = None, *,
             warm: WarmStart | None = None, start_s: FloatArray | None = None) -> LpSolution:
    """Build and solve the fleet LP in one piece (``dt_h``: interval lengths, see ``ev_block``; ``warm`` and
    ``start_s``, each interval's start in epoch seconds: a warm start, see ``csms.optimizer.warm``). The warm
    start's keys name an interval by its start in whole ``step_s`` since the epoch, rounded, so plans made a
    fraction of a step apart (a controller re-plans at any time) share them."""
    t0 = time.perf_counter()
    n_k = problem.n_intervals
    lp = Lp()
    blk = ev_block(lp, problem, fa, dt_h)
    site = site_block(lp, problem, dt_h=dt_h)
    link_fleet(lp, site, blk)
    network_block(lp, problem, fa, blk)

    highs = highspy.Highs()  # type: ignore[no-untyped-call]
    configure_highs(highs, problem)
    t1 = time.perf_counter()
    if warm is not None and start_s is None:
        start_s = problem.start_at.timestamp() + problem.step_s * np.arange(n_k, dtype=np.float64)
    slots = None if start_s is None else np.rint(start_s / problem.step_s).astype(np.int64)
    lp.solve(highs, warm, [ev.ev_id for ev in problem.evs], slots)
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
    return LpSolution(status, power_w, up_w, dn_w, objective, t1 - t0, t2 - t1, lp.n_cols, lp.n_rows,
                      lp.n_nonzeros)


def configure_highs(highs: highspy.Highs, problem: FleetProblem) -> None:
    opt = problem.options
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("presolve", "on")
    highs.setOptionValue("solver", opt.solver)
    highs.setOptionValue("run_crossover", "on" if opt.crossover else "off")
    highs.setOptionValue("time_limit", float(opt.time_limit_s))
    if opt.threads > 0:
        highs.setOptionValue("threads", int(opt.threads))


def status_name(highs: highspy.Highs) -> str:
    status = highs.getModelStatus()
    if status == highspy.HighsModelStatus.kOptimal:
        return "optimal"
    if status == highspy.HighsModelStatus.kTimeLimit:
        return "time_limit"
    return str(highs.modelStatusToString(status)).lower().replace(" ", "_")


def idle_plan(problem: FleetProblem, status: str, *, arrays: FleetArrays | None = None, build_s: float = 0.0,
              solve_s: float = 0.0) -> FleetPlan:
    """Every EV idle: no power, no reserve (shortfalls reported as the schedule leaves them)."""
    fa = arrays if arrays is not None else fleet_arrays(problem)
    zeros = np.zeros((fa.n_plugged.size, problem.n_intervals))
    return finish_plan(problem, fa, status, zeros, zeros.copy(), zeros.copy(), float("nan"), build_s, solve_s, 0, 0, 0)


def energy_rate_w(power_w: FloatArray, eta_ch: FloatArray, eta_dis: FloatArray) -> FloatArray:
    """Battery-side power for AC power ``power_w`` (+ charge): η_ch·p if p >= 0 else p/η_dis."""
    return np.where(power_w >= 0, power_w * eta_ch, power_w / eta_dis)


def finish_plan(problem: FleetProblem, fa: FleetArrays, status: str, power_w: FloatArray, up_w: FloatArray,
            dn_w: FloatArray, objective: float, build_s: float, solve_s: float, n_cols: int, n_rows: int,
            nnz: int) -> FleetPlan:
    """Derive energies, shortfalls, site figures and costs from the schedule itself (not from slacks)."""
    dt = problem.step_h
    rate = energy_rate_w(power_w, fa.charge_efficiency[:, None], fa.discharge_efficiency[:, None])
    energy_wh = np.concatenate([fa.energy_initial_wh[:, None], fa.energy_initial_wh[:, None]
                                + np.cumsum(rate * dt, axis=1)], axis=1)
    at_departure = energy_wh[np.arange(fa.n_plugged.size), np.maximum(fa.departure_index, fa.arrival_index)]
    at_departure = np.where(fa.n_plugged > 0, at_departure, fa.energy_initial_wh)
    ev_shortfall = np.maximum(fa.required_energy_wh - at_departure, 0.0)
    ev_shortfall = np.where(ev_shortfall > 1e-3, ev_shortfall, 0.0)

    other = np.asarray(problem.site.other_load_w, dtype=np.float64)
    net_w = other + power_w.sum(axis=0)
    up_total, dn_total = up_w.sum(axis=0), dn_w.sum(axis=0)
    import_excess = np.maximum(net_w + dn_total - problem.site.import_limit_w, 0.0)
    export_excess = np.maximum(-problem.site.export_limit_w - (net_w - up_total), 0.0)
    dr_w: dict[str, float] = {}
    dr_wh: dict[str, float] = {}
    for c in problem.dr_commitments:
        first_k, end_k = problem.dr_window(c)
        excess = np.maximum(net_w[first_k:end_k] + dn_total[first_k:end_k] - (c.baseline_w - c.reduction_w), 0.0)
        excess = np.where(excess > 1e-3, excess, 0.0)
        dr_w[c.commitment_id] = float(excess.max(initial=0.0))
        dr_wh[c.commitment_id] = float(excess.sum() * dt)

    mk = problem.market
    to_mwh = dt / 1e6
    imp = float(np.sum(np.maximum(net_w, 0.0) * np.asarray(mk.import_price_per_mwh)) * to_mwh)
    exp = float(np.sum(np.maximum(-net_w, 0.0) * np.asarray(mk.export_price_per_mwh)) * to_mwh)
    reg = float((np.sum(up_total * np.asarray(mk.reg_up_price_per_mwh))
                 + np.sum(dn_total * np.asarray(mk.reg_down_price_per_mwh))) * to_mwh)
    throughput_kwh = np.abs(power_w).sum(axis=1) * dt / 1e3
    deg = float(np.sum(throughput_kwh * fa.degradation_cost_per_kwh))
    peak_kw = max(float(net_w.max(initial=0.0)), problem.site.peak_floor_w) / 1e3
    demand = problem.site.demand_charge_per_kw * peak_kw if problem.site.demand_charge_per_kw > 0 else 0.0
    return FleetPlan(
        status=status,
        ev_ids=tuple(e.ev_id for e in problem.evs),
        power_w=power_w,
        reserve_up_w=up_w,
        reserve_down_w=dn_w,
        energy_wh=energy_wh,
        ev_shortfall_wh=ev_shortfall,
        dr_shortfall_w=dr_w,
        dr_shortfall_wh=dr_wh,
        site_net_power_w=net_w,
        site_import_excess_w=np.where(import_excess > 1e-3, import_excess, 0.0),
        site_export_excess_w=np.where(export_excess > 1e-3, export_excess, 0.0),
        objective=objective,
        costs=CostBreakdown(imp, exp, reg, deg, demand),
        build_time_s=build_s,
        solve_time_s=solve_s,
        n_variables=n_cols,
        n_constraints=n_rows,
        n_nonzeros=nnz,
    )

