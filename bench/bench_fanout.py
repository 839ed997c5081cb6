"""Fan-out: how long until SetChargingProfile is acknowledged by every one of N connected stations.

The CSMS runs in this process (memory store); N lean stations (bench/load_client.py, answering every CALL with
Accepted) run in a child process on the other core. Two ways to push one TxDefaultProfile to each station,
measured in the same run (`--distinct`: ours sends each station its own power, as a fleet tick does):
- **ours**: what `ChargingService.apply_many` (the fleet controller's path) does for every station at once:
  one bulk store read, then capabilities, safety envelope, encoding, per-EVSE coalescing, schema validation
  of the outgoing payload;
- **raw**: the bare gateway call (`ConnectionRegistry.call`) with a prepared payload, the floor the full path
  is compared with.
- **baseline**: the `ocpp` library's documented pattern (`bench/baseline_csms.py`, here in this process after
  ours has stopped, with CPython's GC thresholds and a fresh set of N stations): `await charge_point.call(
  call.SetChargingProfile(...))` for every connected charge point at once (`--no-baseline` skips it).
Idle stations by default; `--load-interval S` makes every station send a MeterValues every S seconds meanwhile
(e.g. 2.0 for 5,000 stations = ~2,500 msg/s offered). The CSMS tunes its garbage collector as `csms serve`
does (`--cpython-gc`: CPython's thresholds, for comparison). Prints total time to the last ack, p50/p99 ack latency,
the CSMS process's CPU time, ours/raw ratios and the collections of each GC generation with their seconds, per
round; `--profile PREFIX` writes each path's cProfile stats (PREFIX.raw, PREFIX.ours).

    .venv/bin/python bench/bench_fanout.py --stations 1000,5000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import gc
import resource
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from ocpp.v201 import call

from csms.app import build_app
from csms.domain.schedule import PowerSchedule, ProfilePurpose, SchedulePeriod
from csms.ocpp.profiles import set_charging_profile_request
from csms.runtime import CPYTHON_GC_THRESHOLDS, tune_gc
from csms.services.charging import ApplyStatus
from csms.settings import ApiSettings, OcppSettings, SecuritySettings, Settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import baseline_csms  # noqa: E402
from bench_load import stop_server  # noqa: E402


def schedule(power_w: float, starts_at: datetime | None = None) -> PowerSchedule:
    return PowerSchedule(evse_id=1, starts_at=starts_at or datetime.now(UTC), duration_s=3600,
                         periods=(SchedulePeriod(0, power_w),), purpose=ProfilePurpose.TX_DEFAULT)


def _accepted(result: object) -> bool:
    """An ApplyResult, a raw reply dict or the library's call_result, accepted."""
    if isinstance(result, dict):
        return result.get("status") == "Accepted"
    status = getattr(result, "status", None)
    return status is ApplyStatus.ACCEPTED or status == "Accepted"


def _ms(latencies_s: np.ndarray, q: float) -> float:
    return float(np.percentile(latencies_s, q)) * 1000 if latencies_s.size else float("nan")


class GcCount:
    """Collections of each generation, and the seconds spent in them, while `counting` (`gc.callbacks`)."""

    def __init__(self) -> None:
        self.collections = [0, 0, 0]
        self.seconds = 0.0
        self._started = 0.0
        self.counting = False

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if not self.counting:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.collections[info["generation"]] += 1
            self.seconds += time.perf_counter() - self._started

    def text(self) -> str:
        return f"{'/'.join(map(str, self.collections))} {self.seconds:.3f}"


