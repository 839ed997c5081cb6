"""Virtual time for closed-loop runs: an event loop whose clock jumps to its next timer whenever every task waits.

`run_virtual(main)` runs `main()` on such a loop (the `looptime` package). Sockets still carry real bytes: the
CSMS and an in-process simulator talk over real websockets on loopback, and a write on loopback is readable
before the loop looks again (the loop polls I/O, then runs `noop_cycles` empty turns, before it moves time).
Nothing may wait on a thread: the fleet controller solves on the loop (`fleet.plan_in_thread = false`), so a
solve takes no simulated time. A simulated hour of 100 EVs then takes seconds of CPU and gives the same trace on
a busy host as on an idle one; `max_simulated_s` bounds a run that would otherwise never end.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, Literal, TypeVar

import looptime

_T = TypeVar("_T")

ClockMode = Literal["virtual", "realtime"]

NOOP_CYCLES = 1  # empty loop turns before time moves (see the module docstring)


def new_virtual_loop(max_simulated_s: float | None = None) -> asyncio.AbstractEventLoop:
    """A new event loop on virtual time starting at 0 (ends every task at `max_simulated_s`, if given)."""
    loop: asyncio.AbstractEventLoop = looptime.new_event_loop(start=0.0, end=max_simulated_s,
                                                              noop_cycles=NOOP_CYCLES)
    return loop


def run_virtual(main: Callable[[], Coroutine[Any, Any, _T]], *, max_simulated_s: float | None = None) -> _T:
    """Run `main()` to completion on a fresh virtual-time loop and return its result."""
    with asyncio.Runner(loop_factory=lambda: new_virtual_loop(max_simulated_s)) as runner:
        return runner.run(main())


def run_with_clock(clock: ClockMode, main: Callable[[], Coroutine[Any, Any, _T]], *,
                   max_simulated_s: float | None = None) -> _T:
    """`run_virtual` for `clock="virtual"`, else an ordinary loop (`asyncio.run`) on the real clock."""
    if clock == "virtual":
        return run_virtual(main, max_simulated_s=max_simulated_s)
    return asyncio.run(main())
