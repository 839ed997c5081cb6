"""The fleet controller's grid-side inputs; the latest known value wins.

The regulation signal in [-1, 1] (or a measured frequency mapped through a droop curve), energy prices by interval
start, regulation prices (one for the horizon, or reserve capacity prices by block start), and DR commitments.
Plain state: the controller decides what a change sets off (a dispatch, a re-plan), and prunes the price tables
to what a plan from now can still use (`prune_prices`) each time it plans.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from csms.optimizer import DrCommitment, Market
from csms.services.fleet_view import DrState
from csms.settings import FleetSettings


class FrequencyCurve(Protocol):
    """Maps a measured frequency to the activated fraction of reserves in [-1, 1] (e.g. `csms.grid.DroopCurve`)."""

    def fraction(self, frequency_hz: float) -> float: ...


def _latest_at(table: dict[datetime, float], default: float, starts: list[datetime]) -> tuple[float, ...]:
    """Per start, the value of the latest key at or before it (`default` before the first): the keys are sorted
    once, so a year of 30-minute prices costs a bisection per interval, not a scan."""
    keys = sorted(table)
    return tuple(table[keys[i - 1]] if (i := bisect_right(keys, at)) else default for at in starts)


@dataclass(slots=True)
class FleetInputs:
    import_price_per_mwh: dict[datetime, float] = field(default_factory=dict)  # by interval start
    export_price_per_mwh: dict[datetime, float] = field(default_factory=dict)
    reg_up_price_per_mwh: float | None = None  # one price for the whole horizon (`on_regulation_prices`)
    reg_down_price_per_mwh: float | None = None
    reserve_up_price_per_mwh: dict[datetime, float] = field(default_factory=dict)  # by block start: wins when known
    reserve_down_price_per_mwh: dict[datetime, float] = field(default_factory=dict)  # (e.g. EPRX ΔkW per 30 min)
    dr: dict[str, DrState] = field(default_factory=dict)
    signal: float = 0.0  # the latest regulation sample, clipped to [-1, 1]
    droop: FrequencyCurve | None = None  # frequency-response mode when set

    def market(self, settings: FleetSettings, start_at: datetime, n: int, step_s: int) -> Market:
        """Prices of `n` intervals of `step_s` from `start_at`: the latest known at each start, else the configured
        ones; export never above import."""
        starts = [start_at + timedelta(seconds=k * step_s) for k in range(n)]
        imp = _latest_at(self.import_price_per_mwh, settings.import_price_per_mwh, starts)
        exp = tuple(min(e, i) for e, i in zip(
            _latest_at(self.export_price_per_mwh, settings.export_price_per_mwh, starts), imp, strict=True))
        up = settings.reg_up_price_per_mwh if self.reg_up_price_per_mwh is None else self.reg_up_price_per_mwh
        down = settings.reg_down_price_per_mwh if self.reg_down_price_per_mwh is None else self.reg_down_price_per_mwh
        return Market(imp, exp, _latest_at(self.reserve_up_price_per_mwh, up, starts),
                      _latest_at(self.reserve_down_price_per_mwh, down, starts))

    def prune_prices(self, at: datetime) -> int:
        """Forget the prices no interval from `at` on can use: in each table, the entries before the latest one at
        or before `at` (that one stays in force). Returns how many went."""
        dropped = 0
        for table in (self.import_price_per_mwh, self.export_price_per_mwh, self.reserve_up_price_per_mwh,
                      self.reserve_down_price_per_mwh):
            past = sorted(key for key in table if key <= at)
            for key in past[:-1]:
                del table[key]
            dropped += max(0, len(past) - 1)
        return dropped

    def dr_within(self, start_at: datetime, end_at: datetime) -> tuple[DrCommitment, ...]:
        """The DR commitments that overlap [start_at, end_at)."""
        return tuple(s.commitment for s in self.dr.values()
                     if s.commitment.end_at > start_at and s.commitment.start_at < end_at)