async def timed(coros: list[Awaitable[object]], what: str, first: Awaitable[None] | None = None,
                profiler: cProfile.Profile | None = None, gc_count: GcCount | None = None
                ) -> tuple[float, np.ndarray, float]:
    """Run `first` (inside the timing), then all `coros` concurrently; total time, each one's finish time, and
    this process's CPU time meanwhile (the CSMS's cost, less sensitive than wall time to a busy host).
    `profiler`, `gc_count`: enabled meanwhile."""
    if gc_count is not None:
        gc_count.collections, gc_count.seconds, gc_count.counting = [0, 0, 0], 0.0, True
    if profiler is not None:
        profiler.enable()
    started, cpu_started = time.perf_counter(), time.process_time()
    latencies: list[float] = []
    if first is not None:
        await first

    async def one(coro: Awaitable[object]) -> object:
        try:
            result = await coro
        except Exception as exc:  # e.g. the library's TimeoutError: counted, never the end of the run
            return exc
        latencies.append(time.perf_counter() - started)
        return result

    results = await asyncio.gather(*(one(c) for c in coros))
    total_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
    if profiler is not None:
        profiler.disable()
    if gc_count is not None:
        gc_count.counting = False
    bad = [r for r in results if not _accepted(r)]
    if bad:
        print(f"  {what}: {len(bad)} not accepted, e.g. {bad[0]!r}")
    return total_s, np.array(latencies), cpu_s


async def run(stations: int, load_interval_s: float, rounds: int, cpython_gc: bool, distinct: bool,
              profile: str | None = None) -> dict[str, Any]:
    settings = Settings(
        ocpp=OcppSettings(host="127.0.0.1", port=0, ping_interval_s=None, fetch_device_model_on_boot=False,
                          compression=False),
        api=ApiSettings(host="127.0.0.1", port=0), security=SecuritySettings(),
        log_level="WARNING",
    )
    app = build_app(settings, serve_api=False)
    await app.start()
    tune_gc(CPYTHON_GC_THRESHOLDS if cpython_gc else settings.gc_thresholds)  # as `csms serve` does
    client = await start_stations(f"ws://127.0.0.1:{app.ocpp_port}/ocpp", stations, load_interval_s, "FAN")
    try:
        await wait_connected(lambda: len(app.registry), stations, client)
        busy = await settle_and_measure_cpu(load_interval_s)
        ids = app.registry.connected_station_ids()
        caps = await app.charging.capabilities(ids[0], 1)
        raw_payload = set_charging_profile_request(schedule(7000.0), caps)
        load = f"each sending MeterValues every {load_interval_s:g} s" if load_interval_s > 0 else "idle"
        label = f"{stations} stations, {'a setpoint each' if distinct else 'one profile'}, {load}"
        print(f"\n{label}; CSMS process CPU before the fan-out: {busy:.0%} of a core")
        print(f"  {'path':<6} {'round':>5} {'all acked s':>12} {'p50 ms':>8} {'p99 ms':>8} {'CPU s':>7} "
              f"{'ours/raw':>8} {'CPU':>6}  GC collections gen 0/1/2, s")
        profilers = {path: cProfile.Profile() for path in ("raw", "ours")} if profile else {}
        gc_count = GcCount()
        gc.callbacks.append(gc_count)
        raw_s = raw_cpu_s = float("nan")
        for i in range(rounds):
            for path in ("raw", "ours"):
                power_w = 6000.0 + 100 * i + (50 if path == "ours" else 0)
                first = None
                coros: list[Awaitable[object]]
                if path == "raw":
                    coros = [app.registry.call(sid, "SetChargingProfile", raw_payload) for sid in ids]
                else:  # as `ChargingService.apply_many` does it: one bulk store read, then concurrent applies
                    starts_at = datetime.now(UTC)
                    one = schedule(power_w, starts_at)
                    coros = [app.charging.apply(sid, schedule(power_w + k % 100, starts_at) if distinct else one,
                                                requester="bench") for k, sid in enumerate(ids)]
                    first = app.charging.prefetch([(sid, 1) for sid in ids])
                total_s, lat, cpu_s = await timed(coros, path, first, profilers.get(path), gc_count)
                ratios = ""
                if path == "raw":
                    raw_s, raw_cpu_s = total_s, cpu_s
                else:
                    ratios = f" {total_s / raw_s:>8.2f} {cpu_s / raw_cpu_s:>6.2f}"
                print(f"  {path:<6} {i:>5} {total_s:>12.3f} {_ms(lat, 50):>8.0f} "
                      f"{_ms(lat, 99):>8.0f} {cpu_s:>7.3f}{ratios if ratios else ' ' * 16}  {gc_count.text()}")
                await asyncio.sleep(1.5)  # past the charging service's min update interval
        gc.callbacks.remove(gc_count)
        for path, profiler in profilers.items():
            profiler.dump_stats(f"{profile}.{path}")
    finally:
        stop_server(client)  # SIGTERM by PID (the client unwinds and stops its workers), SIGKILL after 15 s
        with contextlib.suppress(Exception):
            await app.stop()
    return raw_payload


