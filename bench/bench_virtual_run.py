"""What a closed-loop run on virtual time costs, by transport: in-process connections against real websockets.

Runs `csms replay` (the CSMS, its fleet controller and the simulated stations in one process on virtual time) as
a child process per run, alternating `--transport websocket` (the baseline) and `--transport memory`, and prints
each run's wall time, CPU time (user + sys of the child, `resource.RUSAGE_CHILDREN`) and score, then the median
CPU of each transport and their ratio.

    .venv/bin/python bench/bench_virtual_run.py --stations 20 --duration-s 600 --offset-s 14400 --repeats 2
    .venv/bin/python bench/bench_virtual_run.py --stations 100 --duration-s 3600 --repeats 1
"""

from __future__ import annotations

import argparse
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TRANSPORTS = ("websocket", "memory")


def run_once(transport: str, args: argparse.Namespace, out: Path) -> tuple[float, float, str]:
    """(wall s, CPU s, composite score) of one `csms replay` child process."""
    cmd = [sys.executable, "-m", "csms", "replay", "--stations", str(args.stations), "--duration-s",
           str(args.duration_s), "--offset-s", str(args.offset_s), "--transport", transport, "--out", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout_s, check=True)
    wall_s = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    score = re.search(r"composite ([0-9.]+)", done.stdout)
    return wall_s, cpu_s, score.group(1) if score else "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stations", type=int, default=20)
    parser.add_argument("--duration-s", type=float, default=600.0)
    parser.add_argument("--offset-s", type=float, default=14_400.0, help="into the PJM day (14400: a moving signal)")
    parser.add_argument("--repeats", type=int, default=2, help="runs per transport, alternated")
    parser.add_argument("--timeout-s", type=float, default=1800.0, help="per run")
    args = parser.parse_args()
    cpu: dict[str, list[float]] = {t: [] for t in TRANSPORTS}
    print(f"csms replay, {args.stations} EVs, {args.duration_s:g} s from offset {args.offset_s:g} s, virtual time")
    print(f"  {'transport':<10} {'run':>3} {'wall s':>8} {'CPU s':>8} {'composite':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeats):
            for transport in TRANSPORTS:
                wall_s, cpu_s, score = run_once(transport, args, Path(tmp) / f"{transport}-{i}.csv")
                cpu[transport].append(cpu_s)
                print(f"  {transport:<10} {i:>3} {wall_s:>8.2f} {cpu_s:>8.2f} {score:>9}", flush=True)
    ws, mem = statistics.median(cpu["websocket"]), statistics.median(cpu["memory"])
    print(f"median CPU: websocket {ws:.2f} s, memory {mem:.2f} s, memory/websocket {mem / ws:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
