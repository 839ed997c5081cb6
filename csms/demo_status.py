"""`python -m csms.demo_status`: the demo's one-line-per-second summary of the fleet, read from the operator API.

    python -m csms.demo_status --api http://127.0.0.1:8080 --token dev-admin-token

On a terminal the line is rewritten in place (so the URL banner printed before it stays on screen); otherwise one
line per interval is appended. Standard library only; stops on SIGINT/SIGTERM or when the API is gone for good.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime
from typing import Any

from csms.cli_util import HelpFormatter


def summary_line(fleet: dict[str, Any]) -> str:
    """One line from `GET /api/v1/fleet`: simulated time, stations online, EVs plugged, fleet power, the last
    regulation tick (signal and the fleet's response) and the number of plans made."""
    at = datetime.fromisoformat(fleet["at"]).strftime("%Y-%m-%d %H:%M")
    line = (f"[sim {at}] stations {fleet['stations_online']}/{fleet['stations_total']} online, "
            f"{_count(fleet['evs_plugged'], 'EV')} plugged, fleet {fleet['net_power_w'] / 1000:+.1f} kW "
            f"(in {fleet['power_import_w'] / 1000:.1f}, out {fleet['power_export_w'] / 1000:.1f})")
    controller = fleet.get("controller") or {}
    tick = controller.get("last_tick")
    if tick:
        line += f", signal {tick['signal']:+.2f} -> response {tick['response']:+.2f}"
    if controller.get("enabled"):
        line += f", {_count(controller.get('replans', 0), 'plan')}"
    return line


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def fetch_fleet(api: str, token: str, timeout_s: float = 2.0) -> dict[str, Any]:
    request = urllib.request.Request(f"{api}/api/v1/fleet", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=timeout_s) as response:
        fleet: dict[str, Any] = json.load(response)
        return fleet


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m csms.demo_status", description=__doc__,
                                     formatter_class=HelpFormatter)
    parser.add_argument("--api", default="http://127.0.0.1:8080", help="operator API base URL")
    parser.add_argument("--token", required=True, help="a viewer (or higher) bearer token")
    parser.add_argument("--interval-s", type=float, default=1.0, help="seconds between lines")
    parser.add_argument("--give-up-s", type=float, default=10.0, help="stop after the API failed this long")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    in_place = sys.stdout.isatty()
    failing_since: float | None = None
    try:
        while True:
            try:
                line = summary_line(fetch_fleet(args.api, args.token))
                failing_since = None
            except (OSError, ValueError, KeyError) as exc:
                failing_since = failing_since or time.monotonic()
                if time.monotonic() - failing_since > args.give_up_s:
                    print(f"\nstatus: operator API unreachable ({exc}); stopping the summary", file=sys.stderr)
                    return 1
                line = f"status: waiting for the operator API ({exc})"
            sys.stdout.write(f"\r\033[K{line}" if in_place else f"{line}\n")
            sys.stdout.flush()
            time.sleep(args.interval_s)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
