"""A stand-in aggregator EMS in its own process: replays a recorded regulation signal into a CSMS's Modbus TCP
regulation server (`[[grid.feeds]] kind = "modbus-regulation"`) and reads the telemetry back.

    python -m csms.grid.ems_cli --port 5020 --file pjm/pjm_regA_2s_2017-08-01_1600-2400.csv \\
        --offset-s 0 --duration-s 3600 --speed 1

Each sample is written when a clock running `--speed` times real time from the sample at `--offset-s` reaches
it (give `csms serve` the same speed and start with `CSMS_CLOCK__SPEED` / `CSMS_CLOCK__START_AT`, or run both at
speed 1 for a live hour). One line per `--report-every` samples, and a summary, go to stdout; the exit status is
1 if the server refused a write or went away.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime, timedelta
from pathlib import Path

from csms.domain.clock import ScaledClock
from csms.grid.data import DataFileMissing, data_path
from csms.grid.errors import GridError
from csms.grid.modbus import ModbusEmsClient
from csms.grid.parsers.regulation import parse_caiso_regulation, parse_pjm_regulation
from csms.grid.replay import RegulationReplay, wait_until
from csms.grid.signals import RegulationSeries


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m csms.grid.ems_cli", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5020)
    p.add_argument("--unit-id", type=int, default=1)
    p.add_argument("--file", required=True, help="a PJM or CAISO regulation recording (csms.grid.parsers): a "
                   "path, or a name in the data folder such as pjm/pjm_regA_2s_2017-08-01_1600-2400.csv")
    p.add_argument("--format", choices=["pjm", "caiso"], default="pjm")
    p.add_argument("--series", type=int, default=0, help="which day of the file")
    p.add_argument("--offset-s", type=float, default=0.0, help="start this far into the day's recording")
    p.add_argument("--duration-s", type=float, default=3600.0)
    p.add_argument("--speed", type=float, default=1.0, help="simulated seconds per real second")
    p.add_argument("--report-every", type=int, default=0, help="print every n-th acknowledgement (0: none)")
    p.add_argument("--clock-start-at", type=datetime.fromisoformat, default=None,
                   help="share a simulated clock: it read this time ...")
    p.add_argument("--clock-anchor", type=float, default=None,
                   help="... at this monotonic clock reading (both from the CSMS's clock settings); the replay "
                        "then waits for the recording's --offset-s on that clock")
    return p


def _series(args: argparse.Namespace) -> RegulationSeries:
    parse = parse_pjm_regulation if args.format == "pjm" else parse_caiso_regulation
    path = Path(args.file)
    if not path.exists() and not path.with_name(path.name + ".gz").exists():
        path = data_path(args.file)  # a name in the data folder (pjm/...csv), gzipped or not
    elif not path.exists():
        path = path.with_name(path.name + ".gz")
    series: RegulationSeries = parse(path).items[args.series]
    return series


async def _run(args: argparse.Namespace, series: RegulationSeries) -> int:
    start_at = series.start_at + timedelta(seconds=args.offset_s)
    end_at = start_at + timedelta(seconds=args.duration_s)
    if args.clock_start_at is not None:
        clock = ScaledClock(args.clock_start_at, args.speed, anchor_monotonic_s=args.clock_anchor)
    else:
        clock = ScaledClock(start_at, args.speed)
    await wait_until(clock, start_at)
    sent = 0
    async with ModbusEmsClient(args.host, args.port, unit_id=args.unit_id) as ems:
        async for sample in RegulationReplay(series, clock).signals():
            if sample.sampled_at >= end_at:
                break
            reading = await ems.send(sample.value)
            sent += 1
            if args.report_every and sent % args.report_every == 0:
                print(f"{sample.sampled_at.isoformat()} signal {sample.value:+.4f} ack {reading.ack_sequence} "
                      f"metered {reading.metered_w} W baseline {reading.baseline_w} W "
                      f"reserve +{reading.reserve_up_w}/-{reading.reserve_down_w} W", flush=True)
    print(f"sent {sent} samples from {start_at.isoformat()} to {end_at.isoformat()}", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return asyncio.run(_run(args, _series(args)))
    except (GridError, DataFileMissing) as exc:
        print(f"ems: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
