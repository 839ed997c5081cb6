"""Fleet problem model: EVs, site, markets, demand-response commitments, horizon and options.

Pure frozen dataclasses plus the vectorised views the planner, checker and dispatcher share
(plug-in windows, energy bounds, departure requirements). No I/O, no clock reads: the horizon start
is a UTC-aware datetime carried by the problem.

Conventions (see DESIGN.md): power is signed, + = import/charge, − = export/discharge. Limits that are
magnitudes (``max_discharge_power_w``, ``export_limit_w``) are positive numbers. Prices are currency per
MWh of energy; regulation capacity prices are currency per MW of reserved capacity per hour
(``*_price_per_mwh`` as PJM quotes RMCCP). Degradation cost is currency per kWh of AC throughput.

Time discretisation: interval k covers [start_at + k·step, start_at + (k+1)·step). An EV is plugged in
interval k iff it is present for the whole interval: k ≥ ceil((arrival_at − start_at)/step) and
k < floor((departure_at − start_at)/step). ``soc_initial`` is the state of charge at max(arrival_at,
start_at), i.e. "now" for an EV already plugged in and "at plug-in" for a future arrival.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from csms.domain.topology import SiteTopology

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ObjectArray = npt.NDArray[np.object_]


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise ValueError(message)


def _aware(at: datetime, name: str) -> None:
    _require(at.tzinfo is not None and at.utcoffset() is not None, f"{name} must be timezone-aware")


@dataclass(frozen=True, slots=True)
class EvSpec:
    """One EV session as the planner sees it."""

    ev_id: str
    arrival_at: datetime
    departure_at: datetime
    capacity_wh: float
    soc_initial: float
    max_charge_power_w: float
    max_discharge_power_w: float = 0.0
    allow_discharge: bool = False
    soc_min: float = 0.0
    """Driver's minimum reserve: the plan never takes the battery below it (unless it starts below)."""
    soc_max: float = 1.0
    target_soc: float | None = None
    """SoC wanted at departure; combined with ``target_added_energy_wh`` by taking the larger need."""
    target_added_energy_wh: float = 0.0
    """Energy to add to the battery from ``soc_initial`` by departure (e.g. an ACN 'requested energy').
    With neither target set, the need is to leave with at least the energy the EV arrived with."""
    charge_efficiency: float = 0.95
    discharge_efficiency: float = 0.95
    degradation_cost_per_kwh: float = 0.0
    evse_id: str | None = None
    """The EVSE the EV is plugged into (a ``SiteTopology`` EVSE); required when the problem has a topology."""
    charge_taper: tuple[tuple[float, float], ...] = ()
    """SoC-dependent maximum charge power: (soc, max_charge_power_w) points; empty = constant. See ``taper_lines``."""
    discharge_taper: tuple[tuple[float, float], ...] = ()
    """SoC-dependent maximum discharge power (magnitudes), same form."""

    def __post_init__(self) -> None:
        _aware(self.arrival_at, "arrival_at")
        _aware(self.departure_at, "departure_at")
        _require(self.capacity_wh > 0, f"{self.ev_id}: capacity_wh must be > 0")
        for name in ("soc_initial", "soc_min", "soc_max"):
            value = getattr(self, name)
            _require(0.0 <= value <= 1.0, f"{self.ev_id}: {name} must be in [0, 1]")
        _require(self.soc_min <= self.soc_max, f"{self.ev_id}: soc_min must be <= soc_max")
        _require(self.target_soc is None or 0.0 <= self.target_soc <= 1.0, f"{self.ev_id}: bad target_soc")
        _require(self.target_added_energy_wh >= 0, f"{self.ev_id}: target_added_energy_wh must be >= 0")
        _require(self.max_charge_power_w >= 0, f"{self.ev_id}: max_charge_power_w must be >= 0")
        _require(self.max_discharge_power_w >= 0, f"{self.ev_id}: max_discharge_power_w is a magnitude, >= 0")
        for name in ("charge_efficiency", "discharge_efficiency"):
            value = getattr(self, name)
            _require(0.0 < value <= 1.0, f"{self.ev_id}: {name} must be in (0, 1]")
        _require(self.degradation_cost_per_kwh >= 0, f"{self.ev_id}: degradation_cost_per_kwh must be >= 0")
        for name in ("charge_taper", "discharge_taper"):
            try:
                taper_lines(getattr(self, name))
            except ValueError as exc:
                raise ValueError(f"{self.ev_id}: {name}: {exc}") from exc

    @property
    def departure_need_wh(self) -> float:
        """Battery energy the driver wants at departure: the larger of the target SoC's and the arrival energy
        plus the added energy (before clipping to ``soc_max``; `fleet_arrays` clips)."""
        return max(self.capacity_wh * (self.target_soc or 0.0),
                   self.capacity_wh * self.soc_initial + self.target_added_energy_wh)


