"""TransactionEvent handling cost as one transaction grows: the handler (parse, seqNo check, record update,
meter samples, event) on the memory store and on Redis, at 100 events and after thousands more.

The ratio to the 100-event cost, in the same run, is the figure: it should stay ~1 (the cost per event must not
grow with the transaction). Until the seqNos were kept as ranges (csms/domain/seqnos.py) it grew linearly:
~32 us at 100 events, ~680 us after 15,000 on the memory store.

    .venv/bin/python bench/bench_long_transaction.py [--events 15000] [--redis-url redis://127.0.0.1:6379/0]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from bench_store import _delete_prefix, redis_url_for  # noqa: E402
from load_client import ocpp_now, transaction_started_payload, transaction_updated_payload  # noqa: E402

from csms.domain.clock import SystemClock  # noqa: E402
from csms.handlers.deps import HandlerDeps  # noqa: E402
from csms.handlers.transactions import transaction_event  # noqa: E402
from csms.ocpp.session import HandlerContext, RpcSession  # noqa: E402
from csms.ocpp.versions import OcppVersion  # noqa: E402
from csms.services.events import EventBus  # noqa: E402
from csms.store.base import StateStore  # noqa: E402
from csms.store.memory import MemoryStore  # noqa: E402
from csms.store.redis import RedisStore  # noqa: E402

MAX_EVENTS = 100_000
SAMPLE = 200  # events timed at each checkpoint


async def _discard(text: str) -> None:
    """The session's transport: nothing is sent in this benchmark."""


async def costs_us(store: StateStore, checkpoints: list[int]) -> list[float]:
    """Mean handler time per TransactionEvent Updated at each checkpoint (events so far in the transaction)."""
    deps = HandlerDeps(store=store, clock=SystemClock(), events=EventBus())
    session = RpcSession(station_id="BENCH-1", version=OcppVersion("ocpp2.0.1"), send=_discard, handlers={})
    ctx = HandlerContext("BENCH-1", OcppVersion("ocpp2.0.1"), session, "1")  # one connection throughout
    await transaction_event(deps, ctx, transaction_started_payload("T1", ocpp_now()))
    payload: dict[str, Any] = transaction_updated_payload("T1", 1, ocpp_now())
    seq, out = 1, []
    for checkpoint in checkpoints:
        while seq < checkpoint:
            payload["seqNo"], seq = seq, seq + 1
            await transaction_event(deps, ctx, payload)
        started = time.perf_counter()
        for _ in range(SAMPLE):
            payload["seqNo"], seq = seq, seq + 1
            await transaction_event(deps, ctx, payload)
        out.append((time.perf_counter() - started) / SAMPLE * 1e6)
    return out


async def run(events: int, redis_url: str) -> None:
    checkpoints = sorted({100, *(n for n in (1_000, 5_000) if n < events), events})
    prefix = f"csmsbench-{uuid.uuid4().hex[:8]}"
    redis = RedisStore.from_url(redis_url, prefix=prefix, max_samples=events + SAMPLE * len(checkpoints))
    try:
        results = {"memory": await costs_us(MemoryStore(max_samples=MAX_EVENTS + 10_000), checkpoints),
                   "redis": await costs_us(redis, checkpoints)}
    finally:
        await redis.close()
        await _delete_prefix(redis_url, prefix)
    print(f"TransactionEvent Updated (11 sampled values), handler only, mean of {SAMPLE} events per checkpoint")
    print(f"{'events so far':>14}" + "".join(f"{k + ' us':>12}{k + ' ratio':>14}" for k in results))
    for i, checkpoint in enumerate(checkpoints):
        print(f"{checkpoint:>14,}" + "".join(f"{v[i]:>12.1f}{v[i] / v[0]:>13.2f}x" for v in results.values()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=15_000, help=f"events in the transaction (<= {MAX_EVENTS})")
    parser.add_argument("--redis-url", default=None, help="default: $CSMS_REDIS_URL, else a throwaway server")
    args = parser.parse_args()
    if not 100 < args.events <= MAX_EVENTS:
        parser.error(f"--events must be 101..{MAX_EVENTS}")
    with redis_url_for(args.redis_url) as url:
        asyncio.run(run(args.events, url))


if __name__ == "__main__":
    main()
