"""`WakeFlag`: the station driver's wait returns when woken, at its deadline, or at once if already set."""

from __future__ import annotations

import asyncio

from chargepoint_sim.wake import WakeFlag
from csms.scenario.virtual_time import run_virtual


def test_a_set_flag_returns_at_once_and_stays_set_until_cleared() -> None:
    async def main() -> tuple[float, bool, bool]:
        flag = WakeFlag()
        flag.set()
        loop = asyncio.get_running_loop()
        start = loop.time()
        await flag.wait(10.0)
        was_set = flag.is_set()
        flag.clear()
        return loop.time() - start, was_set, flag.is_set()

    assert run_virtual(main) == (0.0, True, False)


def test_a_wait_ends_at_its_deadline_when_nobody_wakes_it() -> None:
    async def main() -> float:
        flag = WakeFlag()
        loop = asyncio.get_running_loop()
        start = loop.time()
        await flag.wait(7.5)
        return loop.time() - start

    assert run_virtual(main) == 7.5


def test_set_from_another_task_ends_the_wait_then_and_cancels_its_timer() -> None:
    async def main() -> tuple[float, int]:
        flag = WakeFlag()
        loop = asyncio.get_running_loop()
        start = loop.time()
        loop.call_later(2.0, flag.set)
        await flag.wait(60.0)
        woke_after_s = loop.time() - start
        live = [t for t in loop._scheduled if not t.cancelled()]  # type: ignore[attr-defined]
        return woke_after_s, len(live)

    woke_after_s, live_timers = run_virtual(main)
    assert woke_after_s == 2.0
    assert live_timers == 0