async def run_baseline(stations: int, load_interval_s: float, rounds: int, payload: dict[str, Any]) -> None:
    """The same fan-out from the `ocpp` library's documented central system (bench/baseline_csms.py)."""
    gc.unfreeze()
    gc.set_threshold(*CPYTHON_GC_THRESHOLDS)  # nobody tunes the collector in the library's example
    server = await baseline_csms.serve("127.0.0.1", 0)
    port = next(iter(server.sockets)).getsockname()[1]
    client = await start_stations(f"ws://127.0.0.1:{port}", stations, load_interval_s, "BASE")
    try:
        await wait_connected(lambda: len(baseline_csms.CONNECTED), stations, client)
        busy = await settle_and_measure_cpu(load_interval_s)
        print(f"  baseline (the ocpp library's pattern, CPython's GC), CSMS process CPU before: {busy:.0%} of a core")
        for i in range(rounds):
            request = call.SetChargingProfile(evse_id=payload["evseId"], charging_profile=payload["chargingProfile"])
            coros = [charge_point.call(request) for charge_point in list(baseline_csms.CONNECTED.values())]
            total_s, lat, _ = await timed(coros, "baseline")
            print(f"  {'base':<6} {i:>5} {total_s:>12.3f} {_ms(lat, 50):>8.0f} "
                  f"{_ms(lat, 99):>8.0f}")
            await asyncio.sleep(1.5)
    finally:
        stop_server(client)
        server.close()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(15.0):
                await server.wait_closed()


async def start_stations(url: str, stations: int, load_interval_s: float, prefix: str) -> subprocess.Popen[bytes]:
    """N lean stations (bench/load_client.py) in a child process, answering every CALL with Accepted."""
    interval = load_interval_s if load_interval_s > 0 else 3600.0
    return await asyncio.to_thread(
        subprocess.Popen,
        [sys.executable, str(ROOT / "bench" / "load_client.py"), "--url", url, "--stations", str(stations),
         "--duration", "600", "--interval", str(interval), "--id-prefix", prefix],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def wait_connected(count: Callable[[], int], stations: int, client: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while count() < stations:
        if time.monotonic() > deadline or client.poll() is not None:
            raise RuntimeError(f"only {count()} of {stations} stations connected")
        await asyncio.sleep(0.2)


async def settle_and_measure_cpu(load_interval_s: float) -> float:
    """Let boots settle (and the load start), then this process's CPU share over 2 s."""
    await asyncio.sleep(3.0 if load_interval_s > 0 else 1.0)
    cpu_s, wall_s = time.process_time(), time.perf_counter()
    await asyncio.sleep(2.0)
    return (time.process_time() - cpu_s) / (time.perf_counter() - wall_s)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stations", default="1000", help="comma-separated counts")
    parser.add_argument("--load-interval", type=float, default=0.0, help="s between MeterValues per station")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-baseline", action="store_true", help="skip the ocpp library's pattern")
    parser.add_argument("--distinct", action="store_true",
                        help="ours: a different power for each station (a fleet tick) instead of one profile")
    parser.add_argument("--profile", metavar="PREFIX",
                        help="cProfile each path's timed rounds into PREFIX.raw and PREFIX.ours")
    parser.add_argument("--cpython-gc", action="store_true",
                        help="keep CPython's GC thresholds (default: the node's `gc_thresholds`, as `csms serve`)")
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    for count in (int(n) for n in args.stations.split(",")):
        payload = asyncio.run(run(count, args.load_interval, args.rounds, args.cpython_gc, args.distinct,
                                  args.profile))
        if not args.no_baseline:
            asyncio.run(run_baseline(count, args.load_interval, args.rounds, payload))
    return 0


if __name__ == "__main__":
    sys.exit(main())
