"""`python -m csms scenario run <file> [--short] [--out DIR]`: run a pilot scenario and write its report.

    python -m csms scenario run config/scenarios/ev2g.toml --short --out /tmp/ev2g

Prints the headline figures; `--out` (default docs/scenarios) receives `<name>.html`, `<name>_*.png` and
`<name>.json`. `--work DIR` keeps the simulator configs and logs.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from csms.scenario.pilots import run_scenario
from csms.scenario.report import write_report
from csms.scenario.spec import load_scenario
from csms.scenario.virtual_time import run_with_clock

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "docs" / "scenarios"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="csms scenario", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="action", required=True)
    run = sub.add_parser("run", help="run one scenario file and write its report")
    run.add_argument("file", type=Path)
    run.add_argument("--short", action="store_true", help="the CI form (minutes to a few hours simulated)")
    run.add_argument("--out", type=Path, default=DEFAULT_OUT, help="report directory")
    run.add_argument("--work", type=Path, help="keep simulator configs and logs here")
    run.add_argument("--clock", choices=["virtual", "realtime"], default="virtual",
                     help="virtual: one process on virtual time; realtime: simulators in child processes at the "
                          "scenario's speed")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    spec = load_scenario(args.file)
    result = run_with_clock(args.clock, lambda: run_scenario(spec, short=args.short, workdir=args.work,
                                                              clock=args.clock))
    data = write_report(result, args.out)
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
    print(f"  report: {args.out / (spec.scenario.name + '.html')}")
    return 0
