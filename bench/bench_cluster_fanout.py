"""Cluster fan-out: two CSMS processes share one Redis; how long until SetChargingProfile is acknowledged by
every one of N stations when half of them are connected to the other node.

- node A runs in this process (`build_app`, Redis store, cluster on); node B is `python -m csms serve` in a
  child process with the same Redis and prefix; each node gets N/2 lean stations (bench/load_client.py in two
  child processes, answering every CALL with Accepted);
- node A does what `ChargingService.apply_many` does for all N stations at once (one bulk store read, then
  concurrent applies): its own half goes straight to the sockets,
  the other half is routed through Redis (directory lookup, pub/sub to B, B's call, the answer back);
- `--load-interval S` makes every station send a MeterValues every S seconds meanwhile.

Uses the Redis at `--redis-url` (default the local one) under a fresh key prefix, deleted at the end.
Prints the time to the last ack and the p50/p99 ack latency of the local and the routed half.

    .venv/bin/python bench/bench_cluster_fanout.py --stations 10000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from redis.asyncio import Redis

from csms.app import build_app
from csms.domain.schedule import PowerSchedule, ProfilePurpose, SchedulePeriod
from csms.runtime import CPYTHON_GC_THRESHOLDS, tune_gc
from csms.services.charging import ApplyResult, ApplyStatus, ChargingService
from csms.settings import ApiSettings, ClusterSettings, OcppSettings, SecuritySettings, Settings, StoreSettings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from bench_load import free_port, stop_server, wait_listening  # noqa: E402


def schedule(power_w: float) -> PowerSchedule:
    return PowerSchedule(evse_id=1, starts_at=datetime.now(UTC), duration_s=3600,
                         periods=(SchedulePeriod(0, power_w),), purpose=ProfilePurpose.TX_DEFAULT)


async def timed_apply(charging: ChargingService, station_id: str, power: PowerSchedule, t0: float,
                      done_at: dict[str, float]) -> ApplyResult:
    result = await charging.apply(station_id, power, requester="bench")
    done_at[station_id] = time.perf_counter() - t0
    return result


def load_client(url: str, stations: int, prefix: str, interval_s: float) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "load_client.py"), "--url", url, "--stations", str(stations),
         "--duration", "900", "--interval", str(interval_s), "--id-prefix", prefix],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def run(stations: int, load_interval_s: float, rounds: int, redis_url: str, cpython_gc: bool) -> None:
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    half = stations // 2
    store = StoreSettings(backend="redis", redis_url=redis_url, redis_prefix=prefix, redis_max_connections=256)
    settings = Settings(
        node_id="bench-a", store=store, cluster=ClusterSettings(enabled=True),
        ocpp=OcppSettings(host="127.0.0.1", port=0, ping_interval_s=None, fetch_device_model_on_boot=False,
                          compression=False),
        api=ApiSettings(host="127.0.0.1", port=0), security=SecuritySettings(), log_level="WARNING",
    )
    port_b = free_port()
    env = dict(os.environ, CSMS_NODE_ID="bench-b", CSMS_STORE__BACKEND="redis", CSMS_STORE__REDIS_URL=redis_url,
               CSMS_STORE__REDIS_PREFIX=prefix, CSMS_STORE__REDIS_MAX_CONNECTIONS="256",
               CSMS_CLUSTER__ENABLED="true", CSMS_OCPP__HOST="127.0.0.1", CSMS_OCPP__PORT=str(port_b),
               CSMS_OCPP__FETCH_DEVICE_MODEL_ON_BOOT="false", CSMS_API__HOST="127.0.0.1",
               CSMS_API__PORT=str(free_port()), CSMS_LOG_LEVEL="WARNING", CSMS_FLEET__ENABLED="false")
    if cpython_gc:
        env["CSMS_GC_THRESHOLDS"] = json.dumps(CPYTHON_GC_THRESHOLDS)
    node_b = await asyncio.to_thread(
        subprocess.Popen, [sys.executable, "-m", "csms", "serve", "--store", "redis"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    app = build_app(settings, serve_api=False)
    clients: list[subprocess.Popen[bytes]] = []
    redis = Redis.from_url(redis_url)
    try:
        await app.start()
        tune_gc(CPYTHON_GC_THRESHOLDS if cpython_gc else settings.gc_thresholds)  # as `csms serve` (node B)
        await asyncio.to_thread(wait_listening, node_b, port_b)
        interval = load_interval_s if load_interval_s > 0 else 3600.0
        clients = [await asyncio.to_thread(load_client, f"ws://127.0.0.1:{app.ocpp_port}/ocpp", half, "FA", interval),
                   await asyncio.to_thread(load_client, f"ws://127.0.0.1:{port_b}/ocpp", stations - half, "FB",
                                           interval)]
        ids_a = [f"FA-{i:05d}" for i in range(half)]
        ids_b = [f"FB-{i:05d}" for i in range(stations - half)]
        assert app.cluster is not None
        gateway = app.cluster.gateway
        started = time.monotonic()
        while True:
            owners = await gateway.locate(ids_b)
            on_b = sum(owner == "bench-b" for owner in owners.values())
            if len(app.registry) >= half and on_b >= len(ids_b):
                break
            if time.monotonic() - started > 300 or any(c.poll() is not None for c in clients):
                raise RuntimeError(f"only {len(app.registry)} + {on_b} of {stations} stations connected")
            await asyncio.sleep(0.5)
        print(f"\n{stations} stations, {half} on node A (this process) and {len(ids_b)} on node B, connected in "
              f"{time.monotonic() - started:.1f} s; " + (f"each sending MeterValues every {load_interval_s:g} s"
                                                         if load_interval_s > 0 else "idle"))
        await asyncio.sleep(3.0 if load_interval_s > 0 else 1.0)
        print(f"  {'round':>5} {'all acked s':>12} {'not acked':>9} {'local p50/p99 ms':>17} {'routed p50/p99 ms':>18}"
              f" {'bulk read s':>11}")
        for i in range(rounds):
            t0 = time.perf_counter()
            done_at: dict[str, float] = {}
            power_w = 6000.0 + 100 * i
            await app.charging.prefetch([(sid, 1) for sid in ids_a + ids_b])  # as `apply_many` does
            prefetch_s = time.perf_counter() - t0
            results = await asyncio.gather(*(timed_apply(app.charging, sid, schedule(power_w), t0, done_at)
                                             for sid in ids_a + ids_b))
            total_s = time.perf_counter() - t0
            bad = [r for r in results if r.status is not ApplyStatus.ACCEPTED]
            local = np.array([done_at[s] for s in ids_a]) * 1000
            routed = np.array([done_at[s] for s in ids_b]) * 1000
            print(f"  {i:>5} {total_s:>12.3f} {len(bad):>9} "
                  f"{np.percentile(local, 50):>8.0f}/{np.percentile(local, 99):<8.0f} "
                  f"{np.percentile(routed, 50):>9.0f}/{np.percentile(routed, 99):<8.0f} {prefetch_s:>11.3f}")
            if bad:
                print(f"    e.g. {bad[0].status}: {bad[0].detail}")
            await asyncio.sleep(1.5)  # past the charging service's min update interval
    finally:
        for client in clients:
            stop_server(client)
        stop_server(node_b)
        with contextlib.suppress(Exception):
            await app.stop()
        keys = [key async for key in redis.scan_iter(match=f"{prefix}*", count=1000)]
        for start in range(0, len(keys), 1000):
            await redis.delete(*keys[start:start + 1000])
        await redis.aclose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stations", default="10000", help="comma-separated counts (split evenly over 2 nodes)")
    parser.add_argument("--load-interval", type=float, default=0.0, help="s between MeterValues per station")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0", help="a loopback Redis")
    parser.add_argument("--cpython-gc", action="store_true",
                        help="both nodes keep CPython's GC thresholds (default: `gc_thresholds`, as `csms serve`)")
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    for count in (int(n) for n in args.stations.split(",")):
        asyncio.run(run(count, args.load_interval, args.rounds, args.redis_url, args.cpython_gc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
