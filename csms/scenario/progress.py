"""Progress of long runs (`csms replay`, `csms scenario run`): a tiny callback API and a terminal reporter.

A run loop that knows its simulated time reports it through a `ProgressCallback`:

    def run_something(..., progress: ProgressCallback = no_progress) -> ...:
        progress(ProgressUpdate(simulated_s=t, total_s=total, note="score 0.93 so far"))

The CLIs pass a `TerminalProgress` (a tqdm bar on stderr: simulated time done / total, the note, an ETA), which
draws only on a terminal and never when `CI` is set (`progress_wanted`); otherwise every call is a no-op.
`run_with_progress(run, progress, ...)` hands the callback to `run` as `progress=` when `run` takes that keyword
(a loop on a virtual clock, which knows its simulated time); otherwise it estimates simulated time from the wall
clock times the run's speed (`follow_scaled_clock`, the accelerated clock's own rule). So a run loop opts in by
adding a `progress: ProgressCallback = no_progress` parameter; the CLIs need no change.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import shutil
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import IO, Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ProgressUpdate:
    simulated_s: float
    """Simulated seconds done since the run started (warm-up included)."""
    total_s: float
    """Simulated seconds the whole run takes."""
    note: str = ""
    """A short status to show beside the bar, e.g. "score 0.93 so far"."""


ProgressCallback = Callable[[ProgressUpdate], None]


def no_progress(update: ProgressUpdate) -> None:
    """The default callback: report nothing."""


def progress_wanted(stream: IO[str] | None = None, env: Mapping[str, str] | None = None) -> bool:
    """True when `stream` (default stderr) is a terminal and `CI` is unset or false."""
    stream = sys.stderr if stream is None else stream
    env = os.environ if env is None else env
    if env.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class TerminalProgress:
    """A `ProgressCallback` drawing a tqdm bar of simulated time on a terminal; silent otherwise.

    `with TerminalProgress("replay", total_s=720) as progress: ...` closes the bar on exit."""

    def __init__(self, label: str, *, total_s: float, stream: IO[str] | None = None,
                 enabled: bool | None = None) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.enabled = progress_wanted(self.stream) if enabled is None else enabled
        self.total_s = total_s
        self._bar: Any = None
        if self.enabled:
            from tqdm import tqdm

            size = shutil.get_terminal_size((100, 20))  # a terminal that reports 0 x 0 gets the fallback
            self._bar = tqdm(total=round(total_s), desc=label, unit="sim s", file=self.stream, ncols=size.columns,
                             nrows=size.lines,
                             bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} simulated s "
                                        "[{elapsed}<{remaining}]{postfix}")

    def __call__(self, update: ProgressUpdate) -> None:
        if self._bar is None:
            return
        done = round(min(max(update.simulated_s, 0.0), update.total_s))
        if update.total_s and round(update.total_s) != self._bar.total:
            self._bar.total = round(update.total_s)
        if done > self._bar.n:
            self._bar.update(done - self._bar.n)
        if update.note:
            self._bar.set_postfix_str(update.note, refresh=False)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


async def follow_scaled_clock(awaitable: Awaitable[T], progress: ProgressCallback, *, speed: float,
                              total_s: float, interval_s: float = 0.5,
                              monotonic: Callable[[], float] = time.monotonic) -> T:
    """Await `awaitable`, reporting `(real seconds since start) x speed` of `total_s` every `interval_s` (real)
    to `progress` meanwhile: the simulated time of a run on an accelerated clock (`ScaledClock`)."""
    started = monotonic()

    async def tick() -> None:
        while True:
            progress(ProgressUpdate(min((monotonic() - started) * speed, total_s), total_s))
            await asyncio.sleep(interval_s)

    ticker = asyncio.ensure_future(tick())
    try:
        result = await awaitable
    finally:
        ticker.cancel()
    progress(ProgressUpdate(total_s, total_s))
    return result


async def run_with_progress(run: Callable[..., Awaitable[T]], progress: ProgressCallback, *, speed: float,
                            total_s: float, **kwargs: Any) -> T:
    """`await run(**kwargs)`, with `progress=progress` if `run` takes a `progress` keyword, else followed by
    `follow_scaled_clock` (simulated time estimated as wall time x `speed`)."""
    if "progress" in inspect.signature(run).parameters:
        return await run(progress=progress, **kwargs)
    return await follow_scaled_clock(run(**kwargs), progress, speed=speed, total_s=total_s)
