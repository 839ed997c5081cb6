"""SoC-dependent maximum power of an EV battery (taper): the one rule the planner, the checker, the envelope and
the simulator share.

A taper curve is given as points `(soc, max_power_w)` sorted by SoC, powers >= 0, concave (slopes never
increasing: flat then falling near full for charging, rising near empty then flat for discharging). The limit at
a SoC is the minimum of the lines through consecutive points (the end segments extend beyond the first and last
point), of the EV's constant maximum, and >= 0; concavity makes it the curve, and the LP bound
`p <= a + b * soc` linear.
"""

from __future__ import annotations

from itertools import pairwise

TaperPoints = tuple[tuple[float, float], ...]
"""(soc 0..1, max power W) points of a taper curve; () = no taper (the EV's constant maximum throughout)."""


def taper_lines(points: TaperPoints) -> tuple[tuple[float, float], ...]:
    """The curve as lines `max_power_w = a_w + b_w * soc`, one per pair of consecutive points (a single point:
    a constant). Raises ValueError for points out of range, unsorted, or not concave."""
    if not points:
        return ()
    if not all(0.0 <= s <= 1.0 and p >= 0 for s, p in points):
        raise ValueError("taper points need soc in [0, 1] and power >= 0")
    if len(points) == 1:
        return ((float(points[0][1]), 0.0),)
    if not all(s1 > s0 for (s0, _), (s1, _) in pairwise(points)):
        raise ValueError("taper points must be sorted by increasing soc")
    lines = []
    for (s0, p0), (s1, p1) in pairwise(points):
        slope = (p1 - p0) / (s1 - s0)
        lines.append((float(p0 - slope * s0), float(slope)))
    if not all(b1 <= b0 + 1e-9 for (_, b0), (_, b1) in pairwise(lines)):
        raise ValueError("the taper curve must be concave (slopes never increasing)")
    return tuple(lines)


def lines_limit_w(lines: tuple[tuple[float, float], ...], max_power_w: float, soc: float) -> float:
    """The maximum power at `soc`: min(max_power_w, every line), and >= 0."""
    limit_w = max_power_w
    for a_w, b_w in lines:
        limit_w = min(limit_w, a_w + b_w * soc)
    return max(limit_w, 0.0)
