"""Per-station setpoint budgets: at most `limit` setpoint calls to one station in any second of clock time.

Channels (EVSE x purpose) of the same station ask for turns; one that finds a turn free takes it at once (no
future, no task), the others wait and are served in the order they asked (none starves), by one task per busy
station. Each station has its own budget, so a slow or busy station never delays another.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from csms.domain.clock import Clock
from csms.domain.ids import StationId


@dataclass(slots=True)
class _Budget:
    sent_s: deque[float] = field(default_factory=deque)  # clock times of the sends in the last second
    waiting: deque[asyncio.Future[None]] = field(default_factory=deque)
    granting: bool = False  # a task hands out turns to `waiting`


class StationBudgets:
    def __init__(self, clock: Clock, limit: int | None, spawn: Callable[[Coroutine[Any, Any, None]], None]) -> None:
        if limit is not None and limit < 1:
            raise ValueError("max_station_calls_per_s must be >= 1 (None: no per-station limit)")
        self._clock = clock
        self._limit = limit
        self._spawn = spawn
        self._budgets: dict[StationId, _Budget] = {}

    def take_now(self, station_id: StationId) -> bool:
        """Take a turn if one is free now and nobody waits for one (always, without a limit)."""
        if self._limit is None:
            return True
        return self._take_free(self._budget(station_id), self._limit, self._clock.now().timestamp())

    async def turn(self, station_id: StationId) -> None:
        """Wait until `station_id` may get another setpoint call, and take it."""
        limit = self._limit
        if limit is None:
            return
        budget = self._budget(station_id)
        if self._take_free(budget, limit, self._clock.now().timestamp()):  # the common case: no future
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        budget.waiting.append(turn)
        if not budget.granting:
            budget.granting = True
            self._spawn(self._grant(budget, limit))
        await turn

    def _budget(self, station_id: StationId) -> _Budget:
        budget = self._budgets.get(station_id)
        if budget is None:
            budget = self._budgets[station_id] = _Budget()
        return budget

    @staticmethod
    def _take_free(budget: _Budget, limit: int, now_s: float) -> bool:
        while budget.sent_s and budget.sent_s[0] <= now_s - 1.0:
            budget.sent_s.popleft()
        if budget.waiting or len(budget.sent_s) >= limit:
            return False
        budget.sent_s.append(now_s)
        return True

    async def _grant(self, budget: _Budget, limit: int) -> None:
        """Hand out one station's turns in the order they were asked for, `limit` in any second."""
        try:
            while budget.waiting:
                now_s = self._clock.now().timestamp()
                while budget.sent_s and budget.sent_s[0] <= now_s - 1.0:
                    budget.sent_s.popleft()
                if len(budget.sent_s) >= limit:
                    await self._clock.sleep(budget.sent_s[0] + 1.0 - now_s)
                    continue
                turn = budget.waiting.popleft()
                if not turn.done():  # else its delivery task was cancelled
                    budget.sent_s.append(now_s)
                    turn.set_result(None)
        finally:
            budget.granting = False
