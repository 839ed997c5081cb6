"""Per-operation latency of the state stores: put_transaction and append_meter_samples (one sample per call) on
MemoryStore vs RedisStore, awaited one by one vs in asyncio.gather batches. Prints figures; never pass/fail.

    .venv/bin/python bench/bench_store.py [--ops 5000] [--batch 100] [--redis-url redis://...]

Redis: --redis-url, else $CSMS_REDIS_URL, else a throwaway redis-server on a free loopback port (the test
fixture's). Keys go under a unique prefix that is deleted afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from csms.domain.ids import StationId, TransactionId
from csms.domain.records import MeterSample, TransactionRecord
from csms.domain.seqnos import SeqNos
from csms.store.base import StateStore
from csms.store.keys import KeySchema
from csms.store.memory import MemoryStore
from csms.store.redis import RedisStore

MAX_OPS = 100_000
STATIONS = 500
T0 = datetime(2025, 6, 1, tzinfo=UTC)

Op = Callable[[StateStore, int], Awaitable[None]]


def _tx(i: int) -> TransactionRecord:
    return TransactionRecord(
        station_id=StationId(f"CP-{i % STATIONS:04d}"), transaction_id=TransactionId(f"tx-{i}"), evse_id=1,
        connector_id=1, id_token="TOKEN", started_at=T0, updated_at=T0 + timedelta(seconds=i),
        charging_state="Charging", seq_nos=SeqNos(((0, 4),)), import_register_min_wh=1000.0,
        import_register_max_wh=1000.0 + i, last_power_w=7400.0, last_soc=0.5,
    )


async def put_transaction(store: StateStore, i: int) -> None:
    await store.put_transaction(_tx(i))


async def append_meter_sample(store: StateStore, i: int) -> None:
    sample = MeterSample(T0 + timedelta(seconds=i), import_register_wh=1000.0 + i, export_register_wh=0.0,
                         power_w=7400.0, soc=0.5, context="Sample.Periodic")
    await store.append_meter_samples(StationId(f"CP-{i % STATIONS:04d}"), TransactionId("tx-1"), [sample])


async def run_sequential(store: StateStore, op: Op, ops: int) -> float:
    """Seconds for `ops` calls awaited one after another."""
    started = time.perf_counter()
    for i in range(ops):
        await op(store, i)
    return time.perf_counter() - started


async def run_gathered(store: StateStore, op: Op, ops: int, batch: int) -> float:
    """Seconds for `ops` calls issued `batch` at a time with asyncio.gather."""
    started = time.perf_counter()
    for first in range(0, ops, batch):
        await asyncio.gather(*(op(store, i) for i in range(first, min(first + batch, ops))))
    return time.perf_counter() - started


@contextmanager
def redis_url_for(arg: str | None) -> Iterator[str]:
    url = arg or os.environ.get("CSMS_REDIS_URL")
    if url:
        yield url
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo root, for tests.fixtures
    from tests.fixtures.redis_server import running_redis_server

    with running_redis_server() as started:
        yield started


async def bench(ops: int, batch: int, redis_url: str, max_connections: int) -> None:
    prefix = f"csmsbench-{uuid.uuid4().hex[:8]}"
    results: dict[tuple[str, str, str], float] = {}
    for kind in ("memory", "redis"):
        store: StateStore = (
            MemoryStore() if kind == "memory"
            else RedisStore.from_url(redis_url, prefix=prefix, max_connections=max_connections)
        )
        try:
            for name, op in (("put_transaction", put_transaction), ("append_meter_samples", append_meter_sample)):
                await run_sequential(store, op, min(200, ops))  # warm up: connections, caches
                results[(kind, name, "awaited")] = await run_sequential(store, op, ops) / ops
                results[(kind, name, f"gather/{batch}")] = await run_gathered(store, op, ops, batch) / ops
        finally:
            await store.close()
    await _delete_prefix(redis_url, prefix)

    print(f"state store latency: {ops} ops per row, {STATIONS} stations, gather batches of {batch}, "
          f"redis pool {max_connections} connections, {redis_url}")
    print(f"{'operation':<22}{'mode':<12}{'memory us/op':>14}{'redis us/op':>14}{'redis ops/s':>13}{'redis/mem':>11}")
    for name in ("put_transaction", "append_meter_samples"):
        for mode in ("awaited", f"gather/{batch}"):
            mem, red = results[("memory", name, mode)], results[("redis", name, mode)]
            print(f"{name:<22}{mode:<12}{mem * 1e6:>14.1f}{red * 1e6:>14.1f}{1 / red:>13,.0f}{red / mem:>10.0f}x")
    for name in ("put_transaction", "append_meter_samples"):
        speedup = results[("redis", name, "awaited")] / results[("redis", name, f"gather/{batch}")]
        print(f"redis {name}: gather/{batch} is {speedup:.1f}x the throughput of awaiting one by one")


async def _delete_prefix(url: str, prefix: str) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(url)
    try:
        keys = [k async for k in client.scan_iter(match=KeySchema(prefix).match_all(), count=1000)]
        for start in range(0, len(keys), 1000):
            await client.delete(*keys[start:start + 1000])
    finally:
        await client.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--ops", type=int, default=5_000, help=f"operations per row (<= {MAX_OPS})")
    parser.add_argument("--batch", type=int, default=100, help="calls per asyncio.gather batch")
    parser.add_argument("--max-connections", type=int, default=64, help="redis pool size")
    parser.add_argument("--redis-url", default=None, help="default: $CSMS_REDIS_URL, else a throwaway server")
    args = parser.parse_args()
    if not 1 <= args.ops <= MAX_OPS:
        parser.error(f"--ops must be 1..{MAX_OPS}")
    with redis_url_for(args.redis_url) as url:
        asyncio.run(bench(args.ops, args.batch, url, args.max_connections))


if __name__ == "__main__":
    main()
