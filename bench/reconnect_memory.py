"""RSS of a CSMS under repeated connect / boot / disconnect of the same stations (loopback, one process).

Each round: `--stations` stations connect and boot at once, then all disconnect, until `--connects` connections
were made. Runs the CSMS (memory store, shipped GC thresholds via `csms.runtime.tune_gc`) and a client in one
process, in a child process per configuration so RSS readings do not mix: `--gc-every N` (the server's full
collection after N closed connections; 0 = off, the behaviour before). Prints RSS after each round and the
last/first ratio. Bounded: `--rounds` x `--connects` connections (6 x 1000 at 250 at once: ~50 s for both).

    .venv/bin/python bench/reconnect_memory.py --rounds 6 --connects 1000 --stations 250
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import subprocess
import sys

import psutil


async def run(rounds: int, connects: int, gc_every: int | None, stations: int) -> list[float]:
    from csms.runtime import tune_gc
    from csms.settings import Settings
    from tests.helpers.csms_app import booted, csms_test_settings, running_csms, station_connect

    settings = csms_test_settings()
    settings.ocpp.gc_every_closed_connections = gc_every
    settings.ocpp.compression = True
    tune_gc(Settings().gc_thresholds)
    rss_mb: list[float] = []
    async with running_csms(settings=settings, serve_api=False) as app:
        async def hold(i: int, all_up: asyncio.Event, counter: list[int]) -> None:
            async with station_connect(app, f"CS-{i}", compression="deflate") as ws:
                await booted(ws)
                counter[0] += 1
                if counter[0] == stations:
                    all_up.set()
                await all_up.wait()

        for _ in range(rounds):
            for _ in range(connects // stations):  # `stations` connected at once, then all leave
                all_up, counter = asyncio.Event(), [0]
                await asyncio.gather(*(hold(i, all_up, counter) for i in range(stations)))
            await asyncio.sleep(0.1)
            rss_mb.append(psutil.Process().memory_info().rss / 1e6)
    return rss_mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--connects", type=int, default=1000)
    parser.add_argument("--stations", type=int, default=250,
                        help="stations connected at once (then all disconnect; repeated)")
    parser.add_argument("--gc-every", type=int, default=None, help="run one configuration (0 = no forced GC)")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    if args.gc_every is not None:
        rss = asyncio.run(run(args.rounds, args.connects, args.gc_every or None, args.stations))
        print(" ".join(f"{r:.1f}" for r in rss))
        return
    for gc_every in (0, 500):
        out = subprocess.run([sys.executable, __file__, "--rounds", str(args.rounds), "--connects",
                              str(args.connects), "--stations", str(args.stations), "--gc-every", str(gc_every)],
                             capture_output=True, text=True, check=True).stdout.split()
        rss = [float(x) for x in out]
        print(f"gc_every_closed_connections={gc_every or None}: RSS MB per round {out}; "
              f"last/first {rss[-1] / rss[0]:.3f}; growth per connect after round 1 "
              f"{(rss[-1] - rss[0]) * 1e6 / ((args.rounds - 1) * args.connects) / 1e3:.1f} KB")


if __name__ == "__main__":
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))
    main()
