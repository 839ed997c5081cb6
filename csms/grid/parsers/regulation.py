"""Regulation-signal files -> `RegulationSeries` (normalised [-1, 1], + = increase injection; see signals.py).

- PJM RegA/RegD (`parse_pjm_regulation`): first column the local time of day (`16:00:02`, `0:00:00`), one
  column per date (`8/1/2017`), values already normalised. A final `0:00:00` row is the next day's first sample.
- CAISO dispatch (`parse_caiso_regulation`): first column the local second of day (`64800`), one column per ISO
  date, values in % of capacity (+ = Regulation Up), divided by 100.

Each date column becomes one series; the cadence must be constant and a series may not straddle a DST change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

from csms.grid.errors import GridDataError
from csms.grid.parsers._common import Parsed, expect_fields, float_matrix, local_to_utc, read_rows, zone
from csms.grid.signals import RegulationSeries

_DAY_S = 86_400


def _pjm_date(text: str) -> date:
    month, day, year = (int(part) for part in text.strip().split("/"))
    return date(year, month, day)


def _iso_date(text: str) -> date:
    return date.fromisoformat(text.strip())


def _time_of_day_s(text: str) -> int:
    parts = text.strip().split(":")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(text)
    hours, minutes, seconds = (int(p) for p in parts)
    if hours > 23 or minutes > 59 or seconds > 59:
        raise ValueError(text)
    return hours * 3600 + minutes * 60 + seconds


def _second_of_day(text: str) -> int:
    stripped = text.strip()
    if not stripped.isdigit() or int(stripped) > _DAY_S:
        raise ValueError(text)
    return int(stripped)


def _parse_grid(
    path: Path | str, *, parse_date: Callable[[str], date], parse_time: Callable[[str], int], time_label: str,
    scale: float, tz_name: str, label: str,
) -> Parsed[RegulationSeries]:
    tz = zone(tz_name)
    source, rows = read_rows(path)
    header, data = rows[0], rows[1:]
    if len(header.fields) < 2:
        raise GridDataError("wrong header: expected a time column and at least one date column",
                            source=source, line=header.line)
    names = [f.strip() for f in header.fields[1:]]
    dates: list[date] = []
    for name in names:
        try:
            dates.append(parse_date(name))
        except ValueError:
            raise GridDataError(f"wrong header: {name!r} is not a date", source=source, line=header.line) from None
    if len(set(dates)) != len(dates):
        raise GridDataError("wrong header: a date appears twice", source=source, line=header.line)
    if len(data) < 2:
        raise GridDataError("need at least two samples to know the cadence", source=source)

    width = 1 + len(names)
    seconds: list[int] = []
    for index, row in enumerate(data):
        expect_fields(row, width, source=source)
        try:
            second = parse_time(row.fields[0])
        except ValueError:
            raise GridDataError(f"bad {time_label} {row.fields[0].strip()!r}", source=source, line=row.line,
                                column=header.fields[0].strip() or "time") from None
        if index > 0 and second == 0 and index == len(data) - 1:
            second = _DAY_S  # the final 0:00:00 row is the next day's first sample
        seconds.append(second)
    interval_s = seconds[1] - seconds[0]
    if interval_s <= 0:
        raise GridDataError(f"time does not advance ({time_label} {data[1].fields[0].strip()})",
                            source=source, line=data[1].line)
    for prev, second, row in zip(seconds, seconds[1:], data[1:], strict=False):
        if second - prev != interval_s:
            raise GridDataError(f"irregular time step: expected +{interval_s} s, got {second - prev:+d} s",
                                source=source, line=row.line)

    matrix = float_matrix(data, 1, names, source=source) * scale
    out_of_range = np.argwhere(np.abs(matrix) > 1.0)
    if out_of_range.size:
        r, c = (int(v) for v in out_of_range[0])
        raise GridDataError(f"value {data[r].fields[c + 1].strip()} outside the normalised range",
                            source=source, line=data[r].line, column=names[c])

    series: list[RegulationSeries] = []
    name = Path(path).name
    span = timedelta(seconds=seconds[-1] - seconds[0])
    for column, day in enumerate(dates):
        first_local = datetime.combine(day, datetime.min.time()) + timedelta(seconds=seconds[0])
        start_at = local_to_utc(first_local, tz, source=source, line=data[0].line, column=names[column])
        end_at = local_to_utc(first_local + span, tz, source=source, line=data[-1].line, column=names[column])
        if end_at - start_at != span:
            raise GridDataError(f"the {day} column spans a DST change in {tz_name}; not supported",
                                source=source, line=header.line, column=names[column])
        series.append(RegulationSeries(start_at=start_at, interval_s=float(interval_s), values=matrix[:, column],
                                       source=f"{name}:{day.isoformat()}", label=f"{label} {day.isoformat()}"))
    series.sort(key=lambda s: s.start_at)
    return Parsed(tuple(series))


def parse_pjm_regulation(path: Path | str, *, tz_name: str = "America/New_York") -> Parsed[RegulationSeries]:
    """A PJM-format regulation file (2 s RegA/RegD, normalised); times are local prevailing time (EPT)."""
    return _parse_grid(path, parse_date=_pjm_date, parse_time=_time_of_day_s, time_label="time of day",
                       scale=1.0, tz_name=tz_name, label="PJM regulation")


def parse_caiso_regulation(path: Path | str, *, tz_name: str = "America/Los_Angeles") -> Parsed[RegulationSeries]:
    """A CAISO-format regulation dispatch file (4 s, % of capacity); seconds of day in Pacific prevailing time."""
    return _parse_grid(path, parse_date=_iso_date, parse_time=_second_of_day, time_label="second of day",
                       scale=0.01, tz_name=tz_name, label="CAISO regulation")


def splice(series: list[RegulationSeries] | tuple[RegulationSeries, ...], *, source: str | None = None,
           ) -> RegulationSeries:
    """Join series of one cadence back to back (the first one's start; later ones' own times are dropped), e.g.
    to replay several CAISO 18:00-22:00 windows as one continuous signal."""
    if not series:
        raise ValueError("nothing to splice")
    interval_s = series[0].interval_s
    if any(s.interval_s != interval_s for s in series):
        raise ValueError("cannot splice series of different cadences")
    return RegulationSeries(
        start_at=series[0].start_at, interval_s=interval_s,
        values=np.concatenate([s.values for s in series]),
        source=source or "+".join(s.source for s in series),
        label=" + ".join(s.label for s in series),
    )
