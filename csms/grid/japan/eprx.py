"""EPRX (需給調整市場) result files -> `EprxResults`.

Three layouts (UTF-8 CSV, usually gzipped; see docs/japan.md):
- "prompt" files (`parse_eprx_prompt`): control lines `H,...`, `P,<速報値|確報値>,<YYYYMM>,<product>,<blocks/day>`,
  `TT,取引情報,<columns...>`, then `YYYYMMDDBnn,<metric>,<values...>`, ending with `E`. The columns are the nine
  areas and 合計, or (the "_rt_" files) the resource types 火力発電, 水力・揚水発電, 蓄電池, VPP, 合計.
- history files (`parse_eprx_history`): one header `key,blocks_per_day,[調達区分,]取引情報,<areas>,合計`; a
  row with a key and metric but no figures (some FY2021 blocks) is skipped with a note.

Block k of a day with n blocks covers [(k-1)·24/n h, k·24/n h) JST. Prices are 円 per kW of ΔkW per 30 min,
even for 3-hour blocks. Every failure names the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Final

from csms.grid.errors import GridDataError
from csms.grid.japan._time import slot_start_utc
from csms.grid.parsers._common import ParseNote, Row, parse_float, read_rows
from csms.grid.signals import PriceMarket, PriceSignal

SOURCE_EPRX: Final = "EPRX"
#: the product name in a prompt file's P line -> the product code used in file names and `products`.
PRODUCT_CODES: Final = MappingProxyType({
    "一次調整力": "1-0", "一次オフライン": "1-1", "二次調整力1": "2-1", "二次調整力2": "2-2",
    "三次調整力1": "3-1", "三次調整力2": "3-2", "複合商品": "4-0",
})
RESOURCE_TYPES: Final = ("火力発電", "水力・揚水発電", "蓄電池", "VPP")
AWARDED_BY_RESOURCE: Final = "落札量合計[MW]"
_KEY = re.compile(r"^(\d{4})(\d{2})(\d{2})B(\d{2})$")
_ALLOWED_BLOCKS = frozenset({6, 8, 48})
_NO_VALUE = "-"  # EPRX writes "-" where a column has no figure; such a column is left out of `values`


@dataclass(frozen=True, slots=True)
class EprxRecord:
    """One metric of one block: values by column (area, resource type or 合計)."""

    line: int
    delivery_date: date
    block: int
    blocks_per_day: int
    start_at: datetime
    end_at: datetime
    metric: str
    values: MappingProxyType[str, float]  # a column EPRX marked "-" (no figure) is absent
    procurement: str = ""  # 調達区分 in result files: システム約定結果, 追加調達結果, 合計（確報値）


@dataclass(frozen=True)
class EprxResults:
    """The records of one file, in file order, and what the file says about itself."""

    source: str
    product_code: str | None
    preliminary: bool | None
    columns: tuple[str, ...]
    records: tuple[EprxRecord, ...]
    notes: tuple[ParseNote, ...] = ()

    def metric(self, metric: str, *, procurement: str | None = None) -> tuple[EprxRecord, ...]:
        return tuple(r for r in self.records
                     if r.metric == metric and (procurement is None or r.procurement == procurement))

    def total(self, metric: str, column: str, *, procurement: str | None = None) -> float:
        """The sum of `column` over every record of `metric`."""
        if column not in self.columns:
            raise KeyError(f"no column {column!r} in {self.source}; columns: {list(self.columns)}")
        return sum(r.values.get(column, 0.0) for r in self.metric(metric, procurement=procurement))


def _block_record(row: Row, first_value: int, columns: tuple[str, ...], metric: str, blocks: int, *,
                  source: str, procurement: str = "") -> EprxRecord:
    match = _KEY.match(row.fields[0].strip())
    if match is None:
        raise GridDataError(f"bad block key {row.fields[0].strip()!r} (want YYYYMMDDBnn)", source=source,
                            line=row.line, column="key")
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise GridDataError(f"no such date in {row.fields[0].strip()!r}", source=source, line=row.line,
                            column="key") from None
    block = int(match[4])
    if not 1 <= block <= blocks:
        raise GridDataError(f"block {block} outside 1..{blocks}", source=source, line=row.line, column="key")
    if len(row.fields) != first_value + len(columns):
        raise GridDataError(f"expected {first_value + len(columns)} fields, got {len(row.fields)}",
                            source=source, line=row.line)
    if not metric:
        raise GridDataError("missing metric (取引情報)", source=source, line=row.line, column="取引情報")
    values = {col: parse_float(text, source=source, line=row.line, column=col)
              for col, text in zip(columns, row.fields[first_value:], strict=True) if text.strip() != _NO_VALUE}
    start = slot_start_utc(day, block, slots_per_day=blocks)
    return EprxRecord(line=row.line, delivery_date=day, block=block, blocks_per_day=blocks, start_at=start,
                      end_at=start + timedelta(days=1) / blocks, metric=metric,
                      values=MappingProxyType(values), procurement=procurement)


def _blocks_per_day(text: str, *, source: str, line: int) -> int:
    stripped = text.strip()
    if not stripped.isdigit() or int(stripped) not in _ALLOWED_BLOCKS:
        raise GridDataError(f"bad blocks per day {stripped!r} (want one of {sorted(_ALLOWED_BLOCKS)})",
                            source=source, line=line, column="blocks_per_day")
    return int(stripped)


def parse_eprx_prompt(path: Path | str) -> EprxResults:
    """A "prompt" (or "_rt_prompt") file with H/P/TT control lines and a closing `E`."""
    source, rows = read_rows(path)
    by_tag: dict[str, Row] = {}
    for row in rows[:3]:
        by_tag[row.fields[0].strip()] = row
    for tag in ("H", "P", "TT"):
        if tag not in by_tag:
            raise GridDataError(f"missing the {tag!r} control line (want H, P, TT first)", source=source,
                                line=rows[min(2, len(rows) - 1)].line)
    p_line = by_tag["P"]
    if len(p_line.fields) < 5:
        raise GridDataError("P line needs 5 fields: P,<status>,<YYYYMM>,<product>,<blocks>", source=source,
                            line=p_line.line)
    status, product_name = p_line.fields[1].strip(), p_line.fields[3].strip()
    if status not in ("速報値", "確報値"):
        raise GridDataError(f"unknown status {status!r} (want 速報値 or 確報値)", source=source, line=p_line.line)
    if product_name not in PRODUCT_CODES:
        raise GridDataError(f"unknown product {product_name!r}", source=source, line=p_line.line)
    blocks = _blocks_per_day(p_line.fields[4], source=source, line=p_line.line)
    tt = by_tag["TT"]
    columns = tuple(f.strip() for f in tt.fields[2:])
    if not columns or columns[-1] != "合計":
        raise GridDataError(f"TT line must end with 合計, got {list(columns)}", source=source, line=tt.line)
    body = rows[3:]
    if not body or [f.strip() for f in body[-1].fields] != ["E"]:
        raise GridDataError("missing the closing 'E' line (truncated file?)", source=source,
                            line=body[-1].line if body else tt.line)
    records = tuple(_block_record(row, 2, columns, row.fields[1].strip() if len(row.fields) > 1 else "", blocks,
                                  source=source) for row in body[:-1])
    return EprxResults(source, PRODUCT_CODES[product_name], status == "速報値", columns, records)


def parse_eprx_history(path: Path | str, *, product_code: str | None = None) -> EprxResults:
    """A concatenated history file: header `key,blocks_per_day,[調達区分,]取引情報,<areas>,合計`."""
    source, rows = read_rows(path)
    header = [f.strip() for f in rows[0].fields]
    if header[:2] != ["key", "blocks_per_day"]:
        raise GridDataError(f"wrong header: want key,blocks_per_day,..., found {header[:3]}", source=source,
                            line=rows[0].line)
    has_procurement = len(header) > 2 and header[2] == "調達区分"
    metric_col = 3 if has_procurement else 2
    if len(header) <= metric_col + 1 or header[metric_col] != "取引情報" or header[-1] != "合計":
        raise GridDataError("wrong header: want ...,取引情報,<areas>,合計", source=source, line=rows[0].line)
    columns = tuple(header[metric_col + 1:])
    records: list[EprxRecord] = []
    notes: list[ParseNote] = []
    for row in rows[1:]:
        if len(row.fields) == metric_col + 1:  # key and metric only: no result for the block (FY2021 has some)
            notes.append(ParseNote(source, row.line, f"{row.fields[0].strip()}: no figures, skipped"))
            continue
        if len(row.fields) != len(header):
            raise GridDataError(f"expected {len(header)} fields, got {len(row.fields)}", source=source,
                                line=row.line)
        blocks = _blocks_per_day(row.fields[1], source=source, line=row.line)
        procurement = row.fields[2].strip() if has_procurement else ""
        records.append(_block_record(row, metric_col + 1, columns, row.fields[metric_col].strip(), blocks,
                                     source=source, procurement=procurement))
    return EprxResults(source, product_code, None, columns, tuple(records), tuple(notes))


def award_shares(results: Iterable[EprxResults]) -> dict[str, float]:
    """Share of the awarded MW·blocks by resource type (火力発電 ... VPP) over "_rt_" files' 落札量合計[MW]."""
    totals = dict.fromkeys(RESOURCE_TYPES, 0.0)
    for result in results:
        for record in result.metric(AWARDED_BY_RESOURCE):
            for kind in RESOURCE_TYPES:
                totals[kind] += record.values.get(kind, 0.0)
    grand = sum(totals.values())
    return {kind: (value / grand if grand else 0.0) for kind, value in totals.items()}


