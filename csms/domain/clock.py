"""Injected time. Nothing in csms or chargepoint_sim reads the wall clock except through a Clock.

`SystemClock` is real time; `ScaledClock` runs simulated time `speed` times faster than real time (a day of
fleet in minutes over real sockets); `LoopClock` reads the running event loop's time, so on a virtual-time loop
(`csms.scenario.virtual_time`) a simulated hour passes as fast as the work in it allows; `ManualClock` only
moves when a test advances it. Loops wait with `clock.sleep` and `clock.wait` (an event, or a timeout in this
clock's seconds), never with real seconds divided by a speed.
"""

from __future__ import annotations

import asyncio
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Current UTC-aware time."""
        ...

    async def sleep(self, duration_s: float) -> None:
        """Sleep for `duration_s` of this clock's time."""
        ...

    async def wait(self, event: asyncio.Event, timeout_s: float) -> bool:
        """Wait until `event` is set (True) or `timeout_s` of this clock's time has passed (False)."""
        ...

    @property
    def speed(self) -> float:
        """Clock seconds per real second (1.0 for real time)."""
        ...


async def _wait_real(event: asyncio.Event, timeout_real_s: float) -> bool:
    if event.is_set():
        return True
    try:
        async with asyncio.timeout(max(0.0, timeout_real_s)):
            await event.wait()
    except TimeoutError:
        return False
    return True


class SystemClock:
    """Wall-clock time."""

    speed = 1.0

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, duration_s: float) -> None:
        await asyncio.sleep(max(0.0, duration_s))

    async def wait(self, event: asyncio.Event, timeout_s: float) -> bool:
        return await _wait_real(event, timeout_s)


class ScaledClock:
    """Simulated time starting at `start_at`, running `speed` times faster than real time.

    `anchor_monotonic_s` is the `time.monotonic()` reading at which the clock reads `start_at` (default: now).
    On Linux the monotonic clock is system-wide, so two processes given the same anchor share one simulated
    time (the scenario runner and the simulator it starts)."""

    def __init__(self, start_at: datetime, speed: float = 1.0, anchor_monotonic_s: float | None = None) -> None:
        if start_at.tzinfo is None:
            raise ValueError("start_at must be timezone-aware")
        if speed <= 0:
            raise ValueError("speed must be > 0")
        self._start_at = start_at
        self._t0 = time.monotonic() if anchor_monotonic_s is None else anchor_monotonic_s
        self._speed = speed

    @property
    def anchor_monotonic_s(self) -> float:
        return self._t0

    @property
    def start_at(self) -> datetime:
        return self._start_at

    @property
    def speed(self) -> float:
        return self._speed

    def now(self) -> datetime:
        return self._start_at + timedelta(seconds=(time.monotonic() - self._t0) * self._speed)

    async def sleep(self, duration_s: float) -> None:
        await asyncio.sleep(max(0.0, duration_s) / self._speed)

    async def wait(self, event: asyncio.Event, timeout_s: float) -> bool:
        return await _wait_real(event, timeout_s / self._speed)


class LoopClock:
    """Simulated time starting at `start_at` that advances with the running event loop's `time()`.

    On an ordinary loop that is real time; on a virtual-time loop (`csms.scenario.virtual_time.run_virtual`) the
    loop jumps to its next timer whenever every task waits, so the CSMS, its fleet controller and an in-process
    simulator run a simulated hour in seconds, in the same order on every run. Create it inside the loop."""

    speed = 1.0

    def __init__(self, start_at: datetime) -> None:
        if start_at.tzinfo is None:
            raise ValueError("start_at must be timezone-aware")
        self._start_at = start_at
        self._loop = asyncio.get_running_loop()
        self._t0 = self._loop.time()
        self._last_loop_time, self._last_now = self._t0, start_at  # `now` at the last loop time it was asked

    @property
    def start_at(self) -> datetime:
        return self._start_at

    def now(self) -> datetime:
        """On virtual time many callers ask at the same loop time (~150,000 calls in a 20-EV run): the datetime
        is computed once per loop time."""
        loop_time = self._loop.time()
        if loop_time != self._last_loop_time:
            self._last_loop_time = loop_time
            self._last_now = self._start_at + timedelta(seconds=loop_time - self._t0)
        return self._last_now

    async def sleep(self, duration_s: float) -> None:
        await asyncio.sleep(max(0.0, duration_s))

    async def wait(self, event: asyncio.Event, timeout_s: float) -> bool:
        return await _wait_real(event, timeout_s)


class ManualClock:
    """A clock for tests: time stands still until `advance` is called; `sleep` yields once and advances."""

    speed = 1.0

    def __init__(self, start_at: datetime) -> None:
        self._now = start_at

    def now(self) -> datetime:
        return self._now

    def advance(self, duration_s: float) -> None:
        self._now += timedelta(seconds=duration_s)

    async def sleep(self, duration_s: float) -> None:
        self.advance(duration_s)
        await asyncio.sleep(0)

    async def wait(self, event: asyncio.Event, timeout_s: float) -> bool:
        """True if `event` is set after one yield; else the clock advances by `timeout_s` and it is False."""
        await asyncio.sleep(0)
        if event.is_set():
            return True
        self.advance(timeout_s)
        return False


def to_ocpp_time(at: datetime) -> str:
    """Format a UTC-aware datetime as OCPP's RFC 3339 dateTime with millisecond precision and Z."""
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


_LEAP_SECOND = re.compile(r"(T\d\d:\d\d:)60")


def parse_ocpp_time(raw: str) -> datetime:
    """Parse an OCPP (RFC 3339) dateTime into a UTC datetime; a value without offset is taken as UTC.

    Lower-case `t`/`z` are accepted (RFC 3339 5.6) and a leap second (`:60`) is read as the last microsecond of
    its minute. Raises ValueError (never OverflowError) for anything that is not a time or does not fit in UTC
    (e.g. `0001-01-01T00:00:00+01:00`)."""
    text = raw.upper()
    if "T" in text and ":60" in text:
        text, leap = _LEAP_SECOND.subn(r"\g<1>59.999999", text, count=1)
        if leap and re.search(r"59\.999999\.", text):  # "...:60.5": the fraction is within the leap second
            text = re.sub(r"(59\.999999)\.\d+", r"\1", text)
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{raw!r} does not fit in UTC") from None
