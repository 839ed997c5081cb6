"""Scoring pairs each metered value with the request it answers: at a plan boundary the new plan's baseline
must not be used to read the fleet's answer to the old plan's request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from csms.scenario.regulation import paired_trace
from csms.services.fleet_controller import TracePoint, regulation_trace

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def _tick(k: int, signal: float, baseline_w: float, reserve_w: float, metered_w: float) -> TracePoint:
    return TracePoint(T0 + timedelta(seconds=2 * k), signal, baseline_w, reserve_w, reserve_w,
                      baseline_w - signal * reserve_w, metered_w)


def test_the_answer_to_the_old_plan_is_read_against_the_old_plan() -> None:
    points = [
        _tick(0, 0.5, 10_000.0, 5_000.0, 10_000.0),
        _tick(1, 0.5, 10_000.0, 5_000.0, 7_500.0),  # follows tick 0's request exactly: 0.5
        _tick(2, 0.5, 0.0, 10_000.0, 7_500.0),  # a new plan; the meters still show tick 1's answer
        _tick(3, 0.5, 0.0, 10_000.0, -5_000.0),  # the fleet has followed the new plan's request
    ]
    _, naive = regulation_trace(points)
    signal, paired = paired_trace(points)
    assert naive[2] == pytest.approx(-0.75)  # read against the new baseline: looks like the wrong way
    assert list(paired[1:]) == pytest.approx([0.5, 0.5, 0.5])
    assert list(signal) == [0.5] * 4


def test_within_one_plan_step_nothing_changes() -> None:
    points = [_tick(k, s, 8_000.0, 4_000.0, 8_000.0 - s * 4_000.0) for k, s in enumerate((0.1, -0.3, 0.7, 0.2))]
    assert list(paired_trace(points)[1]) == pytest.approx(list(regulation_trace(points)[1]))
