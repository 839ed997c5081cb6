"""JST and the 30-minute slot/block arithmetic shared by JEPX and EPRX (時刻コード/ブロック k covers
[(k-1)·30 min, k·30 min) of the JST delivery day)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

JST = timezone(timedelta(hours=9), "JST")
SLOTS_PER_DAY = 48
SLOT = timedelta(minutes=30)


def slot_start_utc(day: date, slot: int, *, slots_per_day: int = SLOTS_PER_DAY) -> datetime:
    """UTC start of 1-based `slot` of JST `day` when the day has `slots_per_day` equal slots."""
    if not 1 <= slot <= slots_per_day:
        raise ValueError(f"slot {slot} outside 1..{slots_per_day}")
    length = timedelta(days=1) / slots_per_day
    return (datetime.combine(day, time(), JST) + (slot - 1) * length).astimezone(UTC)


def slot_of(at: datetime) -> tuple[date, int]:
    """The JST delivery day and 1-based 30-minute slot containing the aware instant `at`."""
    local = at.astimezone(JST)
    return local.date(), local.hour * 2 + local.minute // 30 + 1
