"""`csms replay`: run the CSMS and a simulated fleet against a recorded regulation signal.

    csms replay --duration-s 3600 --stations 100 --out trace.csv   # virtual time: ~80 s of CPU for the hour
    csms replay --clock realtime --speed 10 ...                     # the simulator in its own process, 10x
    csms replay --signal data/caiso/caiso_regulation_dispatch_4s_100MW_battery_2016.csv.gz --format caiso --day 3

Prints the PJM-style performance score, the reserved capacity and the departures check, and says when the
signal is flat in a scoring window (the scorer's flat-window rule then decides accuracy and delay). The trace
`t_s, signal, response` (for an independent scorer) goes to `--out`, else to a fresh `csms-out/replay-<time>/`.
`--no-response` runs a fleet that ignores the signal. On a terminal a bar shows the simulated time and an ETA.
"""

from __future__ import annotations

import argparse
import logging
from datetime import timedelta
from pathlib import Path

import numpy as np

from csms.bundled import config_file, find_config_file
from csms.cli_util import HelpFormatter, fresh_out_dir
from csms.grid.data import require_data_file
from csms.grid.parsers.regulation import parse_caiso_regulation, parse_pjm_regulation
from csms.scenario.fleet_run import FleetRunSpec
from csms.scenario.progress import TerminalProgress, run_with_progress
from csms.scenario.regulation import run_regulation, write_trace_csv
from csms.scenario.virtual_time import run_with_clock
from csms.services.scoring import FLAT_SIGNAL_STD, WINDOW_S
from csms.settings import load_settings

DEFAULT_SIM_CONFIG = config_file("sim", "regulation.toml")
DEFAULT_SIGNALS = {"pjm": ("pjm", "pjm_regA_2s_2017-08-01_1600-2400.csv"),
                   "caiso": ("caiso", "caiso_regulation_dispatch_4s_100MW_battery_2016.csv")}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="csms replay", description=__doc__, formatter_class=HelpFormatter)
    parser.add_argument("--signal", type=Path, default=None,
                        help="regulation file, plain or .gz (default: the data folder's PJM RegA or CAISO file)")
    parser.add_argument("--format", choices=["pjm", "caiso"], default="pjm")
    parser.add_argument("--day", type=int, default=0, help="which date column of the file (0 = first)")
    parser.add_argument("--offset-s", type=float, default=0.0, help="start this far into the day's series")
    parser.add_argument("--duration-s", type=float, default=3600.0, help="seconds of signal to follow")
    parser.add_argument("--warmup-s", type=float, default=420.0, help="simulated warm-up before the signal")
    parser.add_argument("--stations", type=int, default=None, help="override the simulator config's count")
    parser.add_argument("--sim-config", type=Path, default=DEFAULT_SIM_CONFIG)
    parser.add_argument("--clock", choices=["virtual", "realtime"], default="virtual",
                        help="virtual: CSMS and simulator in one process on virtual time (as fast as the work "
                             "allows, the same result on any host); realtime: simulator in a child process at "
                             "--speed")
    parser.add_argument("--speed", type=float, default=10.0, help="realtime: simulated seconds per real second")
    parser.add_argument("--transport", choices=["memory", "websocket"], default="memory",
                        help="virtual: stations connect in-process (memory) or over websockets on loopback")
    parser.add_argument("--reg-price", type=float, default=30.0, help="regulation capacity price, $/MW-h")
    parser.add_argument("--out", type=Path,
                        help="write the t_s,signal,response CSV here (default: csms-out/replay-<time>/trace.csv)")
    parser.add_argument("--no-response", action="store_true", help="plan but never send setpoints")
    parser.add_argument("--sim-log", type=Path,
                        help="simulator output file (default: sim.log beside the default trace; else none)")
    return parser.parse_args(argv)


def flat_windows(signal: np.ndarray, step_s: float) -> tuple[int, int]:
    """(flat, all): how many of the scorer's five-minute windows have a signal that barely moves (standard
    deviation < FLAT_SIGNAL_STD of capacity), where `csms.services.scoring` cannot correlate and applies its
    flat-window rule instead."""
    n = round(WINDOW_S / step_s)
    starts = range(0, len(signal) - n + 1, n) if len(signal) >= n else range(1 if len(signal) else 0)
    windows = [signal[s:s + n] for s in starts]
    return sum(float(np.std(w)) < FLAT_SIGNAL_STD for w in windows), len(windows)


def flat_note(flat: int, total: int) -> str:
    return (f"note: the signal is flat (std < {FLAT_SIGNAL_STD:g} of capacity) in {flat} of {total} five-minute "
            f"windows; there accuracy and delay are 1 only if the response stays within 0.05 of the signal on "
            f"average, else 0 (csms/services/scoring.py): pick another --offset-s or --day for a moving signal")


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    parse = parse_pjm_regulation if args.format == "pjm" else parse_caiso_regulation
    parsed = parse(args.signal or require_data_file(*DEFAULT_SIGNALS[args.format]))
    series = parsed.items[args.day]
    signal_start_at = series.start_at + timedelta(seconds=args.offset_s)
    first = round(args.offset_s / series.interval_s)
    flat, windows = flat_windows(series.values[first:first + round(args.duration_s / series.interval_s)],
                                 series.interval_s)
    if flat:
        print(flat_note(flat, windows), flush=True)
    out = args.out
    sim_log = args.sim_log
    if out is None:
        folder = fresh_out_dir("replay")
        out, sim_log = folder / "trace.csv", sim_log or folder / "sim.log"
    settings = load_settings()
    settings = settings.model_copy(update={"fleet": settings.fleet.model_copy(update={
        "reg_up_price_per_mwh": args.reg_price, "reg_down_price_per_mwh": args.reg_price,
        "horizon_steps": 24, "dispatch_interval_s": series.interval_s, "setpoint_deadband_w": 100.0})})
    spec = FleetRunSpec(sim_config=find_config_file(args.sim_config),
                        start_at=signal_start_at - timedelta(seconds=args.warmup_s),
                        speed=args.speed, stations=args.stations, sim_log=sim_log, clock=args.clock,
                        transport=args.transport)
    total_s = args.warmup_s + args.duration_s
    with TerminalProgress("replay", total_s=total_s) as progress:
        result = run_with_clock(args.clock, lambda: run_with_progress(
            run_regulation, progress, speed=args.speed, total_s=total_s, series=series, settings=settings,
            spec=spec, signal_start_at=signal_start_at, duration_s=args.duration_s, respond=not args.no_response))
    score = result.score
    print(f"signal: {series.source} from {signal_start_at.isoformat()} for {args.duration_s:g} s "
          f"({series.interval_s:g} s cadence)")
    print(f"performance score: composite {score.composite:.3f} (accuracy {score.accuracy:.3f}, "
          f"delay {score.delay:.3f}, precision {score.precision:.3f}; {score.windows} five-minute windows)")
    flat, windows = flat_windows(np.asarray(result.signal, dtype=float), series.interval_s)
    if flat:
        print(f"  of which {flat} flat: {flat_note(flat, windows).removeprefix('note: ')}")
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
    write_trace_csv(result, out)
    print(f"trace written to {out}")
    return 0
