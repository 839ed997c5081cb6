"""Comparing two composite schedules (step functions of signed W) stretch by stretch."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from csms.domain.composite_check import CompositeCheck, CompositeDifference, step_differences


def test_equal_step_functions_have_no_differences_even_when_split_differently() -> None:
    assert step_differences([(0, 5_000.0), (300, 5_000.0), (600, -2_000.0)], [(0, 5_000.0), (600, -2_000.0)],
                            900, 1.0) == ()


def test_values_within_the_tolerance_match_and_beyond_it_differ() -> None:
    assert step_differences([(0, 5_000.0)], [(0, 5_000.9)], 60, 1.0) == ()
    assert step_differences([(0, 5_000.0)], [(0, 5_001.5)], 60, 1.0) == (CompositeDifference(0, 60, 5_000.0, 5_001.5),)


def test_differences_are_per_stretch_and_adjacent_equal_ones_merge() -> None:
    expected = [(0, 6_000.0), (100, 6_000.0), (200, -3_000.0), (400, 11_000.0)]
    reported = [(0, 4_000.0), (150, 4_000.0), (200, -3_000.0), (400, 4_000.0)]
    diffs = step_differences(expected, reported, 500, 1.0)
    assert diffs == (CompositeDifference(0, 200, 6_000.0, 4_000.0), CompositeDifference(400, 500, 11_000.0, 4_000.0))
    assert [d.delta_w for d in diffs] == [-2_000.0, -7_000.0]


def test_steps_past_the_window_are_ignored_and_a_side_without_a_value_differs() -> None:
    assert step_differences([(0, 1_000.0), (900, 0.0)], [(0, 1_000.0)], 900, 1.0) == ()
    late = step_differences([(0, 1_000.0)], [(30, 1_000.0)], 60, 1.0)
    assert late == (CompositeDifference(0, 30, 1_000.0, None),) and late[0].delta_w is None


def test_an_unknown_maximum_matches_any_value_in_its_direction_only() -> None:
    assert step_differences([(0, math.inf)], [(0, 7_400.0)], 60, 1.0) == ()
    assert step_differences([(0, math.inf)], [(0, -1_000.0)], 60, 1.0) == (
        CompositeDifference(0, 60, math.inf, -1_000.0),)
    assert step_differences([(0, math.inf)], [(0, 0.0)], 60, 1.0) == (CompositeDifference(0, 60, math.inf, 0.0),)


def test_a_check_matches_only_when_a_schedule_was_compared_without_differences() -> None:
    start = datetime(2026, 6, 1, tzinfo=UTC)
    assert CompositeCheck("S", 1, "Accepted", start, 60).matches
    assert not CompositeCheck("S", 1, "Rejected").matches
    assert not CompositeCheck("S", 1, "Accepted", start, 60,
                              differences=(CompositeDifference(0, 1, 0.0, 1.0),)).matches


def test_a_check_that_compared_nothing_says_so_and_does_not_match() -> None:
    empty = CompositeCheck("S", 1, "Accepted")  # Accepted, but no schedule in the answer
    assert not empty.compared and not empty.matches
    assert empty.reason == "the station answered Accepted without a schedule: nothing was compared"
    assert "Rejected" in CompositeCheck("S", 1, "Rejected").reason
    assert CompositeCheck("S", 1, "Accepted", datetime(2026, 6, 1, tzinfo=UTC), 60).reason == ""
