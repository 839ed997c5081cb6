"""CLI: run a simulated fleet against a CSMS.

    csms sim --csms ws://127.0.0.1:9000/ocpp --stations 10 [--config config/sim/demo.toml] [--speed 60]
             [--duration-s 3600] [--seed 1] [--password ...]
    csms sim v2h --port 3611 --count 3     (home V2H units over ECHONET Lite: `csms sim v2h -h`)

(also `python -m chargepoint_sim` or `chargepoint-sim`). A relative `config/...` path that is not in the current
folder is read from the package's bundled copy, so the line above works from any folder.

`--speed` is simulated seconds per real second; `--duration-s` is simulated time (default: until SIGINT/SIGTERM).
Command-line values override the TOML file.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from datetime import datetime
from pathlib import Path

from chargepoint_sim.config import FleetConfig, load_config
from chargepoint_sim.fleet import Fleet
from csms.bundled import find_config_file
from csms.cli_util import HelpFormatter
from csms.domain.clock import ScaledClock, SystemClock
from csms.errors import ConfigError


def parse_args(argv: list[str] | None = None, *, prog: str = "chargepoint_sim") -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__, formatter_class=HelpFormatter)
    parser.add_argument("--csms", dest="csms_url", help="CSMS websocket base URL, e.g. ws://127.0.0.1:9000/ocpp")
    parser.add_argument("--stations", type=int, help="number of stations")
    parser.add_argument("--config", type=Path, help="TOML file (see config/sim/demo.toml)")
    parser.add_argument("--speed", type=float, default=1.0, help="simulated seconds per real second")
    parser.add_argument("--duration-s", type=float, help="stop after this much simulated time")
    parser.add_argument("--seed", type=int, help="seed for EV visits and registers")
    parser.add_argument("--password", help="one Basic-auth password for every station (else derived per station)")
    parser.add_argument("--tls-dir", type=Path, help="for wss://: a dev PKI folder (python -m csms.security.devpki); "
                        "stations with a certificate there use security profile 3")
    parser.add_argument("--log-level", default="INFO", help="DEBUG logs every OCPP exchange")
    parser.add_argument("--start-at", type=datetime.fromisoformat,
                        help="simulated time at start (ISO 8601 with offset; default: now)")
    parser.add_argument("--clock-anchor", type=float,
                        help="time.monotonic() reading at which the clock reads --start-at (share a clock with "
                             "another process on this machine)")
    return parser.parse_args(argv)


async def _run(config: FleetConfig, speed: float, duration_s: float | None, start_at: datetime | None = None,
               clock_anchor: float | None = None) -> None:
    clock = ScaledClock(start_at or SystemClock().now(), speed, anchor_monotonic_s=clock_anchor)
    fleet = Fleet(config, clock)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    logging.getLogger("chargepoint_sim").info(
        "starting %d stations against %s at %gx speed", config.stations, config.csms_url, speed)
    await fleet.run(duration_s, stop)


def main(argv: list[str] | None = None, *, prog: str = "chargepoint_sim") -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["v2h"]:  # simulated ECHONET Lite V2H units (chargepoint_sim/echonet/cli.py)
        from chargepoint_sim.echonet.cli import main as v2h_main

        return v2h_main(argv[1:], prog=f"{prog} v2h")
    args = parse_args(argv, prog=prog)
    if args.config is not None:
        args.config = find_config_file(args.config)
    level = getattr(logging, str(args.log_level).upper(), logging.INFO)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if level > logging.DEBUG:
        logging.getLogger("csms.ocpp.exchange").setLevel(logging.WARNING)
        logging.getLogger("chargepoint_sim.link").setLevel(logging.WARNING)
    try:
        config = load_config(args.config, csms_url=args.csms_url, stations=args.stations, seed=args.seed,
                             password=args.password, tls_dir=args.tls_dir)
    except ConfigError as exc:
        print(f"chargepoint_sim: {exc}", file=sys.stderr)
        return 2
    if args.start_at is not None and args.start_at.tzinfo is None:
        print("chargepoint_sim: --start-at needs a UTC offset", file=sys.stderr)
        return 2
    asyncio.run(_run(config, args.speed, args.duration_s, args.start_at, args.clock_anchor))
    return 0


if __name__ == "__main__":
    sys.exit(main())
