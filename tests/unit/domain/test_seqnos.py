"""SeqNos: a set of ints kept as ranges (csms/domain/seqnos.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csms.domain.seqnos import SeqNos


@given(st.lists(st.integers(min_value=-50, max_value=200), max_size=80), st.integers(min_value=-60, max_value=210))
def test_behaves_as_the_set_of_what_was_added(numbers: list[int], probe: int) -> None:
    seq = SeqNos()
    for number in numbers:
        seq = seq.add(number)
    assert set(seq) == set(numbers) and len(seq) == len(set(numbers))
    assert (probe in seq) == (probe in set(numbers))
    assert list(seq) == sorted(set(numbers))
    assert seq == SeqNos.of(numbers)  # one canonical form whatever the order


def test_a_transaction_without_gaps_is_one_range_however_long() -> None:
    seq = SeqNos()
    for number in range(20_000):
        seq = seq.add(number)
    assert seq.ranges == ((0, 19_999),)
    assert seq.add(5) is seq  # a duplicate changes nothing


def test_a_late_event_joins_the_ranges_around_it() -> None:
    assert SeqNos.of([0, 1, 3, 4]).ranges == ((0, 1), (3, 4))
    assert SeqNos.of([0, 1, 3, 4]).add(2).ranges == ((0, 4),)


@pytest.mark.parametrize("ranges", [((3, 1),), ((0, 2), (2, 4)), ((0, 2), (3, 4)), ((5, 6), (0, 1))])
def test_ranges_must_be_sorted_disjoint_and_not_adjacent(ranges: tuple[tuple[int, int], ...]) -> None:
    with pytest.raises(ValueError, match="sorted"):
        SeqNos(ranges)
