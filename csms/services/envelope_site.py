"""The site side of the safety envelope: what every EVSE of the site is commanded, over time.

Each EVSE's commands are kept as a step function of time with two sides per step: `lo_w` (the most it may
export, <= 0) and `hi_w` (the most it may import, >= 0). A command is a bound, not a promise: an EV told to
charge at 7 kW may take nothing (a full battery), one told to discharge may stop (at its reserve). So a charging
EVSE never offsets another's discharge against the export limit, nor a discharging one another's charge against
the import limit; the site check is `sum(lo) >= -export_limit` and `sum(hi) <= import_limit` at every instant.
`Commanded` is one command's steps (`segments_of` its schedule), computed only when something first reads them.

`SiteLedger` keeps the sum over EVSEs of both sides as a running total (what is in force now) plus breakpoints
(the times a step starts or ends), so "what may the other EVSEs do during [a, b)" never looks at each EVSE:
- when none of the others' steps from now on goes the unsafe way (lo down, hi up), which is the case for commands
  that have started and only end (a fleet's setpoints), a one-period question is answered by what is in
  force now: O(1);
- otherwise it walks the breakpoints in time order, and past `max_steps` of them bounds the rest by every
  remaining step taken the unsafe way at once (safe, possibly tighter than needed): O(max_steps).
Steps fold into the running total as time passes and entries drop out when they end.
The same ledger, kept per station, checks a station's own rating (its EVSEs together) like a site limit.

Netting: a command is a bound, but a *firm* draw is a fact the caller vouches for (an EV metered drawing at least
`firm_w` under a setpoint no lower, re-based at every reading): `segments_of(schedule, firm_w=...)` then raises
the step's `lo_w` above 0 (a charge that makes room for another EVSE's discharge under the export limit) or
lowers `hi_w` below 0 (a discharge that makes room for a charge under the import limit). The sums need nothing
else.

`TopologyLedger` applies the site topology's current limits (`csms.domain.topology`) the same way, with the one
rule the planner and the checker use (`csms.optimizer.network`): one ledger per linear row of the rule, each
EVSE entered by its worst contribution to the row.

Pure: no I/O, no clock reads (time is passed in, as epoch seconds).
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left, bisect_right, insort
from collections.abc import Hashable, Iterable, Sequence
from itertools import pairwise
from typing import NamedTuple

import numpy as np

from csms.domain.schedule import OperationMode, PowerSchedule, SchedulePeriod
from csms.domain.topology import SiteTopology
from csms.optimizer.network import DEFAULT_ANGLE_STEP_DEG, NetworkRule

_EPS_W = 1e-6  # a step smaller than this is float residue of adding and removing the same value


class Segment(NamedTuple):
    """From `start_s` to `end_s` (epoch seconds) an EVSE exchanges power within [lo_w, hi_w]."""

    start_s: float
    end_s: float
    lo_w: float  # <= 0
    hi_w: float  # >= 0


def period_bounds(period: SchedulePeriod) -> tuple[float, float]:
    """The (lo_w, hi_w) an EVSE may exchange under `period`, after the envelope clamped it."""
    if period.mode is OperationMode.IDLE:
        return 0.0, 0.0
    if period.mode is OperationMode.CHARGING_ONLY:
        return 0.0, max(0.0, period.power_w)
    if period.mode is OperationMode.LOCAL_FREQUENCY:
        baseline_w = period.baseline_w or 0.0
        powers = [baseline_w + p.power_w for p in period.freq_watt_curve] or [baseline_w]
        low_w, high_w = min([*powers, baseline_w]), max([*powers, baseline_w])
        if period.max_discharge_w is not None:
            low_w = max(low_w, -period.max_discharge_w)
        if period.max_charge_w is not None:
            high_w = min(high_w, period.max_charge_w)
        return min(0.0, low_w), max(0.0, high_w)
    low_w = high_w = period.power_w
    if period.max_discharge_w is not None:  # 2.1 dischargeLimit / limit around the setpoint
        low_w = min(low_w, -period.max_discharge_w)
    if period.max_charge_w is not None:
        high_w = max(high_w, period.max_charge_w)
    return min(0.0, low_w), max(0.0, high_w)


def firm_bounds(lo_w: float, hi_w: float, firm_w: float) -> tuple[float, float]:
    """(lo_w, hi_w) with a firm draw: a charge of at least `firm_w` > 0 lifts `lo_w` to min(firm_w, hi_w), a
    discharge of at least `-firm_w` > 0 lowers `hi_w` to max(firm_w, lo_w) (never beyond the command itself)."""
    if firm_w > 0 and hi_w > 0:
        return min(firm_w, hi_w), hi_w
    if firm_w < 0 and lo_w < 0:
        return lo_w, max(firm_w, lo_w)
    return lo_w, hi_w


def segments_of(schedule: PowerSchedule, *, firm_w: float = 0.0) -> tuple[Segment, ...]:
    """`schedule` as segments in absolute time (periods that neither import nor export are left out); `firm_w`:
    a draw the caller vouches for in every period (see the module docstring; 0 = none)."""
    start_s = schedule.starts_at.timestamp()
    out: list[Segment] = []
    for i, period in enumerate(schedule.periods):
        end_offset_s = schedule.periods[i + 1].start_offset_s if i + 1 < len(schedule.periods) \
            else schedule.duration_s
        lo_w, hi_w = firm_bounds(*period_bounds(period), firm_w)
        if lo_w or hi_w:
            out.append(Segment(start_s + period.start_offset_s, start_s + end_offset_s, lo_w, hi_w))
    return tuple(out)


class Commanded:
    """What one command lets its EVSE(s) do: `segments_of` its clamped schedule, each step times `evses` (one
    TxDefaultProfile for every EVSE of a station), computed on the first read of `segments` and kept. The
    ledgers read it only when the site has limits, a station-wide rating or a topology, so a setpoint that no
    ledger counts never computes it."""

    __slots__ = ("_evses", "_schedule", "_segments")

    def __init__(self, schedule: PowerSchedule | None, evses: int = 1) -> None:
        self._schedule = schedule
        self._evses = evses
        self._segments: tuple[Segment, ...] | None = None if schedule is not None else ()

    @classmethod
    def known(cls, segments: tuple[Segment, ...]) -> Commanded:
        """A command whose segments are already known (e.g. the worst of two)."""
        commanded = cls(None)
        commanded._segments = segments
        return commanded

    @property
    def segments(self) -> tuple[Segment, ...]:
        segments = self._segments
        if segments is None:
            assert self._schedule is not None
            segments = segments_of(self._schedule)
            if self._evses > 1:
                n = self._evses
                segments = tuple(seg._replace(lo_w=seg.lo_w * n, hi_w=seg.hi_w * n) for seg in segments)
            self._segments, self._schedule = segments, None
        return segments


NOTHING = Commanded(None)  # a command that lets the EVSE do nothing (none held, none in flight)


def worst(*sets: Sequence[Segment]) -> tuple[Segment, ...]:
    """Pointwise the most export and the most import of several segment sets (time not covered counts 0): what
    an EVSE may do while it is unknown which of several commands the station holds (one in flight, one queued,
    one that timed out)."""
    present = [s for s in sets if s]
    if not present:
        return ()
    if len(present) == 1 or all(s == present[0] for s in present[1:]):
        return tuple(present[0])
    times = sorted({t for segments in present for seg in segments for t in (seg.start_s, seg.end_s)})
    out: list[Segment] = []
    for a, b in pairwise(times):
        lo_w = hi_w = 0.0
        for segments in present:
            for seg in segments:
                if seg.start_s <= a < seg.end_s:
                    lo_w, hi_w = min(lo_w, seg.lo_w), max(hi_w, seg.hi_w)
                    break
        if not (lo_w or hi_w):
            continue
        if out and out[-1].end_s == a and out[-1].lo_w == lo_w and out[-1].hi_w == hi_w:
            out[-1] = out[-1]._replace(end_s=b)
        else:
            out.append(Segment(a, b, lo_w, hi_w))
    return tuple(out)


class SiteLedger:
    """The sum over a site's EVSEs of what each is commanded, over time (see the module docstring)."""

    def __init__(self, max_steps: int = 64) -> None:
        self._max_steps = max_steps
        self._now_s = -math.inf
        self._lo_w = 0.0  # sums in force at _now_s (until the first breakpoint)
        self._hi_w = 0.0
        self._times: list[float] = []  # sorted breakpoints > _now_s
        self._steps: dict[float, list[float]] = {}  # breakpoint -> [change of lo_w, change of hi_w]
        self._neg_lo_w = 0.0  # sum of the decreasing lo steps (the bound past max_steps)
        self._pos_hi_w = 0.0  # sum of the increasing hi steps
        self._entries: dict[Hashable, tuple[Segment, ...]] = {}
        self._ends: list[tuple[float, int, Hashable]] = []  # heap: (end no later than the entry's, seq, key)
        self._seq = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def in_force_w(self) -> tuple[float, float]:
        """(sum of lo_w, sum of hi_w) in force at the last `advance`."""
        return self._lo_w, self._hi_w

    def entry(self, key: Hashable) -> tuple[Segment, ...]:
        return self._entries.get(key, ())

    def advance(self, now_s: float) -> None:
        """Fold the breakpoints up to `now_s` into the running totals and drop entries that have ended."""
        if now_s <= self._now_s:
            return
        n = bisect_right(self._times, now_s)
        for t in self._times[:n]:
            d_lo, d_hi = self._steps.pop(t)
            self._lo_w += d_lo
            self._hi_w += d_hi
            self._neg_lo_w -= min(0.0, d_lo)
            self._pos_hi_w -= max(0.0, d_hi)
        del self._times[:n]
        self._now_s = now_s
        while self._ends and self._ends[0][0] <= now_s:
            _, _, key = heapq.heappop(self._ends)
            segments = self._entries.get(key)
            if segments is None:
                continue
            end_s = segments[-1].end_s
            if end_s <= now_s:
                del self._entries[key]
            else:  # replaced by a longer command since: look again when that one ends
                self._seq += 1
                heapq.heappush(self._ends, (end_s, self._seq, key))
        if not self._entries:  # nothing commanded: no float residue left over
            self._lo_w = self._hi_w = self._neg_lo_w = self._pos_hi_w = 0.0
            self._times.clear()
            self._steps.clear()
            self._ends.clear()

    def set(self, key: Hashable, segments: Iterable[Segment]) -> None:
        """Replace what `key` (an EVSE) is commanded by `segments` (in time order, not overlapping); an empty
        `segments` removes it."""
        kept = tuple(seg for seg in segments if seg.end_s > self._now_s and seg.end_s > seg.start_s)
        old = self._entries.pop(key, None)
        if old == kept:
            if kept:
                self._entries[key] = kept
            return
        for seg in old or ():
            self._add(seg, -1.0)
        if not kept:
            return
        for seg in kept:
            self._add(seg, 1.0)
        self._entries[key] = kept
        if old is None:  # else its end is in the heap already (and looked at again if this one ends later)
            self._seq += 1
            heapq.heappush(self._ends, (kept[-1].end_s, self._seq, key))

    def _add(self, seg: Segment, sign: float) -> None:
        if seg.end_s <= self._now_s:
            return
        if seg.start_s <= self._now_s:
            self._lo_w += sign * seg.lo_w
            self._hi_w += sign * seg.hi_w
        else:
            self._step(seg.start_s, sign * seg.lo_w, sign * seg.hi_w)
        self._step(seg.end_s, -sign * seg.lo_w, -sign * seg.hi_w)

    def _step(self, t: float, d_lo: float, d_hi: float) -> None:
        step = self._steps.get(t)
        if step is None:
            step = self._steps[t] = [0.0, 0.0]
            insort(self._times, t)
        lo, hi = step
        if lo < 0.0:
            self._neg_lo_w -= lo
        if hi > 0.0:
            self._pos_hi_w -= hi
        lo += d_lo
        hi += d_hi
        if -_EPS_W < lo < _EPS_W and -_EPS_W < hi < _EPS_W:
            del self._steps[t]
            del self._times[bisect_left(self._times, t)]
            return
        step[0], step[1] = lo, hi
        if lo < 0.0:
            self._neg_lo_w += lo
        if hi > 0.0:
            self._pos_hi_w += hi

    def others(self, key: Hashable, windows: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
        """For each window [a, b) (epoch seconds, in time order, not overlapping): the lowest sum of `lo_w` and
        the highest sum of `hi_w` of every entry but `key`'s over the part of the window from the last
        `advance` on. Exact for the first `max_steps` breakpoints, a safe bound past them."""
        now_s = self._now_s
        cur_lo, cur_hi = self._lo_w, self._hi_w
        own: list[tuple[float, float, float]] = []  # key's own steps, undone so only the others remain
        for seg in self._entries.get(key, ()):
            if seg.end_s <= now_s:
                continue
            if seg.start_s <= now_s:
                cur_lo, cur_hi = cur_lo - seg.lo_w, cur_hi - seg.hi_w
            else:
                own.append((seg.start_s, -seg.lo_w, -seg.hi_w))
            own.append((seg.end_s, seg.lo_w, seg.hi_w))
        own.sort()
        times, steps = self._times, self._steps
        rest_neg, rest_pos = self._neg_lo_w, self._pos_hi_w
        # The others' steps are everyone's steps plus `own`. If none of them goes the unsafe way (lo down, hi up)
        # - the common case: commands that started and only end - the answer is what is in force now, whatever
        # the window: no walk at all.
        others_neg, others_pos = rest_neg, rest_pos
        undo: dict[float, list[float]] = {}
        for t, u_lo, u_hi in own:
            u = undo.setdefault(t, [0.0, 0.0])
            u[0] += u_lo
            u[1] += u_hi
        for t, (u_lo, u_hi) in undo.items():
            d_lo, d_hi = steps.get(t, (0.0, 0.0))
            others_neg += min(0.0, d_lo + u_lo) - min(0.0, d_lo)
            others_pos += max(0.0, d_hi + u_hi) - max(0.0, d_hi)
        if others_neg > -_EPS_W and others_pos < _EPS_W and len(windows) == 1:
            return [(cur_lo, cur_hi)]  # exact from now on; a later window would need the value at its start
        j = k = 0
        budget = self._max_steps
        out: list[tuple[float, float]] = []
        for a, b in windows:
            a = max(a, now_s)
            if b <= a:
                out.append((0.0, 0.0))  # over before now: never in force
                continue
            lo_min = hi_max = math.nan
            measuring = False
            while True:
                tf = times[j] if j < len(times) else math.inf
                to = own[k][0] if k < len(own) else math.inf
                t = min(tf, to)
                if t > a and not measuring:
                    measuring, lo_min, hi_max = True, cur_lo, cur_hi
                if t >= b:
                    break
                if tf == t:
                    if budget > 0:
                        d_lo, d_hi = steps[t]
                        cur_lo, cur_hi = cur_lo + d_lo, cur_hi + d_hi
                        rest_neg, rest_pos = rest_neg - min(0.0, d_lo), rest_pos - max(0.0, d_hi)
                        budget -= 1
                        j += 1
                    else:  # from here on: every remaining step taken in the unsafe direction at once
                        cur_lo, cur_hi = cur_lo + rest_neg, cur_hi + rest_pos
                        j = len(times)
                while k < len(own) and own[k][0] == t:
                    cur_lo, cur_hi = cur_lo + own[k][1], cur_hi + own[k][2]
                    k += 1
                if measuring:
                    if cur_lo < lo_min:
                        lo_min = cur_lo
                    if cur_hi > hi_max:
                        hi_max = cur_hi
            out.append((lo_min, hi_max))
        return out


class TopologyLedger:
    """The site topology's current limits over what every EVSE is commanded, over time: one `SiteLedger` per
    linear row ``w · p <= rhs`` of the rule (`NetworkRule.rows`), an EVSE entered with its worst contribution
    to the row (`w·lo`..`w·hi`). Keys are the topology's EVSE ids."""

    def __init__(self, topology: SiteTopology, *, charge_only: Iterable[str] = (),
                 angle_step_deg: float = DEFAULT_ANGLE_STEP_DEG, max_steps: int = 64) -> None:
        """`charge_only`: EVSEs that can never discharge (their station cannot): the rows then need to cover
        fewer phasor directions. Every other EVSE is taken as able to discharge (the safe side)."""
        ids = list(topology.evse_ids)
        rule = NetworkRule(topology, ids)
        one_way = set(charge_only)
        big_w = 1e9  # any power: every row the rule has
        rows = rule.rows(np.asarray([0.0 if e in one_way else -big_w for e in ids]), np.full(len(ids), big_w),
                         angle_step_deg=angle_step_deg)
        self._column = {e: j for j, e in enumerate(ids)}
        self._weights = rows.weights
        self._rhs_a = rows.rhs_a
        self._ledgers = [SiteLedger(max_steps) for _ in range(rows.rhs_a.size)]
        self._rows_of = {e: np.flatnonzero(rows.weights[:, j]) for e, j in self._column.items()}

    def advance(self, now_s: float) -> None:
        for ledger in self._ledgers:
            ledger.advance(now_s)

    def set(self, evse_id: str, segments: Iterable[Segment]) -> None:
        """What `evse_id` is commanded from now on (see `SiteLedger.set`); EVSEs not in the topology are ignored."""
        rows = self._rows_of.get(evse_id)
        if rows is None:
            return
        kept = tuple(segments)
        j = self._column[evse_id]
        for r in rows:
            w = float(self._weights[r, j])
            self._ledgers[r].set(evse_id, [seg._replace(lo_w=min(w * seg.lo_w, w * seg.hi_w),
                                                        hi_w=max(w * seg.lo_w, w * seg.hi_w)) for seg in kept])

    def room(self, evse_id: str, windows: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
        """Per window [a, b) (epoch s): the (lowest, highest) power `evse_id` may exchange given what every other
        EVSE may do then: never asks a charge or discharge to make room (lowest <= 0 <= highest)."""
        out = [(-math.inf, math.inf)] * len(windows)
        rows = self._rows_of.get(evse_id)
        if rows is None:
            return out
        j = self._column[evse_id]
        for r in rows:
            w = float(self._weights[r, j])
            for i, (_, others_hi) in enumerate(self._ledgers[r].others(evse_id, windows)):
                bound = (float(self._rhs_a[r]) - others_hi) / w
                lo_w, hi_w = out[i]
                out[i] = (lo_w, min(hi_w, max(0.0, bound))) if w > 0 else (max(lo_w, min(0.0, bound)), hi_w)
        return out
