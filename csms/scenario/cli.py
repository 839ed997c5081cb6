"""`csms scenario run <file> [--short] [--out DIR]`: run a pilot scenario and write its report.

    csms scenario run config/scenarios/ev2g.toml --short --out /tmp/ev2g

Prints the headline figures; `--out` (default: a fresh `csms-out/scenario-<name>-<time>/`) receives
`<name>.html`, `<name>_*.png` and `<name>.json`. The committed reports in docs/scenarios/ are rewritten only by
`--out docs/scenarios` (what `make scenarios` passes). `--work DIR` keeps the simulator configs and logs. On a
terminal a bar shows the simulated time and an ETA.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from csms.bundled import find_config_file
from csms.cli_util import HelpFormatter, fresh_out_dir
from csms.scenario.pilots import run_scenario
from csms.scenario.progress import TerminalProgress, run_with_progress
from csms.scenario.report import PLOTS_MISSING, plots_available, write_report
from csms.scenario.spec import load_scenario
from csms.scenario.virtual_time import run_with_clock


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="csms scenario", description=__doc__, formatter_class=HelpFormatter)
    sub = parser.add_subparsers(dest="action", required=True)
    run = sub.add_parser("run", help="run one scenario file and write its report", description=__doc__,
                         formatter_class=HelpFormatter)
    run.add_argument("file", type=Path, help="scenario file (config/scenarios/*.toml)")
    run.add_argument("--short", action="store_true", help="the CI form (minutes to a few hours simulated)")
    run.add_argument("--out", type=Path, default=None,
                     help="report directory (default: a fresh csms-out/scenario-<name>-<time>/)")
    run.add_argument("--work", type=Path, help="keep simulator configs and logs here")
    run.add_argument("--clock", choices=["virtual", "realtime"], default="virtual",
                     help="virtual: one process on virtual time; realtime: simulators in child processes at the "
                          "scenario's speed")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from csms.scenario.japan import is_japan_scenario  # the JEPX/EPRX scenario has its own runner
    if is_japan_scenario(find_config_file(args.file)):
        from csms.scenario.japan import main as japan_main
        return japan_main(find_config_file(args.file), short=args.short,
                          out=args.out if args.out is not None else fresh_out_dir("scenario-japan"))
    spec = load_scenario(find_config_file(args.file))
    if not plots_available():
        print(f"note: {PLOTS_MISSING}", flush=True)
    out = args.out if args.out is not None else fresh_out_dir(f"scenario-{spec.scenario.name}")
    window = spec.window(args.short)
    total_s = window.warmup_s + window.duration_s
    with TerminalProgress(f"scenario {spec.scenario.name}", total_s=total_s) as progress:
        result = run_with_clock(args.clock, lambda: run_with_progress(
            run_scenario, progress, speed=window.speed, total_s=total_s, spec=spec, short=args.short,
            workdir=args.work, clock=args.clock))
    data = write_report(result, out)
    print(f"{spec.scenario.title} ({data['form']} form, {data['window']['simulated_h']} h simulated in "
          f"{data['window']['real_s']} s)")
    if data["score"]:
        print(f"  score {data['score']['composite']:.3f}, mean symmetric reserve {data['capacity_kw']:.1f} kW")
    for e in data["dr_events"]:
        print(f"  DR {e['event_id']} ({e['notice']}, {e['notice_min']} min notice): committed {e['committed_kw']} kW, "
              f"delivered {e['delivered_kw']} kW ({e['delivered_ratio']:.1%}), EV share {e['ev_share']:.0%}")
    dep = data["departures"]
    print(f"  departures {dep['count']}, met {dep['met']}")
    year = result.settlement.year
    print(f"  per year ({result.settlement.currency}): revenue {year.revenue:,.0f}, energy {year.energy_cost:,.0f}, "
          f"wear {year.wear_cost:,.0f}, fixed {year.fixed_cost:,.0f}, net {year.net_value:,.0f}; driver payout "
          f"per vehicle {year.driver_payout_per_vehicle:,.0f}, aggregator margin {year.aggregator_margin:,.0f}")
    print(f"  report: {out / (spec.scenario.name + '.html')}")
    return 0
