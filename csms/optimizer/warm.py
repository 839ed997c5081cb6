"""Warm starts across consecutive plans: the last LP's simplex basis, carried over by what each column is.

Consecutive receding-horizon plans share most of their LP: the same EVs, the same clock times, the same
limits; the horizon has moved on and a few EVs came or left. Every column and row of the fleet LP carries a
``formulation.Key`` (family, EV, interval); ``WarmStart`` encodes those as int64 keys (family code, EV id
code, the interval's start in whole steps on the clock), remembers the statuses of the last optimal basis and gives
the next LP the status of each column and row it had, new columns at a bound and new rows basic. HiGHS gets
it as an "alien" basis (it repairs the count of basic variables and singularities itself) and starts the
simplex there instead of from presolve and a slack basis. Only the starting point changes: the LP and its
optimum are the same, so a stale or foreign basis costs iterations, never correctness.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from csms.optimizer.formulation import Key, Lp
from csms.optimizer.problem import FloatArray, IntArray

_STATUS = tuple(highspy.HighsBasisStatus(i) for i in range(5))
_LOWER, _BASIC, _UPPER, _ZERO = 0, 1, 2, 3
_EV_CODES_MAX = 1 << 23


@dataclass(frozen=True, slots=True, eq=False)
class _Statuses:
    keys: IntArray
    """Sorted keys of the named columns (or rows) of the last LP."""
    status: IntArray


class WarmStart:
    """The last optimal basis of one stream of plans (one controller, one site), keyed; not thread-safe: one
    per stream."""

    def __init__(self) -> None:
        self._families: dict[str, int] = {}
        self._evs: dict[str, int] = {}
        self._cols: _Statuses | None = None
        self._rows: _Statuses | None = None
        self.warm_solves = 0
        self.cold_solves = 0
        self.last_matched = 0.0
        """Share of the last warm-started LP's columns that had a status in the previous basis."""

    def apply(self, highs: highspy.Highs, lp: Lp, ev_ids: Sequence[str], slots: IntArray) -> bool:
        """Give ``highs`` (model passed) the last basis mapped onto ``lp``; False when there is none."""
        if self._cols is None or self._rows is None:
            self.cold_solves += 1
            return False
        col_keys = self._encode(lp.col_keys, ev_ids, slots)
        col_status = _mapped(self._cols, col_keys, _LOWER)
        self.last_matched = float(np.isin(col_keys, self._cols.keys).mean()) if col_keys.size else 0.0
        row_status = _mapped(self._rows, self._encode(lp.row_keys, ev_ids, slots), _BASIC)
        col_status = _at_finite_bound(col_status, lp.col_lower, lp.col_upper)
        row_status = _at_finite_bound(row_status, lp.row_lower, lp.row_upper)
        basis = highspy.HighsBasis()
        basis.col_status = [_STATUS[s] for s in col_status.tolist()]
        basis.row_status = [_STATUS[s] for s in row_status.tolist()]
        basis.valid = True
        basis.alien = True
        ok = highs.setBasis(basis) == highspy.HighsStatus.kOk
        if ok:
            self.warm_solves += 1
        else:
            self.cold_solves += 1
        return bool(ok)

    def store(self, highs: highspy.Highs, lp: Lp, ev_ids: Sequence[str], slots: IntArray) -> None:
        """Remember ``highs``'s basis after a solve of ``lp`` (forgets it when the solve gave none)."""
        basis = highs.getBasis()
        if not basis.valid or highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            self._cols = self._rows = None
            return
        self._cols = _sorted(self._encode(lp.col_keys, ev_ids, slots), basis.col_status)
        self._rows = _sorted(self._encode(lp.row_keys, ev_ids, slots), basis.row_status)

    def _encode(self, blocks: list[Key], ev_ids: Sequence[str], slots: IntArray) -> IntArray:
        """One int64 per column (row): family code << 52 | member << 28 | interval slot + 1; -1 = unnamed."""
        if len(self._evs) > _EV_CODES_MAX:
            self._evs.clear()  # a long-lived stream: codes restart (the next plan starts cold)
            self._cols = self._rows = None
        ev_code = np.asarray([self._evs.setdefault(e, len(self._evs) + 1) for e in ev_ids] or [0], dtype=np.int64)
        slot = (np.asarray(slots, dtype=np.int64) % (1 << 27)) + 1
        out = []
        for key in blocks:
            if not key.family:
                out.append(np.full(key.n, -1, dtype=np.int64))
                continue
            family = self._families.setdefault(key.family, len(self._families) + 1)
            member = np.zeros(key.n, dtype=np.int64) if key.ev is None else (
                ev_code[key.ev] if key.per_ev else key.ev.astype(np.int64) + 1)
            t = np.zeros(key.n, dtype=np.int64) if key.k is None else slot[key.k]
            out.append((family << 52) | (member << 28) | t)
        return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def _sorted(keys: IntArray, statuses: list[highspy.HighsBasisStatus]) -> _Statuses:
    status = np.fromiter((int(s) for s in statuses), dtype=np.int64, count=len(statuses))
    named = keys >= 0
    order = np.argsort(keys[named], kind="stable")
    return _Statuses(keys[named][order], status[named][order])


def _mapped(old: _Statuses, keys: IntArray, default: int) -> IntArray:
    out = np.full(keys.size, default, dtype=np.int64)
    if old.keys.size == 0:
        return out
    pos = np.minimum(np.searchsorted(old.keys, keys), old.keys.size - 1)
    found = (old.keys[pos] == keys) & (keys >= 0)
    out[found] = old.status[pos[found]]
    return out


def _at_finite_bound(status: IntArray, lower: FloatArray, upper: FloatArray) -> IntArray:
    """A nonbasic status names a bound the variable has now: lower, else upper, else zero (free)."""
    inf = highspy.kHighsInf
    nonbasic = status != _BASIC
    has_lo, has_up = lower > -inf, upper < inf
    want_up = nonbasic & (status == _UPPER) & has_up
    out = np.where(nonbasic, np.where(has_lo, _LOWER, np.where(has_up, _UPPER, _ZERO)), _BASIC)
    return np.where(want_up, _UPPER, out)


__all__ = ["WarmStart"]
