"""The result of checking a station's composite schedule against what the CSMS expects it to do.

A composite is a step function of signed W given as `[(seconds from the schedule start, W)]`, each value held
until the next step (or the end of the window). Pure types and one pure comparison; no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

Steps = tuple[tuple[int, float], ...]


@dataclass(frozen=True, slots=True)
class CompositeDifference:
    """Over [start_offset_s, end_offset_s) the station reports `reported_w` where the CSMS expects `expected_w`
    (+inf: no limit the CSMS knows of, the EVSE's unknown maximum; None: that side has no value there)."""

    start_offset_s: int
    end_offset_s: int
    expected_w: float | None
    reported_w: float | None

    @property
    def delta_w(self) -> float | None:
        if self.expected_w is None or self.reported_w is None:
            return None
        return self.reported_w - self.expected_w


@dataclass(frozen=True, slots=True)
class CompositeCheck:
    """A GetCompositeSchedule answer compared with the CSMS's expectation for one EVSE.

    `status` is the station's answer (only "Accepted" carries a schedule to compare); `start_at` is the
    station's `scheduleStart` and the window is `duration_s` long from there; `response` is the station's
    GetCompositeSchedule answer as received.
    """

    station_id: str
    evse_id: int
    status: str
    start_at: datetime | None = None
    duration_s: int = 0
    expected: Steps = ()
    reported: Steps = ()
    differences: tuple[CompositeDifference, ...] = ()
    response: dict[str, Any] = field(default_factory=dict)

    @property
    def compared(self) -> bool:
        """Whether there was a schedule to compare (an Accepted answer with a schedule)."""
        return self.status == "Accepted" and self.start_at is not None

    @property
    def matches(self) -> bool:
        """True only when a schedule was compared and nothing differs: a check that compared nothing is no match."""
        return self.compared and not self.differences

    @property
    def reason(self) -> str:
        """Why nothing was compared ("" when something was)."""
        if self.compared:
            return ""
        if self.status == "Accepted":
            return "the station answered Accepted without a schedule: nothing was compared"
        return f"the station answered {self.status or 'without a status'}: nothing was compared"


def _value_at(steps: Sequence[tuple[int, float]], offset_s: int) -> float | None:
    value: float | None = None
    for start, w in steps:
        if start > offset_s:
            break
        value = w
    return value


def _same(expected_w: float | None, reported_w: float | None, tolerance_w: float) -> bool:
    if expected_w is None or reported_w is None:
        return expected_w is None and reported_w is None
    if math.isinf(expected_w):  # unknown hardware maximum in that direction: any value that way matches
        return reported_w != 0 and (reported_w > 0) == (expected_w > 0)
    return abs(reported_w - expected_w) <= tolerance_w


def step_differences(expected: Sequence[tuple[int, float]], reported: Sequence[tuple[int, float]],
                     duration_s: int, tolerance_w: float) -> tuple[CompositeDifference, ...]:
    """Where over [0, duration_s) the two step functions differ by more than `tolerance_w` (adjacent stretches
    with the same pair of values merged). A stretch only one side covers (e.g. the station's schedule starts
    late) differs, with None on the other side."""
    points = sorted({0, *(s for s, _ in expected), *(s for s, _ in reported)})
    points = [p for p in points if 0 <= p < duration_s]
    out: list[CompositeDifference] = []
    for start, end in zip(points, [*points[1:], duration_s], strict=True):
        want, got = _value_at(expected, start), _value_at(reported, start)
        if _same(want, got, tolerance_w):
            continue
        last = out[-1] if out else None
        if last is not None and last.end_offset_s == start and (last.expected_w, last.reported_w) == (want, got):
            out[-1] = CompositeDifference(last.start_offset_s, end, want, got)
        else:
            out.append(CompositeDifference(start, end, want, got))
    return tuple(out)
