"""acnportal time-of-use tariff JSON -> `TariffSchedule`.

The form (acnportal 0.3.3 `signals/tariffs/tariff_schedules/*.json`): `name`, `effective` (Y-M-D), and a
`schedule` list of periods with `id`, `effective_start`/`effective_end` ("MM-DD", inclusive, may wrap the new
year), `dow_mask` (WEEKDAYS, WEEKENDS or ALL), `times` (local hours, first 0) with matching `tariffs` ($/kWh)
and `demand_charge` ($/kW). Every (date, weekday) of the year must be covered by exactly one period; overlaps
are an error unless `overlap="first"` (then the first listed period wins; PG&E A-10 as shipped lists its
"Winter-Weekend" period with dow_mask ALL, overlapping "Winter-Weekday").
Errors name the file, the line of the offending period (its `id`) and the field.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal, NoReturn

from csms.grid.errors import GridDataError
from csms.grid.parsers._common import read_text, zone
from csms.grid.signals import TariffPeriod, TariffSchedule, Weekday

_DOW_MASKS: dict[str, frozenset[Weekday]] = {
    "WEEKDAYS": frozenset(Weekday(d) for d in range(5)),
    "WEEKENDS": frozenset({Weekday.SATURDAY, Weekday.SUNDAY}),
    "ALL": frozenset(Weekday),
}


def _line_of(text: str, needle: str, start_line: int = 1) -> int | None:
    lines = text.splitlines()
    for number in range(max(1, start_line), len(lines) + 1):
        if needle in lines[number - 1]:
            return number
    return None


def _month_day(raw: Any, *, fail: Callable[[str], NoReturn]) -> tuple[int, int]:
    if not isinstance(raw, str):
        fail("expected a 'MM-DD' string")
    try:
        month, day = (int(p) for p in raw.split("-"))
        date(2000, month, day)  # a leap year, so 02-29 is accepted
    except ValueError:
        fail(f"bad month-day {raw!r} (expected MM-DD)")
    return month, day


def _number(raw: Any, *, fail: Callable[[str], NoReturn], what: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        fail(f"{what} must be a finite number, got {raw!r}")
    return float(raw)


def parse_acn_tariff(
    path: Path | str, *, timezone_name: str = "America/Los_Angeles", currency: str = "USD",
    overlap: Literal["error", "first"] = "error",
) -> TariffSchedule:
    """Parse an acnportal TOU tariff file. Local hours are in `timezone_name` (the utilities are Californian)."""
    zone(timezone_name)
    source, text = read_text(path)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GridDataError(f"invalid JSON: {exc.msg}", source=source, line=exc.lineno) from exc
    if not isinstance(doc, dict):
        raise GridDataError("expected a JSON object", source=source, line=1)

    def top_fail(field: str, message: str) -> NoReturn:
        raise GridDataError(message, source=source, line=_line_of(text, f'"{field}"'), column=field)

    name = doc.get("name")
    if not isinstance(name, str) or not name.strip():
        top_fail("name", "missing or empty name")
    raw_effective = doc.get("effective")
    try:
        y, m, d = (int(p) for p in str(raw_effective).split("-"))
        effective_on = date(y, m, d)
    except ValueError:
        top_fail("effective", f"bad effective date {raw_effective!r} (expected Y-M-D)")
    schedule = doc.get("schedule")
    if not isinstance(schedule, list) or not schedule:
        top_fail("schedule", "schedule must be a non-empty list")

    periods: list[TariffPeriod] = []
    period_lines: list[int | None] = []
    search_from = 1
    for i, entry in enumerate(schedule):
        entry_line = None
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            entry_line = _line_of(text, f'"{entry["id"]}"', search_from)
            search_from = entry_line or search_from
        period_lines.append(entry_line)

        def fail(message: str, field: str = "", _i: int = i, _line: int | None = entry_line) -> NoReturn:
            raise GridDataError(message, source=source, line=_line,
                                column=f"schedule[{_i}]" + (f".{field}" if field else ""))

        if not isinstance(entry, dict):
            fail("expected an object")
        period_id = entry.get("id")
        if not isinstance(period_id, str) or not period_id:
            fail("missing id", "id")
        season_start = _month_day(entry.get("effective_start"), fail=lambda msg: fail(msg, "effective_start"))
        season_end = _month_day(entry.get("effective_end"), fail=lambda msg: fail(msg, "effective_end"))
        mask = entry.get("dow_mask")
        if mask not in _DOW_MASKS:
            fail(f"dow_mask must be one of {sorted(_DOW_MASKS)}, got {mask!r}", "dow_mask")
        times, tariffs = entry.get("times"), entry.get("tariffs")
        if not isinstance(times, list) or not isinstance(tariffs, list) or not times or len(times) != len(tariffs):
            fail("times and tariffs must be non-empty lists of equal length", "times")
        hour_starts = tuple(_number(t, fail=lambda msg: fail(msg, "times"), what="a time") for t in times)
        prices = tuple(_number(p, fail=lambda msg: fail(msg, "tariffs"), what="a tariff") for p in tariffs)
        if hour_starts[0] != 0 or any(b <= a for a, b in pairwise(hour_starts)) \
                or hour_starts[-1] >= 24:
            fail(f"times must start at 0 and increase strictly below 24, got {list(times)}", "times")
        demand = _number(entry.get("demand_charge"), fail=lambda msg: fail(msg, "demand_charge"),
                         what="demand_charge")
        periods.append(TariffPeriod(period_id=period_id, season_start=season_start, season_end=season_end,
                                    weekdays=_DOW_MASKS[mask], hour_starts=hour_starts, prices_per_kwh=prices,
                                    demand_charge_per_kw=demand))

    _check_coverage(periods, period_lines, source=source, overlap=overlap)
    return TariffSchedule(name=name.strip(), effective_on=effective_on, timezone_name=timezone_name,
                          currency=currency, periods=tuple(periods), source=Path(path).name)


def _check_coverage(periods: list[TariffPeriod], lines: list[int | None], *, source: str, overlap: str) -> None:
    """Every month-day of a leap year, on each weekday, must match one period (or more, with "first")."""
    day = date(2000, 1, 1)
    end = date(2001, 1, 1)
    while day < end:
        for weekday in Weekday:
            matches = [i for i, p in enumerate(periods) if _applies(p, day, weekday)]
            if not matches:
                raise GridDataError(f"no period covers {day:%m-%d} on {weekday.name.lower()}s", source=source)
            if len(matches) > 1 and overlap == "error":
                a, b = matches[0], matches[1]
                raise GridDataError(
                    f"periods {periods[a].period_id!r} and {periods[b].period_id!r} overlap on {day:%m-%d} "
                    f"({weekday.name.lower()}); pass overlap='first' to let the first listed win",
                    source=source, line=lines[b], column=f"schedule[{b}]")
        day += timedelta(days=1)


def _applies(period: TariffPeriod, day: date, weekday: Weekday) -> bool:
    if weekday not in period.weekdays:
        return False
    md = (day.month, day.day)
    if period.season_start <= period.season_end:
        return period.season_start <= md <= period.season_end
    return md >= period.season_start or md <= period.season_end
