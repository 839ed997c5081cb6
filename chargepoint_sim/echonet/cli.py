"""`csms sim v2h`: simulated home V2H units (ECHONET Lite class 0x027E over UDP) for `csms serve` to drive.

    csms sim v2h --host 127.0.0.1 --port 3611 --count 3 [--soc 0.6] [--capacity-wh 40000] [--power-w 6000]
                 [--speed 60] [--duration-s 3600] [--tick-s 1]

Unit k (k = 0..count-1) listens on `--port` + k (0: a free port each) with a car plugged in, and its battery
follows the commanded power every `--tick-s` of simulated time (`--speed` simulated seconds per real second).
It prints the `[[echonet.units]]` entries to paste into the CSMS's TOML file (named "sim-<k>"); `csms serve`
then drives them as stations `v2h-sim-<k>` beside its OCPP stations (docs/japan.md). Loopback or another
explicit unicast address only.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence

from chargepoint_sim.echonet.device import SimulatedV2hDevice, V2hModel
from chargepoint_sim.ev import Ev
from csms.cli_util import HelpFormatter
from csms.domain.clock import Clock, ScaledClock, SystemClock

log = logging.getLogger("chargepoint_sim.echonet")


def parse_args(argv: Sequence[str] | None, prog: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__, formatter_class=HelpFormatter)
    parser.add_argument("--host", default="127.0.0.1", help="the units' unicast address")
    parser.add_argument("--port", type=int, default=3611, help="first unit's UDP port (0: a free port each)")
    parser.add_argument("--count", type=int, default=1, help="number of units")
    parser.add_argument("--soc", type=float, default=0.6, help="the plugged cars' state of charge (0..1)")
    parser.add_argument("--capacity-wh", type=float, default=40_000.0, help="the cars' battery")
    parser.add_argument("--power-w", type=float, default=6000.0, help="each unit's charge and discharge rating")
    parser.add_argument("--min-soc", type=float, default=0.2, help="the cars discharge no lower")
    parser.add_argument("--speed", type=float, default=1.0, help="simulated seconds per real second")
    parser.add_argument("--duration-s", type=float, help="stop after this much simulated time")
    parser.add_argument("--tick-s", type=float, default=1.0, help="battery step, simulated seconds")
    args = parser.parse_args(argv)
    if args.count < 1 or not 0 <= args.soc <= 1 or args.tick_s <= 0 or args.speed <= 0:
        parser.error("--count >= 1, 0 <= --soc <= 1, --tick-s > 0 and --speed > 0")
    return args


def make_model(args: argparse.Namespace) -> V2hModel:
    return V2hModel(Ev(capacity_wh=args.capacity_wh, soc=args.soc, max_charge_power_w=args.power_w,
                       max_discharge_power_w=args.power_w, min_soc=args.min_soc, allow_discharge=True))


async def start_units(args: argparse.Namespace) -> list[tuple[SimulatedV2hDevice, tuple[str, int]]]:
    units = []
    for k in range(args.count):
        device = SimulatedV2hDevice(make_model(args))
        units.append((device, await device.start(args.host, args.port + k if args.port else 0)))
    return units


def settings_snippet(addresses: Sequence[tuple[str, int]]) -> str:
    """The `[[echonet.units]]` entries for these units."""
    return "".join(f'[[echonet.units]]\nname = "sim-{k}"\nhost = "{host}"\nport = {port}\n\n'
                   for k, (host, port) in enumerate(addresses))


async def run_units(devices: Sequence[SimulatedV2hDevice], clock: Clock, tick_s: float, stop: asyncio.Event,
                    duration_s: float | None = None) -> float:
    """Step every unit's battery by the clock time that passed, every `tick_s`, until `stop` or `duration_s`;
    returns the simulated seconds run."""
    started = last = clock.now()
    while not stop.is_set():
        elapsed_s = (clock.now() - started).total_seconds()
        if duration_s is not None and elapsed_s >= duration_s:
            break
        await clock.wait(stop, tick_s if duration_s is None else min(tick_s, duration_s - elapsed_s))
        now = clock.now()
        for device in devices:
            device.model.advance((now - last).total_seconds())
        last = now
    return (clock.now() - started).total_seconds()


async def _main(args: argparse.Namespace) -> None:
    units = await start_units(args)
    print(settings_snippet([address for _, address in units]), end="", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    clock = ScaledClock(SystemClock().now(), args.speed) if args.speed != 1.0 else SystemClock()
    log.info("%d V2H units on %s, %gx speed", len(units), args.host, args.speed)
    try:
        await run_units([device for device, _ in units], clock, args.tick_s, stop, args.duration_s)
    finally:
        for device, _ in units:
            device.close()


def main(argv: Sequence[str] | None = None, *, prog: str = "chargepoint_sim v2h") -> int:
    args = parse_args(argv, prog)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        asyncio.run(_main(args))
    except OSError as exc:  # e.g. the port is taken
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    return 0


