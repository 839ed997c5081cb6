"""SoC-dependent power limits of an EV battery (taper) and the exact integration of a step under them.

The limit at a SoC is `csms.domain.taper`'s rule, the one the planner, the checker and the envelope use, so a
plan that respects the planner's taper is deliverable here, and one that ignores it
falls short as a real car's would.

`Flow.integrate` moves the SoC through a step of constant requested power exactly: on each piece of the curve
the power is linear in the SoC, so it follows an exponential in time (or is constant), and its integral (the
energy) and the SoC have closed forms; the step is split where the binding piece changes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from csms.domain.taper import lines_limit_w

_MAX_PIECES = 64  # pieces crossed in one step: lines + the request + the EV's maximum, with room to spare


@dataclass(frozen=True, slots=True)
class Flow:
    """One direction of a step: the SoC moves by `direction` (+1 charge, -1 discharge) at `soc_per_ws` per
    watt-second of the (magnitude) power, which is min(request, maximum, taper lines), until `bound_soc`."""

    direction: int
    soc_per_ws: float
    request_w: float
    max_power_w: float
    lines: tuple[tuple[float, float], ...]
    bound_soc: float

    def power_w(self, soc: float) -> float:
        return lines_limit_w(self.lines, min(self.request_w, self.max_power_w), soc)

    def integrate(self, soc: float, duration_s: float) -> tuple[float, float]:
        """(SoC, energy in W·s of the power) after `duration_s` seconds from `soc`: exact, and landing exactly on
        `bound_soc` if it gets there. The SoC moves by `soc_per_ws` times the energy."""
        remaining_s, energy_ws = duration_s, 0.0
        for _ in range(_MAX_PIECES):
            if remaining_s <= 0 or (soc - self.bound_soc) * self.direction >= 0:
                break
            piece = self._piece(soc)
            if piece is None:  # no power at this SoC: the battery cannot move this way
                break
            a_w, b_w, end_soc = piece
            piece_ws = self._energy_ws(soc, remaining_s, a_w, b_w)
            new_soc = soc + self.soc_per_ws * self.direction * piece_ws
            if (new_soc - end_soc) * self.direction < 0:
                return new_soc, energy_ws + piece_ws
            # the piece ends within the step: continue from its end on the next one
            piece_ws = (end_soc - soc) / (self.soc_per_ws * self.direction)
            remaining_s -= self._time_to(soc, end_soc, a_w, b_w)
            soc, energy_ws = end_soc, energy_ws + piece_ws
        return soc, energy_ws

    def _piece(self, soc: float) -> tuple[float, float, float] | None:
        """(a, b, end_soc): the binding piece `a + b * soc` at `soc` in the direction of travel and the SoC where
        another piece (or the bound) takes over. None when the power is 0 here."""
        pieces = [(min(self.request_w, self.max_power_w), 0.0), *self.lines]
        values = [a + b * soc for a, b in pieces]
        low = min(values)
        if low <= 0:
            return None
        # among the pieces at the minimum, the one that stays lowest in the direction of travel
        # (relative: an absolute tolerance ties a tiny constant maximum with a much larger line near SoC 0)
        tied = [p for p, v in zip(pieces, values, strict=True) if v <= low * (1 + 1e-9)]
        a_w, b_w = min(tied, key=lambda p: p[1] * self.direction)
        end_soc = self.bound_soc
        for a2, b2 in pieces:
            slope_gap = (b_w - b2) * self.direction
            if slope_gap > 0:  # the other piece falls below this one further along
                cross = (a2 - a_w) / (b_w - b2)
                if (cross - soc) * self.direction > 0 and (cross - end_soc) * self.direction < 0:
                    end_soc = cross
        return a_w, b_w, end_soc

    def _time_to(self, soc: float, end_soc: float, a_w: float, b_w: float) -> float:
        """Seconds for the SoC to go from `soc` to `end_soc` on the piece `a + b * soc` (inf: never)."""
        rate = self.soc_per_ws * self.direction  # dsoc/dt = rate * (a + b * soc)
        if b_w == 0:
            return (end_soc - soc) / (rate * a_w)
        start_w = a_w + b_w * soc
        if a_w + b_w * end_soc <= 0:
            return math.inf  # the power fades towards 0 before the end: never reached
        return math.log1p(b_w * (end_soc - soc) / start_w) / (rate * b_w)  # p(t) = p0 * exp(rate * b * t)

    def _energy_ws(self, soc: float, duration_s: float, a_w: float, b_w: float) -> float:
        """Integral of the power over `duration_s` on the piece `a + b * soc` from `soc`."""
        start_w = a_w + b_w * soc
        if b_w == 0:
            return start_w * duration_s
        rate_b = self.soc_per_ws * self.direction * b_w  # the power grows or decays as exp(rate_b * t)
        return start_w * math.expm1(rate_b * duration_s) / rate_b
