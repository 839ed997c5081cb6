"""Shared plumbing for the grid-data parsers: reading delimited text with physical line numbers, strict field
conversion, local-time to UTC conversion. Every failure becomes a `GridDataError` naming the file and line."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from csms.grid.data import data_dir_hint, open_data_bytes
from csms.grid.errors import GridDataError
from csms.grid.signals import FloatArray, PriceSignal

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ParseNote:
    """Something a parser tolerated and wants you to know about (a skipped seam row, a gap, a duplicate)."""

    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Parsed(Generic[T]):
    """A parser's result: the items in ascending time order, plus notes on what was tolerated."""

    items: tuple[T, ...]
    notes: tuple[ParseNote, ...] = ()

    def __len__(self) -> int:
        return len(self.items)


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    fields: list[str]


def source_name(path: Path) -> str:
    return str(path)


def read_text(path: Path | str) -> tuple[str, str]:
    """The file's text (UTF-8, a BOM dropped; gunzipped if named `*.gz`) and its source name; undecodable bytes
    fail naming their line."""
    path = Path(path)
    source = source_name(path)
    try:
        data = open_data_bytes(path)
    except FileNotFoundError as exc:
        raise GridDataError(f"cannot read file: {exc.strerror or exc} ({data_dir_hint()})", source=source) from exc
    except (OSError, EOFError) as exc:  # EOFError: a truncated .gz
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise GridDataError(f"cannot read file: {reason}", source=source) from exc
    try:
        return source, data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise GridDataError(f"not UTF-8 text: {exc.reason}", source=source, line=line) from exc


def read_rows(path: Path | str, *, delimiter: str = ",") -> tuple[str, list[Row]]:
    """All non-blank rows of a delimited UTF-8 text file, with physical line numbers."""
    source, text = read_text(path)
    rows: list[Row] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for fields in reader:
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue
            rows.append(Row(reader.line_num, fields))
    except csv.Error as exc:
        raise GridDataError(f"malformed CSV: {exc}", source=source, line=reader.line_num) from exc
    if not rows:
        raise GridDataError("empty file", source=source)
    return source, rows


def header_index(header: Row, required: Sequence[str], *, source: str) -> dict[str, int]:
    """Map each required column name to its index in `header`, or fail naming the missing ones."""
    names = [name.strip() for name in header.fields]
    missing = [name for name in required if name not in names]
    if missing:
        raise GridDataError(
            f"wrong header: missing column(s) {', '.join(repr(m) for m in missing)}; found {names}",
            source=source, line=header.line,
        )
    return {name: names.index(name) for name in required}


def expect_fields(row: Row, count: int, *, source: str) -> None:
    if len(row.fields) < count:
        raise GridDataError(f"truncated line: expected {count} fields, got {len(row.fields)}",
                            source=source, line=row.line)
    if len(row.fields) > count:
        raise GridDataError(f"too many fields: expected {count}, got {len(row.fields)}", source=source, line=row.line)


def parse_float(text: str, *, source: str, line: int, column: str) -> float:
    stripped = text.strip()
    if not stripped:
        raise GridDataError("missing value", source=source, line=line, column=column)
    try:
        value = float(stripped)
    except ValueError:
        raise GridDataError(f"bad number {stripped!r}", source=source, line=line, column=column) from None
    if not math.isfinite(value):
        raise GridDataError(f"non-finite number {stripped!r}", source=source, line=line, column=column)
    return value


def float_matrix(rows: Sequence[Row], first_col: int, columns: Sequence[str], *, source: str) -> FloatArray:
    """Columns `first_col..` of `rows` as a float matrix (rows x columns), vectorised on the happy path."""
    width = len(columns)
    cells = [row.fields[first_col:first_col + width] for row in rows]
    try:
        matrix = np.array(cells, dtype=np.float64)
    except ValueError:
        matrix = None
    if matrix is None or matrix.shape != (len(rows), width) or not np.all(np.isfinite(matrix)):
        for row, values in zip(rows, cells, strict=True):
            for column, text in zip(columns, values, strict=True):
                parse_float(text, source=source, line=row.line, column=column)
        raise GridDataError("unreadable numbers", source=source)  # pragma: no cover - the scan above raises
    return matrix


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def local_to_utc(naive: datetime, tz: ZoneInfo, *, source: str, line: int, column: str) -> datetime:
    """Convert a local wall-clock time to UTC, refusing times that do not exist or occur twice (DST)."""
    early = naive.replace(tzinfo=tz, fold=0)
    at = early.astimezone(UTC)
    if at.astimezone(tz).replace(tzinfo=None) != naive:
        raise GridDataError(f"local time {naive.isoformat()} does not exist in {tz.key} (DST gap)",
                            source=source, line=line, column=column)
    if early.utcoffset() != naive.replace(tzinfo=tz, fold=1).utcoffset():
        raise GridDataError(f"local time {naive.isoformat()} occurs twice in {tz.key} (DST); cannot place it",
                            source=source, line=line, column=column)
    return at


def parse_iso(text: str, *, source: str, line: int, column: str) -> datetime:
    stripped = text.strip()
    try:
        return datetime.fromisoformat(stripped)
    except ValueError:
        raise GridDataError(f"bad date/time {stripped!r}", source=source, line=line, column=column) from None


def parse_utc(text: str, *, source: str, line: int, column: str) -> datetime:
    """An ISO timestamp in UTC: with an offset (converted) or without one (taken as UTC)."""
    at = parse_iso(text, source=source, line=line, column=column)
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def dedupe_prices(
    dated: list[tuple[int, PriceSignal]], *, source: str,
) -> Parsed[PriceSignal]:
    """Sort (line, signal) pairs by (market, start); merge identical duplicates (noted), refuse conflicting ones,
    and note gaps between consecutive intervals of one market."""
    dated.sort(key=lambda pair: (pair[1].market, pair[1].area, pair[1].start_at, pair[0]))
    items: list[PriceSignal] = []
    notes: list[ParseNote] = []
    prev_line = 0
    prev: PriceSignal | None = None
    for line, signal in dated:
        same_series = prev is not None and (prev.market, prev.area) == (signal.market, signal.area)
        if prev is not None and same_series and signal.start_at < prev.end_at:
            if signal.start_at == prev.start_at and signal.end_at == prev.end_at \
                    and signal.price_per_mwh == prev.price_per_mwh:
                notes.append(ParseNote(source, line, f"duplicate of line {prev_line} ({signal.start_at.isoformat()}),"
                                                     " dropped"))
                continue
            raise GridDataError(
                f"interval {signal.start_at.isoformat()} overlaps line {prev_line} with a different value "
                f"({signal.price_per_mwh} vs {prev.price_per_mwh})", source=source, line=line,
            )
        if prev is not None and same_series and signal.start_at > prev.end_at:
            notes.append(ParseNote(source, line, f"gap: no {signal.market} price from {prev.end_at.isoformat()} "
                                                 f"to {signal.start_at.isoformat()}"))
        items.append(signal)
        prev, prev_line = signal, line
    items.sort(key=lambda s: (s.start_at, s.market, s.area))
    return Parsed(tuple(items), tuple(notes))
