"""CLI: `csms serve | optimize | replay | scenario | sim` (also `python -m csms ...`).

A data or config problem ends the command with one line on stderr (exit 2), never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable

from csms import __version__
from csms.app import build_app
from csms.cli_util import HelpFormatter
from csms.errors import ConfigError
from csms.grid.data import DataFileMissing
from csms.grid.errors import GridDataError, LoopBehindError
from csms.logging_setup import configure_logging
from csms.runtime import tune_gc
from csms.settings import DEFAULT_CONFIG_PATH, load_settings
from csms.store.errors import StoreSchemaError, StoreUnavailable

log = logging.getLogger("csms")
DEV_API_TOKEN = "dev-admin-token"  # config/csms.toml's api.token: fine on a laptop, never in production


async def _serve(args: argparse.Namespace) -> int:
    settings = load_settings()
    if args.store:
        settings.store.backend = args.store
    configure_logging(settings.log_level, json_lines=not args.plain_logs)
    app = build_app(settings)
    await app.start()
    tune_gc(settings.gc_thresholds)
    print(
        f"CSMS node {settings.node_id} running ({settings.store.backend} store)\n"
        f"  OCPP:  ws://{settings.ocpp.host}:{app.ocpp_port}{settings.ocpp.path_prefix}/<stationId>"
        f"  ({', '.join(settings.ocpp.versions)}, HTTP Basic auth, registration={settings.security.registration})\n"
        f"  API:   http://{settings.api.host}:{app.api_port}/docs  ({token_source(settings.api.token)})",
        flush=True,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("shutting down")
    await app.stop()
    return 0


def token_source(token: str) -> str:
    """Where the operator API's admin token comes from, for the start-up banner (never the token itself)."""
    if os.environ.get("CSMS_API__TOKEN"):
        return "bearer token from CSMS_API__TOKEN"
    config = os.environ.get("CSMS_CONFIG") or str(DEFAULT_CONFIG_PATH)
    if token == DEV_API_TOKEN:
        return f"bearer token {DEV_API_TOKEN!r}, the development default from {config}: set CSMS_API__TOKEN"
    return f"bearer token: api.token in {config}"


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except (DataFileMissing, GridDataError, ConfigError, StoreSchemaError) as exc:
        print(f"csms: {exc}", file=sys.stderr)
        return 2  # not worth retrying (deploy/csms.service: RestartPreventExitStatus=2)
    except StoreUnavailable as exc:
        print(f"csms: state store unavailable: {exc}", file=sys.stderr)
        return 1  # may pass: systemd restarts
    except LoopBehindError as exc:  # a replay or scenario whose loop fell behind its signal: no valid score
        print(f"csms: score INVALID: {exc.reason}", file=sys.stderr)
        return 3


def _main(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="csms", description="V2G charge-point management system",
                                     formatter_class=HelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the OCPP endpoint and the operator API", formatter_class=HelpFormatter)
    serve.add_argument("--store", choices=["memory", "redis"], help="override the configured store backend")
    serve.add_argument("--plain-logs", action="store_true", help="human-readable logs instead of JSON lines")
    serve.add_argument("--loop", choices=["auto", "asyncio", "uvloop"],
                       default=os.environ.get("CSMS_EVENT_LOOP", "asyncio"),
                       help="event loop (env CSMS_EVENT_LOOP; uvloop: the [fast] extra); auto = uvloop if installed")
    sub.add_parser("optimize", help="solve a fleet problem file (see `csms optimize -h`)", add_help=False)
    sub.add_parser("replay", help="follow a recorded regulation signal with a simulated fleet (`csms replay -h`)",
                   add_help=False)
    sub.add_parser("scenario", help="run a pilot scenario and write its report (`csms scenario run -h`)",
                   add_help=False)
    sub.add_parser("sim", help="run simulated charge points against a CSMS (`csms sim -h`)", add_help=False)
    args, rest = parser.parse_known_args(argv)
    if args.command == "sim":
        from chargepoint_sim.__main__ import main as sim_main

        return sim_main(rest, prog="csms sim")
    if args.command == "optimize":
        from csms.bundled import find_config_file
        from csms.cli_util import fresh_out_dir
        from csms.optimizer.cli import main as optimize_main

        return optimize_main(rest, find_problem=find_config_file, out_dir=lambda: fresh_out_dir("optimize"))
    if args.command == "replay":
        from csms.scenario.replay_cli import main as replay_main

        return replay_main(rest)
    if args.command == "scenario":
        from csms.scenario.cli import main as scenario_main

        return scenario_main(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    with asyncio.Runner(loop_factory=_loop_factory(args.loop)) as runner:
        return runner.run(_serve(args))


def _loop_factory(choice: str) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop (libuv transports: about a third less CPU per message on the OCPP hot path, see
    docs/benchmarks.md) or None for asyncio's default."""
    if choice == "asyncio":
        return None
    try:
        import uvloop
    except ImportError:
        if choice == "uvloop":
            raise SystemExit("--loop uvloop: the uvloop package is not installed") from None
        return None
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


if __name__ == "__main__":
    sys.exit(main())
