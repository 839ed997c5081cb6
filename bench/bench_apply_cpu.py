"""CPU per setpoint of the dispatch path without the network: `ChargingService.apply` over a gateway that answers
Accepted after one event-loop turn, against that fake call alone, for N EVSEs at once (memory store, the node's
GC thresholds). No sockets, no second process: the figure moves less with a busy host than `bench_fanout.py`'s
wall times. `--distinct`: each EVSE gets its own power (a fleet tick) instead of one schedule per EVSE with its
own start time. Prints the minimum and the median over the rounds, in us per setpoint.

    .venv/bin/python bench/bench_apply_cpu.py --evses 5000 --rounds 12
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime
from typing import Any

from csms.domain.clock import ScaledClock
from csms.domain.ids import StationId
from csms.domain.schedule import PowerSchedule, ProfilePurpose, SchedulePeriod
from csms.runtime import tune_gc
from csms.services.charging import ApplyStatus, ChargingService
from csms.services.events import EventBus
from csms.settings import Settings
from csms.store.memory import MemoryStore


class _AcceptingGateway:
    def is_connected(self, station_id: str) -> bool:
        return True

    def connected_station_ids(self) -> list[str]:
        return []

    async def locate(self, station_ids: list[str]) -> dict[str, str | None]:
        return {}

    async def call(self, station_id: str, action: str, payload: dict[str, Any], timeout_s: float | None = None
                   ) -> dict[str, Any]:
        await asyncio.sleep(0)
        return {"status": "Accepted"}


def _schedule(power_w: float, starts_at: datetime | None = None) -> PowerSchedule:
    return PowerSchedule(1, starts_at or datetime.now(UTC), 3600, (SchedulePeriod(0, power_w),),
                         ProfilePurpose.TX_DEFAULT)


async def run(evses: int, rounds: int, distinct: bool) -> None:
    tune_gc(Settings().gc_thresholds)
    gateway = _AcceptingGateway()
    charging = ChargingService(gateway, MemoryStore(), ScaledClock(datetime.now(UTC), 1.0), EventBus(),
                               min_update_interval_s=0.0, max_station_calls_per_s=None)
    ids = [StationId(f"S{i}") for i in range(evses)]
    raw_us: list[float] = []
    ours_us: list[float] = []
    for r in range(rounds):
        started = time.process_time()
        await asyncio.gather(*(gateway.call(sid, "SetChargingProfile", {}) for sid in ids))
        raw_us.append((time.process_time() - started) / evses * 1e6)
        starts_at = datetime.now(UTC)
        started = time.process_time()
        await charging.prefetch([(sid, 1) for sid in ids])
        results = await asyncio.gather(*(
            charging.apply(sid, _schedule(6000.0 + r + k % 100, starts_at) if distinct else _schedule(6000.0 + r))
            for k, sid in enumerate(ids)))
        ours_us.append((time.process_time() - started) / evses * 1e6)
        if any(result.status is not ApplyStatus.ACCEPTED for result in results):
            raise RuntimeError(f"not accepted: {results[0]}")
    print(f"{evses} EVSEs, {rounds} rounds{', a setpoint each' if distinct else ''}: fake call min "
          f"{min(raw_us):.1f} us, apply min {min(ours_us):.1f} us, median {statistics.median(ours_us):.1f} us")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--evses", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--distinct", action="store_true", help="a different power for each EVSE")
    args = parser.parse_args()
    asyncio.run(run(args.evses, args.rounds, args.distinct))
    return 0


if __name__ == "__main__":
    sys.exit(main())
