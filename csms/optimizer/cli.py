"""``csms optimize <problem.json|toml> [--out result.json]``: solve, print a summary, write the plan JSON.

    csms optimize config/problems/two_evs_dr.toml

The plan goes to ``--out`` or else to a fresh ``csms-out/optimize-<UTC time>/plan.json``. A relative
``config/...`` problem path not found in the current folder is read from the package's bundled copy. (The
optimizer stays pure: ``csms.__main__`` injects both as ``find_problem`` and ``out_dir``.)

``main`` takes the arguments after the ``optimize`` sub-command; the CSMS's ``__main__`` dispatches to it.
Exit codes: 0 plan is optimal and passes the checker, 1 a plan was produced but has shortfalls,
safety violations or a non-optimal status, 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from csms.optimizer.checker import check_plan, is_safe
from csms.optimizer.io import load_problem, plan_to_dict, write_result
from csms.optimizer.planner import plan as solve_plan


class _HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """The docstring's layout kept, each option's default shown."""


def main(argv: list[str], *, find_problem: Callable[[Path], Path] = lambda path: path,
         out_dir: Callable[[], Path] | None = None) -> int:
    """`find_problem` maps the given path to the file to read; `out_dir` makes the folder for the plan when
    `--out` is not given (no plan file without either)."""
    parser = argparse.ArgumentParser(prog="csms optimize", description=__doc__, formatter_class=_HelpFormatter)
    parser.add_argument("problem", type=Path, help="problem file (.json or .toml)")
    parser.add_argument("--out", type=Path, default=None,
                        help="write the plan as JSON here (default: csms-out/optimize-<time>/plan.json)")
    args = parser.parse_args(argv)
    try:
        problem = load_problem(find_problem(args.problem))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"error: cannot load {args.problem}: {exc}", file=sys.stderr)
        return 2
    result = solve_plan(problem)
    violations = check_plan(problem, result)
    c = result.costs
    fleet_kw = result.fleet_power_w() / 1e3
    print(f"status            {result.status}")
    print(f"evs x intervals   {len(problem.evs)} x {problem.n_intervals} (step {problem.step_s} s)")
    print(f"lp size           {result.n_variables} cols, {result.n_constraints} rows, {result.n_nonzeros} nnz")
    print(f"time              build {result.build_time_s:.3f} s, solve {result.solve_time_s:.3f} s")
    print(f"net cost          {c.net_cost:.2f} (import {c.energy_import_cost:.2f},"
          f" export -{c.energy_export_revenue:.2f}, regulation -{c.regulation_revenue:.2f},"
          f" degradation {c.degradation_cost:.2f},"
          f" demand {c.demand_charge_cost:.2f})")
    print(f"fleet power kW    min {fleet_kw.min():.1f}, max {fleet_kw.max():.1f};"
          f" site peak {result.site_net_power_w.max() / 1e3:.1f} kW")
    print(f"reserve kW (avg)  up {result.reserve_up_w.sum(axis=0).mean() / 1e3:.1f},"
          f" down {result.reserve_down_w.sum(axis=0).mean() / 1e3:.1f}")
    short = int(np.count_nonzero(result.ev_shortfall_wh))
    print(f"ev shortfall      {short} EVs, {result.total_ev_shortfall_wh / 1e3:.3f} kWh total")
    for cid, w in result.dr_shortfall_w.items():
        kwh = result.dr_shortfall_wh[cid] / 1e3
        print(f"dr {cid:<14} shortfall {w / 1e3:.3f} kW (worst interval), {kwh:.3f} kWh")
    print(f"checker           {len(violations)} violations ({'safe' if is_safe(violations) else 'UNSAFE'})")
    out = args.out if args.out is not None or out_dir is None else out_dir() / "plan.json"
    if out is not None:
        write_result(out, plan_to_dict(problem, result, violations))
        print(f"wrote             {out}")
    ok = result.is_optimal and not violations
    return 0 if ok else 1
