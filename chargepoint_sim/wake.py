"""`WakeFlag`: how a station's connection driver sleeps until something happens or a deadline passes.

It replaces `asyncio.Event` + `asyncio.timeout` in the driver's wait: one future and one `call_later` timer per
wait, no timeout context (whose cancel-and-convert costs several times as much) and no task. `set()` may be
called from any task on the loop; a set flag makes `wait` return at once, without yielding.
"""

from __future__ import annotations

import asyncio


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


class WakeFlag:
    """A flag the station sets when it has something to send or do; the driver clears it and waits on it."""

    __slots__ = ("_is_set", "_waiter")

    def __init__(self) -> None:
        self._is_set = False
        self._waiter: asyncio.Future[None] | None = None

    def set(self) -> None:
        self._is_set = True
        waiter = self._waiter
        if waiter is not None:
            _resolve(waiter)

    def clear(self) -> None:
        self._is_set = False

    def is_set(self) -> bool:
        return self._is_set

    async def wait(self, timeout_s: float) -> None:
        """Return when the flag is set (at once if it already is) or after `timeout_s` of loop time."""
        if self._is_set:
            return
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        self._waiter = waiter
        timer = loop.call_later(timeout_s, _resolve, waiter)
        try:
            await waiter
        finally:
            timer.cancel()
            if self._waiter is waiter:
                self._waiter = None
