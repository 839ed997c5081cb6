"""Independent feasibility checker: lists every violated constraint of a schedule.

It shares nothing with the planner but the problem's definitions (plug-in windows, energy bounds,
departure needs in ``problem.fleet_arrays``): it re-simulates the battery with the exact piecewise
efficiency model from the plan's net power and reserves, so a formulation bug in the LP shows up here.
Used by tests and as a guard before a plan is applied (``is_safe``). Pure; no I/O.

Shared definitions, one rule each: SoC-dependent power limits are ``problem.taper_limit_w`` at the re-simulated
SoC at the end of each interval; topology limits are ``network.NetworkRule.excess_a``, the exact phasor rule
(the planner's rows are a linear inner approximation of it), on the baseline and on full calls.

Regulation calls follow the plan's own contract (``problem.options``): a call uses ``call_fraction`` of
the interval at full reserved power; per-interval mode checks a call in any one interval starting from the
baseline trajectory, sustained mode checks calls in every interval in the same direction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from csms.optimizer.network import NetworkRule
from csms.optimizer.problem import FleetProblem, FloatArray, fleet_arrays, taper_limit_w
from csms.optimizer.result import FleetPlan

SAFETY_KINDS = frozenset({"shape", "unplugged", "reserve_sign", "power_up", "power_down", "soc_min", "soc_max",
                          "call_up_soc", "call_down_soc", "site_import", "site_export", "network",
                          "network_call"})


@dataclass(frozen=True, slots=True)
class Violation:
    kind: str
    """One of SAFETY_KINDS, or a service kind: 'departure', 'call_departure' (a regulation call would cost a
    driver energy they cannot get back by departure), 'dr', 'report' (a shortfall under-reported)."""
    subject: str
    """ev_id, 'site', a DR commitment id, or a topology limit's name ('network', 'network_call')."""
    interval: int | None
    amount: float
    """Size of the violation in W (power kinds), Wh (energy kinds) or A ('network', 'network_call')."""

    @property
    def safety(self) -> bool:
        return self.kind in SAFETY_KINDS


def is_safe(violations: list[Violation]) -> bool:
    """True when no violation endangers hardware, the grid connection or a driver's reserve."""
    return not any(v.safety for v in violations)


def _f(power_w: FloatArray, eta_ch: FloatArray, eta_dis: FloatArray) -> FloatArray:
    return np.where(power_w >= 0, power_w * eta_ch, power_w / eta_dis)