def taper_lines(points: tuple[tuple[float, float], ...]) -> tuple[tuple[float, float], ...]:
    """A taper curve as lines ``max_power_w = a_w + b_w · soc``, one per pair of consecutive points: the curve is
    the minimum of them (and of the EV's constant maximum, and >= 0); beyond the first and last point the end
    segments extend (give points from soc 0 to 1). The points must be sorted by SoC with powers >= 0 and
    describe a concave curve (slopes never increasing: flat then falling near full for charging, rising near
    empty then flat for discharging), so the minimum of lines is the curve and the LP bound ``p <= a + b · soc``
    is linear. The one definition the planner, the checker and the envelope use."""
    if not points:
        return ()
    _require(all(0.0 <= s <= 1.0 and p >= 0 for s, p in points), "points need soc in [0, 1] and power >= 0")
    if len(points) == 1:
        return ((float(points[0][1]), 0.0),)
    _require(all(s1 > s0 for (s0, _), (s1, _) in pairwise(points)),
             "points must be sorted by increasing soc")
    lines = []
    for (s0, p0), (s1, p1) in pairwise(points):
        slope = (p1 - p0) / (s1 - s0)
        lines.append((float(p0 - slope * s0), float(slope)))
    _require(all(b1 <= b0 + 1e-9 for (_, b0), (_, b1) in pairwise(lines)),
             "the curve must be concave (slopes never increasing)")
    return tuple(lines)


