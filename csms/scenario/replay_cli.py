"""`python -m csms replay`: run the CSMS and a simulated fleet against a recorded regulation signal.

    python -m csms replay --signal ../shared/data/pjm/pjm_regA_2s_2017-08-01_1600-2400.csv --format pjm \\
        --duration-s 3600 --stations 100 --speed 10 --out trace.csv

Prints the PJM-style performance score, the reserved capacity and the departures check; `--out` writes
`t_s, signal, response` for an independent scorer. `--no-response` runs a fleet that ignores the signal.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from datetime import timedelta
from pathlib import Path

from csms.bundled import config_file
from csms.grid.data import data_path
from csms.grid.parsers.regulation import parse_caiso_regulation, parse_pjm_regulation
from csms.scenario.fleet_run import FleetRunSpec
from csms.scenario.regulation import run_regulation, write_trace_csv
from csms.settings import load_settings

DEFAULT_SIM_CONFIG = config_file("sim", "regulation.toml")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="csms replay", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--signal", type=Path, default=None,
                        help="regulation file (default: the shared PJM RegA file)")
    parser.add_argument("--format", choices=["pjm", "caiso"], default="pjm")
    parser.add_argument("--day", type=int, default=0, help="which date column of the file (0 = first)")
    parser.add_argument("--offset-s", type=float, default=0.0, help="start this far into the day's series")
    parser.add_argument("--duration-s", type=float, default=3600.0, help="seconds of signal to follow")
    parser.add_argument("--warmup-s", type=float, default=420.0, help="simulated warm-up before the signal")
    parser.add_argument("--stations", type=int, default=None, help="override the simulator config's count")
    parser.add_argument("--sim-config", type=Path, default=DEFAULT_SIM_CONFIG)
    parser.add_argument("--speed", type=float, default=10.0, help="simulated seconds per real second")
    parser.add_argument("--reg-price", type=float, default=30.0, help="regulation capacity price, $/MW-h")
    parser.add_argument("--out", type=Path, help="write t_s,signal,response CSV here")
    parser.add_argument("--no-response", action="store_true", help="plan but never send setpoints")
    parser.add_argument("--sim-log", type=Path, help="simulator output file")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.format == "pjm":
        parsed = parse_pjm_regulation(args.signal or data_path("pjm/pjm_regA_2s_2017-08-01_1600-2400.csv"))
    else:
        parsed = parse_caiso_regulation(args.signal or data_path(
            "caiso/caiso_regulation_dispatch_4s_100MW_battery_2016.csv"))
    series = parsed.items[args.day]
    signal_start_at = series.start_at + timedelta(seconds=args.offset_s)
    settings = load_settings()
    settings = settings.model_copy(update={"fleet": settings.fleet.model_copy(update={
        "reg_up_price_per_mwh": args.reg_price, "reg_down_price_per_mwh": args.reg_price,
        "horizon_steps": 24, "dispatch_interval_s": series.interval_s, "setpoint_deadband_w": 100.0})})
    spec = FleetRunSpec(sim_config=args.sim_config, start_at=signal_start_at - timedelta(seconds=args.warmup_s),
                        speed=args.speed, stations=args.stations, sim_log=args.sim_log)
    result = asyncio.run(run_regulation(series, settings, spec, signal_start_at=signal_start_at,
                                        duration_s=args.duration_s, respond=not args.no_response))
    score = result.score
    print(f"signal: {series.source} from {signal_start_at.isoformat()} for {args.duration_s:g} s "
          f"({series.interval_s:g} s cadence)")
    print(f"performance score: composite {score.composite:.3f} (accuracy {score.accuracy:.3f}, "
          f"delay {score.delay:.3f}, precision {score.precision:.3f}; {score.windows} five-minute windows)")
    print(f"a perfect follower one sample late would score {result.late_bound.composite:.3f} "
          f"(precision {result.late_bound.precision:.3f}): the best a resource seen only at the next sample reaches")
    print(f"reserved capacity: up {result.mean_reserve_up_w / 1000:.1f} kW, "
          f"down {result.mean_reserve_down_w / 1000:.1f} kW (mean over the run)")
    met = sum(d.met for d in result.departures)
    print(f"departures in the window: {len(result.departures)}, leaving with their requested energy: {met}")
    for d in result.departures:
        if not d.met:
            print(f"  short: {d.station_id} tx {d.transaction_id}: delivered {d.delivered_wh:.0f} Wh, "
                  f"requested {d.requested_wh}, target SoC {d.target_soc}, final SoC {d.final_soc}")
    if args.out:
        write_trace_csv(result, args.out)
        print(f"trace written to {args.out}")
    return 0
