"""LoopClock on a virtual-time loop: `now` follows the loop's time, and repeats itself within one instant."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from csms.domain.clock import LoopClock
from csms.scenario.virtual_time import run_virtual

START = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_now_follows_the_loop_time_and_is_the_same_within_an_instant() -> None:
    async def main() -> list[datetime]:
        clock = LoopClock(START)
        seen = [clock.now(), clock.now()]
        await asyncio.sleep(2.5)
        seen += [clock.now(), clock.now()]
        await asyncio.sleep(0.25)
        seen.append(clock.now())
        return seen

    seen = run_virtual(main)
    assert seen == [START, START, START + timedelta(seconds=2.5), START + timedelta(seconds=2.5),
                    START + timedelta(seconds=2.75)]
