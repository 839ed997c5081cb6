"""Setpoint calls per station: at most `max_station_calls_per_s` in any second of clock time across the station's
EVSEs, the latest schedule of each EVSE winning while it waits, every EVSE served in turn, and every station on
its own budget."""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from csms.domain.capabilities import StationCapabilities
from csms.domain.clock import ManualClock
from csms.domain.ids import StationId, TransactionId
from csms.domain.records import StationRecord, TransactionRecord
from csms.domain.schedule import constant_schedule
from csms.services.charging import ApplyResult, ApplyStatus, ChargingService
from csms.services.events import EventBus
from csms.store.memory import MemoryStore
from tests.helpers.gateways import RecordingGateway

T0 = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)
STATION_A, STATION_B = StationId("A"), StationId("B")
CAPS = StationCapabilities(ocpp_version="ocpp2.0.1", rate_units=frozenset({"W"}), max_charge_power_w=11000)


class SteppedClock:
    """Time moves only when the test advances it; `sleep` waits until then (other tasks run meanwhile)."""

    speed = 1.0

    def __init__(self, start_at: datetime) -> None:
        self._now = start_at
        self._sleepers: list[tuple[datetime, asyncio.Future[None]]] = []

    def now(self) -> datetime:
        return self._now

    async def sleep(self, duration_s: float) -> None:
        wake: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sleepers.append((self._now + timedelta(seconds=max(0.0, duration_s)), wake))
        await wake

    async def wait(self, event: asyncio.Event, timeout_s: float) -> bool:
        """True once `event` is set, False if `timeout_s` of clock time passes first (the `Clock` protocol)."""
        if event.is_set():
            return True
        waiter, sleeper = asyncio.ensure_future(event.wait()), asyncio.ensure_future(self.sleep(timeout_s))
        await asyncio.wait((waiter, sleeper), return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        sleeper.cancel()
        return event.is_set()

    def advance(self, duration_s: float) -> None:
        self._now += timedelta(seconds=duration_s)
        due = [(at, wake) for at, wake in self._sleepers if at <= self._now]
        self._sleepers = [(at, wake) for at, wake in self._sleepers if at > self._now]
        for _, wake in due:
            if not wake.done():
                wake.set_result(None)


class ClockedGateway(RecordingGateway):
    def __init__(self, clock: SteppedClock | ManualClock) -> None:
        super().__init__()
        self.clock = clock
        self.sent_s: list[float] = []  # clock seconds from T0 of each call

    async def call(self, station_id: StationId, action: str, payload: dict[str, Any],
                   timeout_s: float | None = None) -> dict[str, Any]:
        self.sent_s.append((self.clock.now() - T0).total_seconds())
        return await super().call(station_id, action, payload, timeout_s)

    def calls(self, station_id: StationId) -> list[tuple[float, int, float]]:
        """(clock s, EVSE, limit in W) of the calls to `station_id`."""
        out = []
        for at_s, (sid, _, payload) in zip(self.sent_s, self.sent, strict=True):
            if sid == station_id:
                profile = payload["chargingProfile"]
                out.append((at_s, payload["evseId"],
                            profile["chargingSchedule"][0]["chargingSchedulePeriod"][0]["limit"]))
        return out


async def make_service(clock: SteppedClock | ManualClock, gateway: ClockedGateway, *, calls_per_s: int | None,
                       evses: dict[StationId, int]) -> ChargingService:
    store = MemoryStore()
    service = ChargingService(gateway, store, clock, EventBus(), min_update_interval_s=0,
                              max_station_calls_per_s=calls_per_s)
    for sid, count in evses.items():
        await store.put_station(StationRecord(sid, ocpp_version="ocpp2.0.1"))
        for evse_id in range(1, count + 1):
            service.override_capabilities(sid, evse_id, CAPS)
            await store.put_transaction(TransactionRecord(sid, TransactionId(f"{sid}-tx{evse_id}"),
                                                          evse_id=evse_id, started_at=T0))
    return service


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


def most_in_any_second(times_s: list[float]) -> int:
    return max((sum(1 for u in times_s if t <= u < t + 1.0 - 1e-9) for t in times_s), default=0)


async def burst(clock: SteppedClock, service: ChargingService, station_id: StationId, evses: int, rounds: int,
                every_s: float, *, extra: dict[int, tuple[StationId, int]] | None = None,
                drain_s: float = 30.0) -> tuple[dict[int, list[asyncio.Task[ApplyResult]]], dict[int, Any]]:
    """`rounds` setpoints to every EVSE of `station_id`, one round every `every_s` of clock time (round i asks
    for 1000 + 10 i W), then the clock runs on for `drain_s`; `extra`: round -> (station, EVSE) also commanded
    then (once). Returns the tasks by EVSE and the extra ones by round."""
    tasks: dict[int, list[asyncio.Task[ApplyResult]]] = defaultdict(list)
    extra_tasks: dict[int, Any] = {}
    for i in range(rounds):
        now = clock.now()
        for evse_id in range(1, evses + 1):
            schedule = constant_schedule(evse_id, now, 1000.0 + 10 * i, 600, f"{station_id}-tx{evse_id}")
            tasks[evse_id].append(asyncio.create_task(service.apply(station_id, schedule)))
        if extra and i in extra:
            sid, evse_id = extra[i]
            extra_tasks[i] = asyncio.create_task(service.apply(sid, constant_schedule(
                evse_id, now, 5000.0, 600, f"{sid}-tx{evse_id}")))
        await settle()
        clock.advance(every_s)
    for _ in range(int(drain_s / every_s)):
        await settle()
        clock.advance(every_s)
    await settle()
    return tasks, extra_tasks


async def test_a_busy_station_gets_at_most_its_budget_per_second_and_each_evse_ends_on_its_latest_schedule() -> None:
    clock = SteppedClock(T0)
    gateway = ClockedGateway(clock)
    service = await make_service(clock, gateway, calls_per_s=4, evses={STATION_A: 4, STATION_B: 1})

    tasks, extra = await burst(clock, service, STATION_A, evses=4, rounds=20, every_s=0.05, extra={10: (STATION_B, 1)})

    calls = gateway.calls(STATION_A)
    assert most_in_any_second([t for t, _, _ in calls]) <= 4
    assert len(calls) < 80  # coalesced: far fewer calls than setpoints
    for evse_id in range(1, 5):
        sent = [limit for _, evse, limit in calls if evse == evse_id]
        assert sent[-1] == 1000.0 + 10 * 19  # the last schedule asked for is the one installed
        results = [t.result() for t in tasks[evse_id]]
        assert results[-1].status is ApplyStatus.ACCEPTED
        assert {r.status for r in results[:-1]} <= {ApplyStatus.ACCEPTED, ApplyStatus.SUPERSEDED}
        assert sum(r.status is ApplyStatus.ACCEPTED for r in results) == len(sent)
    # station B is asked at 0.5 s, while A waits for its budget: B's call goes out at once
    assert extra[10].result().status is ApplyStatus.ACCEPTED
    assert [t for t, _, _ in gateway.calls(STATION_B)] == [pytest.approx(0.5)]


async def test_evses_waiting_for_the_station_budget_take_turns() -> None:
    """Four EVSEs each asking for a new setpoint every 0.1 s and a budget of 2 calls a second: each EVSE is
    served every 2 s, none starves, and the station never gets more than 2 calls in a second."""
    clock = SteppedClock(T0)
    gateway = ClockedGateway(clock)
    service = await make_service(clock, gateway, calls_per_s=2, evses={STATION_A: 4})

    await burst(clock, service, STATION_A, evses=4, rounds=60, every_s=0.1)

    calls = gateway.calls(STATION_A)
    assert most_in_any_second([t for t, _, _ in calls]) <= 2
    busy = [(t, evse) for t, evse, _ in calls if t < 6.0]
    for evse_id in range(1, 5):
        times = [t for t, evse in busy if evse == evse_id]
        assert len(times) >= 3, (evse_id, times)
        assert max(b - a for a, b in itertools.pairwise(times)) <= 2.0 + 1e-6, (evse_id, times)
        assert [limit for _, evse, limit in calls if evse == evse_id][-1] == 1000.0 + 10 * 59


async def test_without_a_station_budget_every_channel_sends_at_once() -> None:
    clock = ManualClock(T0)
    gateway = ClockedGateway(clock)
    service = await make_service(clock, gateway, calls_per_s=None, evses={STATION_A: 8})

    await service.apply_many([(STATION_A, constant_schedule(e, T0, 2000.0, 600, f"A-tx{e}")) for e in range(1, 9)])

    assert gateway.sent_s == [0.0] * 8


async def test_the_budget_must_allow_a_call() -> None:
    with pytest.raises(ValueError, match="max_station_calls_per_s"):
        ChargingService(RecordingGateway(), MemoryStore(), ManualClock(T0), EventBus(), max_station_calls_per_s=0)
