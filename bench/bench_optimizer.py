"""Planner and real-time dispatcher benchmarks (figures, never pass/fail).

    .venv/bin/python bench/bench_optimizer.py                 # 100 and 1,000 EVs, dispatch of 10,000
    .venv/bin/python bench/bench_optimizer.py --sizes 100 1000 10000 --dispatch 10000
    .venv/bin/python bench/bench_optimizer.py --sizes 100 1000 --dispatch 0 --compare   # + monolithic gap

``--method`` picks the planner (auto = Dantzig–Wolfe decomposition over EV chunks for fleets larger than
one chunk, see csms/optimizer/decomposition.py; monolithic = one LP). ``--compare`` also solves the same
problem with the monolithic LP in the same subprocess and prints the decomposition's optimality gap.

Each planner size runs in its own subprocess so the peak RSS (resource.getrusage) is that solve's.
The fleet is synthetic but priced with real data from $CSMS_DATA_DIR (default: the repository's data/): CAISO
April-2016 hourly energy price profile (import; export at 80 %), PJM 2017-01-01 hourly regulation
capacity price RMCCP (split half to up, half to down, as if sold as separate products). 24 h x 15 min;
30 % of EVs already plugged at the start, the rest arrive over the day and stay 3-14 h; 60 % allow V2G.
``--all-plugged`` plugs every EV for the whole horizon (the LP's worst case size).
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
import json
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from csms.grid.data import data_path, open_data_text
from csms.optimizer import (
    DrCommitment,
    EvSpec,
    FleetProblem,
    Market,
    PlannerOptions,
    Site,
    check_plan,
    dispatch_regulation,
    is_safe,
    plan,
    snapshot_from_plan,
)

START_AT = datetime(2019, 6, 3, tzinfo=UTC)
N_INTERVALS = 96
STEP_S = 900




def hourly_to_intervals(hourly: list[float]) -> tuple[float, ...]:
    return tuple(float(hourly[(k * STEP_S // 3600) % len(hourly)]) for k in range(N_INTERVALS))


def real_prices() -> tuple[tuple[float, ...], tuple[float, ...]]:
    """(energy price per MWh, regulation capacity price per MW·h) per 15-min interval."""
    caiso = data_path("caiso", "caiso_apr2016_hourly_price_profile_gmlc.csv")
    energy = [float(v) for v in open_data_text(caiso).strip().split(",")]
    pjm = data_path("pjm", "pjm_2017_hourly_reg_prices_and_sim_scores_gmlc.csv")
    rows = list(csv.DictReader(io.StringIO(open_data_text(pjm))))[:24]
    rmccp = [float(ast.literal_eval(r["Regulation_Market_Clearing_Price(RMCP)"])[1]) for r in rows]
    return hourly_to_intervals(energy), hourly_to_intervals(rmccp)


def make_problem(n_evs: int, seed: int = 1, *, all_plugged: bool = False, solver: str = "simplex",
                 threads: int = 0, regulation: bool = True, time_limit_s: float = 600.0,
                 options: dict[str, Any] | None = None) -> FleetProblem:
    rng = np.random.default_rng(seed)
    energy, reg = real_prices()
    horizon_h = N_INTERVALS * STEP_S / 3600
    already = rng.random(n_evs) < 0.3
    arrival_h = np.where(already, -rng.uniform(0, 4, n_evs), rng.uniform(0, 18, n_evs))
    dwell_h = rng.uniform(3, 14, n_evs)
    departure_h = np.minimum(arrival_h + dwell_h, horizon_h + 6)
    if all_plugged:
        arrival_h[:] = 0.0
        departure_h[:] = horizon_h
    capacity = rng.choice([40e3, 60e3, 80e3], n_evs)
    soc0 = rng.uniform(0.2, 0.6, n_evs)
    p_max = rng.choice([7.4e3, 11e3], n_evs)
    v2g = rng.random(n_evs) < 0.6
    evs = tuple(
        EvSpec(
            ev_id=f"ev{i:05d}",
            arrival_at=START_AT + timedelta(hours=float(arrival_h[i])),
            departure_at=START_AT + timedelta(hours=float(departure_h[i])),
            capacity_wh=float(capacity[i]),
            soc_initial=float(soc0[i]),
            max_charge_power_w=float(p_max[i]),
            max_discharge_power_w=float(p_max[i]) if v2g[i] else 0.0,
            allow_discharge=bool(v2g[i]),
            soc_min=0.2,
            target_soc=0.8,
            charge_efficiency=0.94,
            discharge_efficiency=0.94,
            degradation_cost_per_kwh=0.02,
        )
        for i in range(n_evs)
    )
    hours = np.arange(N_INTERVALS) * STEP_S / 3600
    other_w = n_evs * 2e3 * (1 + 0.5 * np.sin((hours - 9) / 24 * 2 * np.pi))
    site = Site(import_limit_w=n_evs * 6e3, export_limit_w=n_evs * 3e3, other_load_w=tuple(other_w.tolist()))
    market = Market(
        import_price_per_mwh=energy,
        export_price_per_mwh=tuple(0.8 * e for e in energy),
        reg_up_price_per_mwh=tuple(0.5 * r * regulation for r in reg),
        reg_down_price_per_mwh=tuple(0.5 * r * regulation for r in reg),
    )
    dr = DrCommitment("dr-evening", START_AT + timedelta(hours=17), START_AT + timedelta(hours=19),
                      reduction_w=n_evs * 1.0e3, baseline_w=float(other_w[17 * 4:19 * 4].max()))
    return FleetProblem(START_AT, STEP_S, N_INTERVALS, evs, site, market, (dr,),
                        PlannerOptions(solver=solver, threads=threads, time_limit_s=time_limit_s,
                                       **(options or {})))


def run_planner(n_evs: int, all_plugged: bool, solver: str, threads: int, regulation: bool,
                time_limit_s: float, options: dict[str, object], compare: bool,
                trace: bool = False) -> dict[str, object]:
    t0 = time.perf_counter()
    problem = make_problem(n_evs, all_plugged=all_plugged, solver=solver, threads=threads, regulation=regulation,
                           time_limit_s=time_limit_s, options=options)
    rounds: list[dict[str, float]] = []
    t1 = time.perf_counter()
    if trace:
        from csms.optimizer.decomposition import plan_decomposed
        result = plan_decomposed(problem, trace=rounds)
    else:
        result = plan(problem)
    t2 = time.perf_counter()
    violations = check_plan(problem, result)
    t3 = time.perf_counter()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    mono: dict[str, object] = {}
    if compare:
        from dataclasses import replace
        t4 = time.perf_counter()
        ref = plan(replace(problem, options=replace(problem.options, method="monolithic")))
        mono = {"mono_status": ref.status, "mono_total_s": time.perf_counter() - t4, "mono_objective": ref.objective,
                "mono_net_cost": ref.costs.net_cost,
                "gap_vs_mono": result.objective - ref.objective}
    from csms.optimizer.problem import fleet_arrays
    plugged = int(fleet_arrays(problem).n_plugged.sum())
    return {
        "n_evs": n_evs, "solver": solver, "regulation": regulation, "all_plugged": all_plugged, "status": result.status,
        "make_problem_s": t1 - t0, "build_s": result.build_time_s, "solve_s": result.solve_time_s,
        "plan_total_s": t2 - t1, "check_s": t3 - t2, "peak_rss_mb": rss_mb,
        "cols": result.n_variables, "rows": result.n_constraints, "nnz": result.n_nonzeros,
        "violations": len(violations), "safe": is_safe(violations),
        "shortfall_kwh": result.total_ev_shortfall_wh / 1e3, "net_cost": result.costs.net_cost,
        "plugged_ev_intervals": plugged, "method": result.method, "rounds": result.rounds,
        "objective": result.objective, "lower_bound": result.lower_bound, "trace": rounds, **mono,
    }


def bench_dispatch(n_evs: int, repeats: int) -> None:
    problem = make_problem(n_evs, all_plugged=True)
    rng = np.random.default_rng(7)
    power = rng.uniform(-7e3, 7e3, (n_evs, N_INTERVALS))
    up = rng.uniform(0, 3e3, (n_evs, N_INTERVALS))
    dn = rng.uniform(0, 3e3, (n_evs, N_INTERVALS))
    from csms.optimizer.formulation import finish_plan as _finish  # a plan-shaped object without solving
    from csms.optimizer.problem import fleet_arrays
    fake = _finish(problem, fleet_arrays(problem), "optimal", power, up, dn, 0.0, 0.0, 0.0, 0, 0, 0)
    energy = np.asarray([ev.capacity_wh * 0.5 for ev in problem.evs])
    snap = snapshot_from_plan(problem, fake, 40, energy, remaining_s=600.0)
    signals = rng.uniform(-1, 1, repeats)
    times = np.empty(repeats)
    base_times = np.empty(repeats)
    for i, s in enumerate(signals):
        t0 = time.perf_counter()
        res = dispatch_regulation(snap, float(s))
        t1 = time.perf_counter()
        np.clip(snap.baseline_power_w, snap.min_power_w, snap.max_power_w).sum()  # baseline: one vector op
        t2 = time.perf_counter()
        times[i], base_times[i] = t1 - t0, t2 - t1
        assert abs(res.unmet_w) < 1e-3 or abs(s) > 0  # keep the result alive
    med, p99 = np.median(times) * 1e3, np.percentile(times, 99) * 1e3
    print(f"dispatch n_evs={n_evs} repeats={repeats}: median {med:.3f} ms, p99 {p99:.3f} ms, "
          f"ratio to one np.clip+sum over the same arrays {np.median(times) / np.median(base_times):.1f}x")


def crossover(sizes: list[int], regulation: bool) -> int:
    """Monolithic vs decomposed on the same problems (alternating order), with plugged (EV, interval) pairs:
    the measurement behind ``PlannerOptions.monolithic_max_pairs``."""
    from csms.optimizer.decomposition import plan_decomposed
    from csms.optimizer.formulation import plan_monolithic
    from csms.optimizer.problem import fleet_arrays

    print("| EVs | plugged pairs | monolithic s | decomposed s | ratio d/m | objective gap |")
    print("|---:|---:|---:|---:|---:|---:|")
    for i, n in enumerate(sizes):
        problem = make_problem(n, regulation=regulation)
        pairs = int(fleet_arrays(problem).n_plugged.sum())
        order = [("m", plan_monolithic), ("d", plan_decomposed)]
        times: dict[str, float] = {}
        objective: dict[str, float] = {}
        for name, solve in order if i % 2 == 0 else order[::-1]:
            t0 = time.perf_counter()
            result = solve(problem)
            times[name] = time.perf_counter() - t0
            objective[name] = result.objective
        print(f"| {n} | {pairs} | {times['m']:.2f} | {times['d']:.2f} | {times['d'] / times['m']:.2f} |"
              f" {objective['d'] - objective['m']:.3g} |", flush=True)
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 1000])
    parser.add_argument("--dispatch", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=2000)
    parser.add_argument("--solver", default="simplex")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--all-plugged", action="store_true")
    parser.add_argument("--no-regulation", action="store_true", help="zero regulation prices (energy-only plan)")
    parser.add_argument("--time-limit-s", type=float, default=600.0)
    parser.add_argument("--method", default="auto", choices=["auto", "monolithic", "decomposed"])
    parser.add_argument("--workers", type=int, default=2, help="threads for the decomposition's chunk LPs")
    parser.add_argument("--chunk-evs", type=int, default=32)
    parser.add_argument("--group-evs", type=int, default=0, help="0 = automatic")
    parser.add_argument("--max-rounds", type=int, default=60)
    parser.add_argument("--compare", action="store_true", help="also solve monolithically; print the gap")
    parser.add_argument("--trace", action="store_true",
                        help="decomposition: print each round's pricing and master time and the bounds")
    parser.add_argument("--crossover", type=int, nargs="*", default=None,
                        help="fleet sizes: time monolithic vs decomposed on the same problem (the 'auto' threshold)")
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.crossover:
        return crossover(args.crossover, not args.no_regulation)
    options: dict[str, object] = {"method": args.method, "workers": args.workers, "chunk_evs": args.chunk_evs,
                                  "group_evs": args.group_evs, "max_rounds": args.max_rounds}
    if args.one is not None:
        print(json.dumps(run_planner(args.one, args.all_plugged, args.solver, args.threads,
                                     not args.no_regulation, args.time_limit_s, options, args.compare,
                                     args.trace)))
        return 0
    for n in args.sizes:
        cmd = [sys.executable, __file__, "--one", str(n), "--solver", args.solver, "--threads", str(args.threads),
               "--time-limit-s", str(args.time_limit_s), "--method", args.method, "--workers", str(args.workers),
               "--chunk-evs", str(args.chunk_evs), "--group-evs", str(args.group_evs),
               "--max-rounds", str(args.max_rounds)]
        if args.compare:
            cmd.append("--compare")
        if args.all_plugged:
            cmd.append("--all-plugged")
        if args.no_regulation:
            cmd.append("--no-regulation")
        if args.trace:
            cmd.append("--trace")
        out = subprocess.run(cmd, capture_output=True, text=True, check=False)
        lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
        if not lines:
            print(f"planner n_evs={n}: failed\n{out.stderr[-2000:]}")
            continue
        r = json.loads(lines[-1])
        print(f"planner n_evs={r['n_evs']} x {N_INTERVALS} ({r['solver']}, regulation={r['regulation']}, "
              f"all_plugged={r['all_plugged']}, {r['plugged_ev_intervals']} plugged EV-intervals): "
              f"status {r['status']}, build {r['build_s']:.2f} s, solve {r['solve_s']:.2f} s, "
              f"check {r['check_s']:.2f} s, peak RSS {r['peak_rss_mb']:.0f} MB, LP {r['cols']} cols x "
              f"{r['rows']} rows, {r['nnz']} nnz; violations {r['violations']} (safe={r['safe']}), "
              f"shortfall {r['shortfall_kwh']:.1f} kWh, net cost {r['net_cost']:.2f}")
        print(f"    method {r['method']}, total plan {r['plan_total_s']:.2f} s, rounds {r['rounds']}, "
              f"objective {r['objective']:.3f}, lower bound {r['lower_bound']:.3f}, certified gap "
              f"{r['objective'] - r['lower_bound']:.3f}")
        for t in r["trace"]:
            print(f"    round {t['round']:3.0f}: pricing {t['pricing_s']:6.2f} s (chunk LPs {t['chunk_run_s']:6.2f} s "
                  f"in HiGHS, summed over threads), master {t['master_s']:5.2f} s ({t['master_cols']:.0f} cols, "
                  f"{t['master_iters']:.0f} iterations), retries: chunks {t['retries']:.0f}, master "
                  f"{t['master_retries']:.0f}, upper {t['upper']:.3f}, "
                  f"lower {t['lower']:.3f}, gap {t['upper'] - t['lower']:.3f}, elapsed {t['elapsed_s']:.1f} s")
        if "mono_status" in r:
            print(f"    monolithic: status {r['mono_status']}, total {r['mono_total_s']:.2f} s, objective "
                  f"{r['mono_objective']:.3f}, net cost {r['mono_net_cost']:.2f}; decomposed − monolithic "
                  f"objective {r['gap_vs_mono']:.4f} ({r['gap_vs_mono'] / abs(r['mono_objective']):.2e} relative)")
    if args.dispatch:
        bench_dispatch(args.dispatch, args.repeats)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