def check_plan(problem: FleetProblem, plan: FleetPlan, *, tol_w: float = 1.0,
               tol_wh: float = 1.0, tol_a: float = 0.01) -> list[Violation]:
    """Every violated constraint of ``plan`` against ``problem`` (empty list = plan is valid)."""
    fa = fleet_arrays(problem)
    n, k = len(problem.evs), problem.n_intervals
    out: list[Violation] = []
    for name in ("power_w", "reserve_up_w", "reserve_down_w"):
        shape = getattr(plan, name).shape
        if shape != (n, k):
            out.append(Violation("shape", name, None, float(abs(shape[0] - n) + abs(shape[-1] - k))))
    if out:
        return out
    ids = [ev.ev_id for ev in problem.evs]
    p, up, dn = plan.power_w, plan.reserve_up_w, plan.reserve_down_w

    def report(kind: str, amount: FloatArray, tol: float, subjects: list[str] | None = None) -> None:
        amount = np.atleast_2d(amount)
        for i, j in zip(*np.nonzero(amount > tol), strict=True):
            subject = subjects[i] if subjects is not None else ids[i]
            out.append(Violation(kind, subject, int(j), float(amount[i, j])))

    plugged = fa.plugged_mask(k)
    report("unplugged", np.where(plugged, 0.0, np.abs(p) + np.abs(up) + np.abs(dn)), tol_w)
    report("reserve_sign", np.maximum(-up, 0.0) + np.maximum(-dn, 0.0), tol_w)
    dt_h = problem.step_h
    eta_c, eta_d = fa.charge_efficiency[:, None], fa.discharge_efficiency[:, None]
    e_min, e_max = fa.energy_min_wh[:, None], fa.energy_max_wh[:, None]
    alpha = problem.options.call_fraction
    base = _f(p, eta_c, eta_d) * dt_h
    called_up = ((1 - alpha) * _f(p, eta_c, eta_d) + alpha * _f(p - up, eta_c, eta_d)) * dt_h
    called_dn = ((1 - alpha) * _f(p, eta_c, eta_d) + alpha * _f(p + dn, eta_c, eta_d)) * dt_h
    e0 = fa.energy_initial_wh[:, None]
    energy = e0 + np.cumsum(base, axis=1)  # end of each interval
    start = np.concatenate([e0, energy[:, :-1]], axis=1)
    # Power limits, SoC-dependent where the EV has a taper: at the SoC at the end of the interval.
    soc_end = energy / fa.capacity_wh[:, None]
    ch_max, dis_max = np.empty((n, k)), np.empty((n, k))
    for i in range(n):
        ch_max[i] = taper_limit_w(problem.evs[i].charge_taper, fa.max_charge_power_w[i], soc_end[i])
        dis_max[i] = taper_limit_w(problem.evs[i].discharge_taper, fa.max_discharge_power_w[i], soc_end[i])
    report("power_down", np.where(plugged, p + dn - ch_max, 0.0), tol_w)
    report("power_up", np.where(plugged, -dis_max - (p - up), 0.0), tol_w)
    report("soc_min", np.where(plugged, e_min - energy, 0.0), tol_wh)
    report("soc_max", np.where(plugged, energy - e_max, 0.0), tol_wh)
    if problem.options.sustained_calls:
        worst_low = e0 + np.cumsum(called_up, axis=1)
        worst_high = e0 + np.cumsum(called_dn, axis=1)
    else:
        worst_low = start + called_up
        worst_high = start + called_dn
    report("call_up_soc", np.where(plugged, e_min - worst_low, 0.0), tol_wh)
    report("call_down_soc", np.where(plugged, worst_high - e_max, 0.0), tol_wh)

    dep = np.maximum(fa.departure_index, fa.arrival_index)
    boundary = np.concatenate([e0, energy], axis=1)
    at_dep = np.where(fa.n_plugged > 0, boundary[np.arange(n), dep], fa.energy_initial_wh)
    missing = fa.required_energy_wh - at_dep
    report("departure", np.where(missing > tol_wh, missing, 0.0)[:, None], tol_wh)
    report("report", (missing - plan.ev_shortfall_wh)[:, None], tol_wh)
    # Per-interval mode: a call must not take energy the driver needs. Beyond the reported shortfall, the need
    # stays reachable by charging at full power after the worst single call. (Sustained mode plans departure on
    # the baseline: calls in every interval in one direction are its SoC-safety case, not a departure promise.)
    call_missing = np.zeros((n, k))
    if not problem.options.sustained_calls:
        need = (fa.required_energy_wh - plan.ev_shortfall_wh)[:, None]
        after = np.maximum(dep[:, None] - 1 - np.arange(k)[None, :], 0)
        recovered = np.minimum(worst_low + eta_c * fa.max_charge_power_w[:, None] * dt_h * after, e_max)
        call_missing = np.where(plugged & (up > tol_w), need - recovered, 0.0)
    report("call_departure", call_missing, tol_wh)

    other = np.asarray(problem.site.other_load_w, dtype=np.float64)
    net = other + p.sum(axis=0)
    up_total, dn_total = up.sum(axis=0), dn.sum(axis=0)
    report("site_import", (net + dn_total - problem.site.import_limit_w)[None, :], tol_w, ["site"])
    report("site_export", (-problem.site.export_limit_w - (net - up_total))[None, :], tol_w, ["site"])
    if problem.topology is not None:
        rule = NetworkRule(problem.topology, [ev.evse_id for ev in problem.evs])
        names = list(rule.names)
        report("network", rule.excess_a(p), tol_a, names)
        called = np.maximum(rule.excess_a(p + dn), rule.excess_a(p - up))
        report("network_call", np.where(called > rule.excess_a(p), called, 0.0), tol_a, names)
    for c in problem.dr_commitments:
        first, end = problem.dr_window(c)
        excess = np.zeros(k)
        excess[first:end] = net[first:end] + dn_total[first:end] - (c.baseline_w - c.reduction_w)
        report("dr", excess[None, :], tol_w, [c.commitment_id])
        reported = plan.dr_shortfall_w.get(c.commitment_id, 0.0)
        report("report", np.array([[excess.max(initial=0.0) - reported]]), tol_w, [c.commitment_id])
    return out