def taper_limit_w(points: tuple[tuple[float, float], ...], max_power_w: float,
                  soc: FloatArray | float) -> FloatArray:
    """Maximum power at ``soc`` (one value per soc): min(max_power_w, the taper curve's lines)."""
    soc_arr = np.asarray(soc, dtype=np.float64)
    out = np.full(soc_arr.shape, float(max_power_w))
    for a, b in taper_lines(points):
        out = np.minimum(out, a + b * soc_arr)
    return np.asarray(np.maximum(out, 0.0), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Site:
    """Grid connection. ``other_load_w`` is the non-EV site load per interval (+ = consumption, PV < 0)."""

    import_limit_w: float
    export_limit_w: float
    other_load_w: tuple[float, ...]
    demand_charge_per_kw: float = 0.0
    """Charged on the peak baseline net import over the horizon (pro-rate a monthly charge yourself)."""
    peak_floor_w: float = 0.0
    """Peak already set earlier in the billing period: no charge for peaks below it (receding horizon)."""

    def __post_init__(self) -> None:
        _require(self.import_limit_w >= 0 and self.export_limit_w >= 0, "site limits are magnitudes, >= 0")
        _require(self.demand_charge_per_kw >= 0, "demand_charge_per_kw must be >= 0")


@dataclass(frozen=True, slots=True)
class Market:
    """Prices per interval. Export price must not exceed import price (else the LP would arbitrage the
    meter against itself); regulation prices are capacity payments per MW·h reserved."""

    import_price_per_mwh: tuple[float, ...]
    export_price_per_mwh: tuple[float, ...]
    reg_up_price_per_mwh: tuple[float, ...]
    reg_down_price_per_mwh: tuple[float, ...]

    def __post_init__(self) -> None:
        n = len(self.import_price_per_mwh)
        for name in ("export_price_per_mwh", "reg_up_price_per_mwh", "reg_down_price_per_mwh"):
            _require(len(getattr(self, name)) == n, f"market.{name} must have one value per interval")
        imp = np.asarray(self.import_price_per_mwh)
        exp = np.asarray(self.export_price_per_mwh)
        _require(bool(np.all(exp <= imp + 1e-9)), "export price must be <= import price in every interval")


@dataclass(frozen=True, slots=True)
class DrCommitment:
    """Demand response: in every interval overlapping [start_at, end_at) the site's net import, including a
    full call of reserved down-regulation, must be at most ``baseline_w − reduction_w``.

    Baseline definition: the *stated* baseline carried by the commitment (the customer baseline load the
    programme settles against, e.g. from the OpenADR event or the utility's 10-of-10 CBL), a constant over
    the window, in W of site net import. We do not estimate it: a baseline computed from our own plan
    would let the planner inflate it.
    """

    commitment_id: str
    start_at: datetime
    end_at: datetime
    reduction_w: float
    baseline_w: float

    def __post_init__(self) -> None:
        _aware(self.start_at, "start_at")
        _aware(self.end_at, "end_at")
        _require(self.end_at > self.start_at, f"{self.commitment_id}: end_at must be after start_at")
        _require(self.reduction_w >= 0, f"{self.commitment_id}: reduction_w must be >= 0")


SOLVERS = ("ipm", "simplex", "pdlp", "choose")
METHODS = ("auto", "monolithic", "decomposed")


@dataclass(frozen=True, slots=True)
class PlannerOptions:
    """Modelling assumptions, penalty weights and solver settings."""

    call_fraction: float = 1.0
    """Fraction of an interval during which reserved capacity may be called at full power (1.0 = worst case)."""
    sustained_calls: bool = False
    """False: SoC bounds hold if any single interval's reserve is called (the next re-plan starts from the
    measured SoC). True: they hold even if every interval's reserve is called in the same direction."""
    ev_shortfall_penalty_per_kwh: float = 1_000.0
    dr_shortfall_penalty_per_kwh: float = 100.0
    site_violation_penalty_per_kwh: float = 10_000.0
    solver: str = "simplex"
    """HiGHS LP method: dual simplex measured fastest on these models up to ~1,000 EVs (see docs)."""
    threads: int = 0
    """0 = HiGHS default."""
    time_limit_s: float = 600.0
    crossover: bool = False
    """IPM crossover gives a vertex solution; off is much faster on large fleets."""
    method: str = "auto"
    """'monolithic': one LP. 'decomposed': Dantzig–Wolfe over chunks of EVs (see
    ``csms.optimizer.decomposition``). 'auto': decomposed when the fleet is larger than one chunk."""
    chunk_evs: int = 32
    """EVs per chunk LP in the decomposition."""
    group_evs: int = 0
    """EVs per convexity row of the decomposition's master (a chunk solution gives one column per group);
    0 = automatic: 4, or more so that the master has at most 2,500 groups."""
    max_rounds: int = 60
    """Pricing rounds of the decomposition before it returns its best plan with status 'round_limit'."""
    gap_abs_per_ev: float = 1e-3
    """Decomposition stops when its certified optimality gap (objective − Lagrangian lower bound) is at most
    max(gap_abs_per_ev · n_evs, gap_rel · |objective|) currency."""
    gap_rel: float = 1e-6
    workers: int = 2
    """Threads solving the decomposition's chunk LPs in parallel (HiGHS releases the GIL); the plan does
    not depend on it (each chunk keeps its own HiGHS instance and results are combined in chunk order)."""
    time_preference_per_kwh_h: float = 1e-4
    """Cost per kWh of charge per hour after the horizon start: among equally priced plans, deliver sooner
    (online, without it a plan defers charging that costs the same now, and later arrivals find less room).
    Small against real price differences (1e-4 = 0.0024 per kWh over a day)."""
    peak_weight: float = 1.0
    """Weight of the demand charge in the objective (e.g. the horizon's share of the billing period; the
    reported cost always counts it in full)."""
    topology_angle_step_deg: float = 6.0
    """Direction spacing of the linear rows for three-phase limits (``csms.optimizer.network``): at most
    1 − cos(step/2) of a limit is given up (0.14 % at 6°)."""
    coarse_after_s: float = 7_200.0
    """After this much of the horizon, intervals are merged into blocks of ``coarse_step_s`` (one power per EV
    and block, ``csms.optimizer.coarse``): a receding-horizon plan is re-made long before its far end is
    applied. 0 = the whole horizon at ``step_s``. Not used with regulation prices."""
    coarse_step_s: int = 1_800
    """Block length after ``coarse_after_s`` (a multiple of the problem's step; else no blocks)."""
    monolithic_max_pairs: int = 6_500
    """'auto' solves one LP up to this many plugged (EV, interval) pairs and decomposes above (measured
    crossover, docs/benchmarks-optimizer.md); a topology whose limits can bind is always solved as one LP."""

    def __post_init__(self) -> None:
        _require(0.0 <= self.call_fraction <= 1.0, "call_fraction must be in [0, 1]")
        _require(self.solver in SOLVERS, f"solver must be one of {SOLVERS}")
        _require(self.method in METHODS, f"method must be one of {METHODS}")
        _require(min(self.chunk_evs, self.max_rounds, self.workers) >= 1 and self.group_evs >= 0,
                 "chunk_evs, max_rounds and workers must be >= 1, group_evs >= 0")
        _require(self.gap_abs_per_ev >= 0 and self.gap_rel >= 0, "gap tolerances must be >= 0")
        for name in ("ev_shortfall_penalty_per_kwh", "dr_shortfall_penalty_per_kwh",
                     "site_violation_penalty_per_kwh"):
            _require(getattr(self, name) > 0, f"{name} must be > 0")
        _require(self.time_preference_per_kwh_h >= 0 and self.peak_weight >= 0,
                 "time_preference_per_kwh_h and peak_weight must be >= 0")
        _require(0.0 < self.topology_angle_step_deg <= 60.0, "topology_angle_step_deg must be in (0, 60]")
        _require(self.monolithic_max_pairs >= 0, "monolithic_max_pairs must be >= 0")
        _require(self.coarse_after_s >= 0 and self.coarse_step_s > 0, "coarse_after_s >= 0, coarse_step_s > 0")


@dataclass(frozen=True, slots=True)
class FleetProblem:
    start_at: datetime
    step_s: int
    n_intervals: int
    evs: tuple[EvSpec, ...]
    site: Site
    market: Market
    dr_commitments: tuple[DrCommitment, ...] = ()
    options: PlannerOptions = field(default_factory=PlannerOptions)
    topology: SiteTopology | None = None
    """The site's current limits behind the connection point (``site`` keeps the connection's power limits);
    every EV must then name an EVSE of it."""

    def __post_init__(self) -> None:
        _aware(self.start_at, "start_at")
        _require(self.step_s > 0 and self.n_intervals > 0, "step_s and n_intervals must be > 0")
        _require(len(self.site.other_load_w) == self.n_intervals, "site.other_load_w: one value per interval")
        _require(len(self.market.import_price_per_mwh) == self.n_intervals, "market: one value per interval")
        ids = [ev.ev_id for ev in self.evs]
        _require(len(set(ids)) == len(ids), "ev_id values must be unique")
        if self.topology is not None:
            known = set(self.topology.evse_ids)
            for ev in self.evs:
                _require(ev.evse_id in known, f"{ev.ev_id}: evse_id {ev.evse_id!r} is not in the site topology")

    @property
    def step_h(self) -> float:
        return self.step_s / 3600.0

    @property
    def end_at(self) -> datetime:
        return self.start_at + timedelta(seconds=self.step_s * self.n_intervals)

    def interval_of(self, at: datetime, *, round_up: bool) -> int:
        """Index of the interval boundary at or after (round_up) / at or before ``at``, clipped to [0, K]."""
        offset = (at - self.start_at).total_seconds() / self.step_s
        index = math.ceil(offset - 1e-9) if round_up else math.floor(offset + 1e-9)
        return min(max(index, 0), self.n_intervals)

    def dr_window(self, commitment: DrCommitment) -> tuple[int, int]:
        """Intervals [first, last) that overlap the commitment window."""
        return (self.interval_of(commitment.start_at, round_up=False),
                self.interval_of(commitment.end_at, round_up=True))


@dataclass(frozen=True, slots=True, eq=False)
class FleetArrays:
    """Column view of the fleet (one entry per EV), the shared semantics of windows and energy bounds."""

    arrival_index: IntArray
    departure_index: IntArray
    """Plugged in intervals [arrival_index, departure_index); empty if departure_index <= arrival_index."""
    energy_initial_wh: FloatArray
    energy_min_wh: FloatArray
    """min(soc_min·capacity, energy_initial): an EV that starts below its reserve may not go lower."""
    energy_max_wh: FloatArray
    """max(soc_max·capacity, energy_initial)."""
    required_energy_wh: FloatArray
    """Energy needed at the end of the last plugged interval: the departure need clipped to energy_max,
    or, when departure is after the horizon, what is needed so full-power charging after the horizon (at the
    taper's power at the needed SoC, if the EV has a taper) can still reach the need."""
    max_charge_power_w: FloatArray
    max_discharge_power_w: FloatArray
    """0 where the driver does not allow discharge."""
    charge_efficiency: FloatArray
    discharge_efficiency: FloatArray
    degradation_cost_per_kwh: FloatArray
    capacity_wh: FloatArray
    charge_taper: ObjectArray
    """Per EV: its ``taper_lines`` of ``EvSpec.charge_taper`` (an empty tuple = no taper)."""
    discharge_taper: ObjectArray
    evse_id: ObjectArray
    """Per EV: ``EvSpec.evse_id`` (str or None)."""

    @property
    def n_plugged(self) -> IntArray:
        return np.asarray(np.maximum(self.departure_index - self.arrival_index, 0), dtype=np.int64)

    def plugged_mask(self, n_intervals: int) -> BoolArray:
        k = np.arange(n_intervals)
        return (k[None, :] >= self.arrival_index[:, None]) & (k[None, :] < self.departure_index[:, None])


def with_topology(problem: FleetProblem, topology: SiteTopology, evse_of: Mapping[str, str]) -> FleetProblem:
    """``problem`` under a site topology: each EV attached to its EVSE (``evse_of``: ev_id -> topology EVSE id,
    e.g. from ``csms.domain.topology.topology_evse_id``) and the site's import/export limits tightened to the
    connection point's. The planner entry point for a controller that knows the site (then ``plan`` /
    ``plan_checked`` as before). Raises ValueError for an EV without a known EVSE."""
    evs = tuple(replace(ev, evse_id=evse_of.get(ev.ev_id)) for ev in problem.evs)
    site = problem.site
    if topology.import_limit_w is not None:
        site = replace(site, import_limit_w=min(site.import_limit_w, topology.import_limit_w))
    if topology.export_limit_w is not None:
        site = replace(site, export_limit_w=min(site.export_limit_w, topology.export_limit_w))
    return replace(problem, evs=evs, site=site, topology=topology)


def fleet_arrays(problem: FleetProblem) -> FleetArrays:
    """Vectorised per-EV view of ``problem.evs``."""
    evs = problem.evs
    n = len(evs)

    def col(values: list[float]) -> FloatArray:
        return np.asarray(values, dtype=np.float64).reshape(n)

    start = problem.start_at
    step = float(problem.step_s)
    arr_off = col([(ev.arrival_at - start).total_seconds() / step for ev in evs])
    dep_off = col([(ev.departure_at - start).total_seconds() / step for ev in evs])
    k = problem.n_intervals
    arrival_index = np.clip(np.ceil(arr_off - 1e-9), 0, k).astype(np.int64)
    departure_index = np.clip(np.floor(dep_off + 1e-9), 0, k).astype(np.int64)

    capacity = col([ev.capacity_wh for ev in evs])
    e0 = capacity * col([ev.soc_initial for ev in evs])
    e_min = np.minimum(capacity * col([ev.soc_min for ev in evs]), e0)
    e_max = np.maximum(capacity * col([ev.soc_max for ev in evs]), e0)
    need = np.minimum(col([ev.departure_need_wh for ev in evs]), e_max)
    p_ch = col([ev.max_charge_power_w for ev in evs])
    eta_ch = col([ev.charge_efficiency for ev in evs])
    after_h = np.maximum(dep_off - np.maximum(arr_off, k), 0.0) * step / 3600.0
    # After the horizon the EV charges at most at its taper's power at the needed SoC (a concave falling curve
    # is lowest at the end of the way), so the need left for after the horizon is never overestimated.
    p_after = np.asarray([float(taper_limit_w(ev.charge_taper, ev.max_charge_power_w, need[i] / capacity[i]))
                          if ev.charge_taper else ev.max_charge_power_w for i, ev in enumerate(evs)],
                         dtype=np.float64).reshape(n)
    need = np.where(after_h > 0, need - eta_ch * p_after * after_h, need)
    need = np.maximum(need, e_min)
    allow = np.asarray([ev.allow_discharge for ev in evs], dtype=bool).reshape(n)
    return FleetArrays(
        arrival_index=arrival_index,
        departure_index=departure_index,
        energy_initial_wh=e0,
        energy_min_wh=e_min,
        energy_max_wh=e_max,
        required_energy_wh=need,
        max_charge_power_w=p_ch,
        max_discharge_power_w=np.where(allow, col([ev.max_discharge_power_w for ev in evs]), 0.0),
        charge_efficiency=eta_ch,
        discharge_efficiency=col([ev.discharge_efficiency for ev in evs]),
        degradation_cost_per_kwh=col([ev.degradation_cost_per_kwh for ev in evs]),
        capacity_wh=capacity,
        charge_taper=_objects([taper_lines(ev.charge_taper) for ev in evs]),
        discharge_taper=_objects([taper_lines(ev.discharge_taper) for ev in evs]),
        evse_id=_objects([ev.evse_id for ev in evs]),
    )


def _objects(values: list[object]) -> ObjectArray:
    out = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        out[i] = value
    return out
