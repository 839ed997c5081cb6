"""One way for a test on real time to wait for something: `await eventually(check, "what")`.

`check` is polled (it may be a coroutine function) until it returns a truthy value, which is returned. There is
no tight deadline: a slow or busy host only makes the wait longer. A condition that never holds fails after
`limit_s` (minutes, far past any healthy run; pytest-timeout is the last guard) naming `what` and the last value
seen. Closed-loop checks do not wait on real time at all: they run on virtual time (csms.scenario.virtual_time).
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, overload

_T = TypeVar("_T")

LIMIT_S = 300.0


@overload
async def eventually(check: Callable[[], Awaitable[_T | None]], what: str, *, poll_s: float = ...,
                     limit_s: float = ...) -> _T: ...


@overload
async def eventually(check: Callable[[], _T | None], what: str, *, poll_s: float = ...,
                     limit_s: float = ...) -> _T: ...


async def eventually(check: Callable[[], Any], what: str, *, poll_s: float = 0.05,
                     limit_s: float = LIMIT_S) -> Any:
    """Poll `check()` every `poll_s` real seconds until it is truthy; return that value (a check returning
    `X | None` gives an `X`)."""
    deadline = time.monotonic() + limit_s
    while True:
        value = check()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not true after {limit_s:.0f} s (last value {value!r})")
        await asyncio.sleep(poll_s)
