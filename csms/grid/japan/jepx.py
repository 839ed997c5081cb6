"""JEPX price files -> typed slots and `PriceSignal`s.

Formats (gzip-compressed UTF-8 CSV from JEPX's yearly downloads; see docs/japan.md):
- Day-ahead spot (`parse_jepx_spot`), 19 columns: 受渡日 (YYYY/MM/DD), 時刻コード (1..48), bid/cleared volumes
  (kWh), システムプライス and nine エリアプライス (円/kWh), block-bid volumes. 0.01 円/kWh is the price floor. A
  blank area price (an area not traded: Hokkaido after the 2018-09-06 blackout) is left out, noted once a day.
- Intraday (`parse_jepx_intraday`), 9 columns: 年月日, 時刻コード, 始値/高値/安値/終値/平均 (円/kWh), 約定量合計 (kWh),
  約定件数. A slot without trades has blank prices: it is skipped with a note.

Slot k of a JST day covers [(k-1)·30 min, k·30 min). Every failure names the file and line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Final

from csms.grid.errors import GridDataError
from csms.grid.japan._time import SLOT, SLOTS_PER_DAY, slot_start_utc
from csms.grid.parsers._common import Parsed, ParseNote, Row, expect_fields, header_index, parse_float, read_rows
from csms.grid.signals import PriceMarket, PriceSignal

PRICE_FLOOR_YEN_PER_KWH: Final = 0.01
SOURCE_JEPX: Final = "JEPX"

#: area key -> the Japanese name in the column headers, east (50 Hz) to west (60 Hz).
AREAS: Final = MappingProxyType({
    "hokkaido": "北海道", "tohoku": "東北", "tokyo": "東京", "chubu": "中部", "hokuriku": "北陸",
    "kansai": "関西", "chugoku": "中国", "shikoku": "四国", "kyushu": "九州",
})
AREAS_50HZ: Final = frozenset({"hokkaido", "tohoku", "tokyo"})

_SPOT_DAY, _SPOT_SLOT, _SPOT_SYSTEM = "受渡日", "時刻コード", "システムプライス(円/kWh)"
_SPOT_VOLUME = "約定総量(kWh)"
_AREA_COLUMNS: Final = {key: f"エリアプライス{name}(円/kWh)" for key, name in AREAS.items()}
_INTRADAY_COLUMNS: Final = ("年月日", "時刻コード", "始値(円/kWh)", "高値(円/kWh)", "安値(円/kWh)", "終値(円/kWh)",
                            "平均(円/kWh)", "約定量合計(kWh)", "約定件数")


def _check_area(area: str) -> None:
    if area != "system" and area not in AREAS:
        raise ValueError(f"unknown JEPX area {area!r}; one of system, {', '.join(AREAS)}")


@dataclass(frozen=True, slots=True)
class SpotSlot:
    """One JEPX day-ahead slot: the system price and the nine area prices in 円/kWh."""

    delivery_date: date
    slot: int
    start_at: datetime
    system_yen_per_kwh: float
    area_yen_per_kwh: MappingProxyType[str, float]
    cleared_kwh: float

    @property
    def end_at(self) -> datetime:
        return self.start_at + SLOT

    def has_price(self, area: str) -> bool:
        """False when the area was not traded in this slot (a blank cell: Hokkaido after the 2018-09-06 blackout)."""
        _check_area(area)
        return area == "system" or area in self.area_yen_per_kwh

    def price_yen_per_kwh(self, area: str) -> float:
        """The price in `area` (a key of `AREAS`) or "system"; `LookupError` if the area was not traded."""
        _check_area(area)
        if area == "system":
            return self.system_yen_per_kwh
        try:
            return self.area_yen_per_kwh[area]
        except KeyError:
            raise LookupError(f"no {area} price on {self.delivery_date} slot {self.slot} (area not traded)") from None

    def at_floor(self, area: str) -> bool:
        return self.has_price(area) and self.price_yen_per_kwh(area) <= PRICE_FLOOR_YEN_PER_KWH


@dataclass(frozen=True, slots=True)
class IntradaySlot:
    """One JEPX intraday 30-minute product: OHLC and average price (円/kWh), volume and trade count."""

    delivery_date: date
    slot: int
    start_at: datetime
    open_yen_per_kwh: float
    high_yen_per_kwh: float
    low_yen_per_kwh: float
    close_yen_per_kwh: float
    average_yen_per_kwh: float
    volume_kwh: float
    trades: int


def _parse_day(text: str, *, source: str, line: int, column: str) -> date:
    parts = text.strip().split("/")
    try:
        if len(parts) != 3:
            raise ValueError
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise GridDataError(f"bad date {text.strip()!r} (want YYYY/MM/DD)", source=source, line=line,
                            column=column) from None


def _parse_slot(text: str, *, source: str, line: int, column: str) -> int:
    try:
        slot = int(text.strip())
    except ValueError:
        raise GridDataError(f"bad slot {text.strip()!r}", source=source, line=line, column=column) from None
    if not 1 <= slot <= SLOTS_PER_DAY:
        raise GridDataError(f"slot {slot} outside 1..{SLOTS_PER_DAY}", source=source, line=line, column=column)
    return slot


def _price(row: Row, index: int, column: str, *, source: str) -> float:
    value = parse_float(row.fields[index], source=source, line=row.line, column=column)
    if value < PRICE_FLOOR_YEN_PER_KWH:
        raise GridDataError(f"price {value} below the JEPX floor {PRICE_FLOOR_YEN_PER_KWH} 円/kWh",
                            source=source, line=row.line, column=column)
    return value


def _check_order(seen: dict[tuple[date, int], int], key: tuple[date, int], row: Row, *, source: str) -> None:
    if key in seen:
        raise GridDataError(f"slot {key[1]} of {key[0]} already on line {seen[key]}", source=source, line=row.line)
    seen[key] = row.line


def parse_jepx_spot(path: Path | str) -> Parsed[SpotSlot]:
    """A JEPX spot_summary file: one `SpotSlot` per (delivery day, slot), in time order. A day with fewer than
    48 slots is noted; a duplicate slot or a price below the floor is an error."""
    source, rows = read_rows(path)
    header = rows[0]
    required = [_SPOT_DAY, _SPOT_SLOT, _SPOT_VOLUME, _SPOT_SYSTEM, *_AREA_COLUMNS.values()]
    index = header_index(header, required, source=source)
    width = len(header.fields)
    seen: dict[tuple[date, int], int] = {}
    untraded: dict[tuple[date, str], int] = {}
    slots: list[SpotSlot] = []
    for row in rows[1:]:
        expect_fields(row, width, source=source)
        day = _parse_day(row.fields[index[_SPOT_DAY]], source=source, line=row.line, column=_SPOT_DAY)
        slot = _parse_slot(row.fields[index[_SPOT_SLOT]], source=source, line=row.line, column=_SPOT_SLOT)
        _check_order(seen, (day, slot), row, source=source)
        areas = {key: _price(row, index[col], col, source=source) for key, col in _AREA_COLUMNS.items()
                 if row.fields[index[col]].strip()}
        for key in _AREA_COLUMNS.keys() - areas.keys():
            untraded.setdefault((day, key), row.line)
        slots.append(SpotSlot(
            delivery_date=day, slot=slot, start_at=slot_start_utc(day, slot),
            system_yen_per_kwh=_price(row, index[_SPOT_SYSTEM], _SPOT_SYSTEM, source=source),
            area_yen_per_kwh=MappingProxyType(areas),
            cleared_kwh=parse_float(row.fields[index[_SPOT_VOLUME]], source=source, line=row.line,
                                    column=_SPOT_VOLUME),
        ))
    slots.sort(key=lambda s: s.start_at)
    notes = _short_day_notes(seen, source) + [
        ParseNote(source, line, f"{day}: no {AREAS[area]} ({area}) price from this line on that day (area not traded)")
        for (day, area), line in sorted(untraded.items())]
    return Parsed(tuple(slots), tuple(notes))


def _short_day_notes(seen: dict[tuple[date, int], int], source: str) -> list[ParseNote]:
    per_day: dict[date, int] = {}
    for day, _slot in seen:
        per_day[day] = per_day.get(day, 0) + 1
    return [ParseNote(source, None, f"{day}: {count} of {SLOTS_PER_DAY} slots")
            for day, count in sorted(per_day.items()) if count != SLOTS_PER_DAY]


def parse_jepx_intraday(path: Path | str) -> Parsed[IntradaySlot]:
    """A JEPX intraday (時間前市場) file: one `IntradaySlot` per traded slot, in time order."""
    source, rows = read_rows(path)
    header = rows[0]
    index = header_index(header, _INTRADAY_COLUMNS, source=source)
    width = len(header.fields)
    seen: dict[tuple[date, int], int] = {}
    slots: list[IntradaySlot] = []
    notes: list[ParseNote] = []
    for row in rows[1:]:
        expect_fields(row, width, source=source)
        day = _parse_day(row.fields[index["年月日"]], source=source, line=row.line, column="年月日")
        slot = _parse_slot(row.fields[index["時刻コード"]], source=source, line=row.line, column="時刻コード")
        _check_order(seen, (day, slot), row, source=source)
        if not row.fields[index["平均(円/kWh)"]].strip():
            notes.append(ParseNote(source, row.line, f"{day} slot {slot}: no trades, skipped"))
            continue
        o, h, lo, c, avg = (_price(row, index[col], col, source=source) for col in _INTRADAY_COLUMNS[2:7])
        if not lo <= avg <= h:
            raise GridDataError(f"average {avg} outside [low {lo}, high {h}]", source=source, line=row.line)
        trades_text = row.fields[index["約定件数"]].strip()
        if not trades_text.isdigit():
            raise GridDataError(f"bad trade count {trades_text!r}", source=source, line=row.line, column="約定件数")
        slots.append(IntradaySlot(
            delivery_date=day, slot=slot, start_at=slot_start_utc(day, slot), open_yen_per_kwh=o,
            high_yen_per_kwh=h, low_yen_per_kwh=lo, close_yen_per_kwh=c, average_yen_per_kwh=avg,
            volume_kwh=parse_float(row.fields[index["約定量合計(kWh)"]], source=source, line=row.line,
                                   column="約定量合計(kWh)"),
            trades=int(trades_text),
        ))
    slots.sort(key=lambda s: s.start_at)
    return Parsed(tuple(slots), tuple(notes))


def spot_price_signals(slots: Iterable[SpotSlot], area: str) -> tuple[PriceSignal, ...]:
    """Day-ahead `PriceSignal`s for `area` ("system" or a key of `AREAS`): JPY per MWh (円/kWh x 1000); slots
    where the area was not traded are left out."""
    return tuple(
        PriceSignal(start_at=s.start_at, end_at=s.end_at, price_per_mwh=s.price_yen_per_kwh(area) * 1000.0,
                    currency="JPY", market=PriceMarket.ENERGY_DAY_AHEAD, area=f"JEPX-{area}", source=SOURCE_JEPX)
        for s in slots if s.has_price(area)
    )


def intraday_price_signals(slots: Iterable[IntradaySlot]) -> tuple[PriceSignal, ...]:
    """Intraday `PriceSignal`s: each traded slot's volume-weighted average, JPY per MWh (円/kWh x 1000), area
    `JEPX-intraday` (the file has one nationwide price); untraded slots are not in `slots` (the parser notes them)."""
    return tuple(
        PriceSignal(start_at=s.start_at, end_at=s.start_at + SLOT, price_per_mwh=s.average_yen_per_kwh * 1000.0,
                    currency="JPY", market=PriceMarket.ENERGY_INTRADAY, area="JEPX-intraday", source=SOURCE_JEPX)
        for s in slots
    )


def floor_slot_count(slots: Iterable[SpotSlot], area: str) -> int:
    """How many slots cleared at the 0.01 円/kWh floor in `area`."""
    return sum(1 for s in slots if s.at_floor(area))
