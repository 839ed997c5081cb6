"""The seqNos received in one transaction, kept as sorted disjoint ranges.

A station numbers a transaction's TransactionEvents 0, 1, 2, ...; the CSMS must spot duplicates (re-delivery
after an outage) and may report gaps. A set of every seqNo grew by one element per event, and copying, checking
and storing it made each event cost O(events so far) (~680 us per event after 15,000 events, 2 s metering for
8 hours). Ranges keep it O(number of gaps), one range for a transaction without gaps.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass


def _lo(pair: tuple[int, int]) -> int:
    return pair[0]


@dataclass(frozen=True, slots=True)
class SeqNos:
    """An immutable set of ints as sorted, disjoint, non-adjacent inclusive ranges `(lo, hi)`."""

    ranges: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        previous_hi: int | None = None
        for lo, hi in self.ranges:
            if lo > hi or (previous_hi is not None and lo <= previous_hi + 1):
                raise ValueError(f"SeqNos ranges must be sorted, disjoint and non-adjacent: {self.ranges!r}")
            previous_hi = hi

    @classmethod
    def of(cls, numbers: Iterable[int]) -> SeqNos:
        result = cls()
        for number in sorted(set(numbers)):
            result = result.add(number)
        return result

    def __contains__(self, number: object) -> bool:
        if not isinstance(number, int):
            return False
        i = bisect_right(self.ranges, number, key=_lo)
        return i > 0 and self.ranges[i - 1][1] >= number

    def add(self, number: int) -> SeqNos:
        """This set with `number` added (self if it is already in)."""
        ranges = self.ranges
        i = bisect_right(ranges, number, key=_lo)  # ranges[:i] start at or below number
        if i > 0 and ranges[i - 1][1] >= number:
            return self
        joins_previous = i > 0 and ranges[i - 1][1] == number - 1
        joins_next = i < len(ranges) and ranges[i][0] == number + 1
        if joins_previous and joins_next:
            merged = (*ranges[:i - 1], (ranges[i - 1][0], ranges[i][1]), *ranges[i + 1:])
        elif joins_previous:
            merged = (*ranges[:i - 1], (ranges[i - 1][0], number), *ranges[i:])
        elif joins_next:
            merged = (*ranges[:i], (number, ranges[i][1]), *ranges[i + 1:])
        else:
            merged = (*ranges[:i], (number, number), *ranges[i:])
        return SeqNos(merged)

    def __iter__(self) -> Iterator[int]:
        for lo, hi in self.ranges:
            yield from range(lo, hi + 1)

    def __len__(self) -> int:
        return sum(hi - lo + 1 for lo, hi in self.ranges)