def block_prices_yen_per_kw(results: EprxResults, column: str, *,
                            metric: str = "平均落札価格（TSO別）[円/kW・30分]",
                            procurement: str | None = None) -> dict[tuple[date, int], float]:
    """(delivery day, block) -> price in 円/kW・30分 for one area column (zero where nothing was awarded)."""
    records = results.metric(metric, procurement=procurement)
    return {(r.delivery_date, r.block): r.values.get(column, 0.0) for r in records}


def reserve_price_signals(results: EprxResults, column: str, *,
                          metric: str = "平均落札価格（TSO別）[円/kW・30分]",
                          procurement: str | None = None) -> tuple[PriceSignal, ...]:
    """EPRX ΔkW prices of one area `column` as upward reserve capacity `PriceSignal`s
    (`REGULATION_UP_CAPACITY`): 円/kW・30分 x 2,000 = JPY per MW of capacity per hour, one per block (3 h or
    30 min; EPRX quotes per 30 min even for 3-h blocks), area `EPRX-<product>-<column>`. Blocks without a
    figure, or with none awarded (price 0), are left out: no award is not a free reserve."""
    product_code = results.product_code or "?"
    return tuple(
        PriceSignal(start_at=r.start_at, end_at=r.end_at, price_per_mwh=r.values[column] * 2000.0, currency="JPY",
                    market=PriceMarket.REGULATION_UP_CAPACITY, area=f"EPRX-{product_code}-{column}",
                    source=SOURCE_EPRX)
        for r in results.metric(metric, procurement=procurement) if r.values.get(column, 0.0) > 0
    )
