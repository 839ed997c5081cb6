"""PJM and CAISO regulation files: real data spot checks, and corrupted copies failing at the right line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from csms.grid.parsers.regulation import parse_caiso_regulation, parse_pjm_regulation, splice
from csms.grid.signals import RegulationSeries

from .helpers import CAISO_REG, PJM_REGA, assert_fails_at, corrupted_copy, set_field


@pytest.fixture(scope="module")
def pjm() -> RegulationSeries:
    parsed = parse_pjm_regulation(PJM_REGA)
    assert len(parsed.items) == 1
    return parsed.items[0]


@pytest.fixture(scope="module")
def caiso() -> tuple[RegulationSeries, ...]:
    return parse_caiso_regulation(CAISO_REG).items


def test_pjm_rega_is_one_2s_series_from_16h_edt_to_the_next_midnight(pjm: RegulationSeries) -> None:
    assert pjm.interval_s == 2.0
    assert len(pjm) == 14_401  # 16:00:00 .. 23:59:58 plus the next day's 0:00:00
    assert pjm.start_at == datetime(2017, 8, 1, 20, 0, tzinfo=UTC)  # 16:00 EDT
    assert pjm.end_at == datetime(2017, 8, 2, 4, 0, tzinfo=UTC)  # the 0:00:00 row is the next day
    assert pjm.values[0] == -1.0
    assert pjm.values[1800] == pytest.approx(-0.538730187)  # 17:00:00
    assert pjm.values[7200] == pytest.approx(-0.119559097)  # 20:00:00
    assert pjm.values[-1] == pytest.approx(-0.497342888)
    assert pjm.values.min() == -1.0 and pjm.values.max() == pytest.approx(0.884949487)
    assert pjm.signal(1800).sampled_at == datetime(2017, 8, 1, 21, 0, tzinfo=UTC)
    assert not pjm.values.flags.writeable


def test_caiso_dispatch_is_100_days_of_4s_series_18_to_22h_pacific_in_date_order(
        caiso: tuple[RegulationSeries, ...]) -> None:
    assert len(caiso) == 100
    assert all(s.interval_s == 4.0 and len(s) == 3600 for s in caiso)
    starts = [s.start_at for s in caiso]
    assert starts == sorted(starts) and len(set(starts)) == 100
    first = caiso[0]
    assert first.source.endswith(":2016-04-12")
    assert first.start_at == datetime(2016, 4, 13, 1, 0, tzinfo=UTC)  # 18:00 PDT
    assert first.end_at == datetime(2016, 4, 13, 4, 59, 56, tzinfo=UTC)  # 21:59:56 PDT
    assert first.values[0] == pytest.approx(-0.19)  # -19 % of capacity
    assert caiso[2].values[0] == pytest.approx(-0.56)
    assert caiso[-1].values[-1] == pytest.approx(-0.09)
    all_values = np.concatenate([s.values for s in caiso])
    assert all_values.min() == -1.0 and all_values.max() == 1.0  # saturated runs at +-100 %


def test_splice_joins_caiso_windows_back_to_back(caiso: tuple[RegulationSeries, ...]) -> None:
    joined = splice(caiso[:3])
    assert len(joined) == 10_800 and joined.start_at == caiso[0].start_at
    assert joined.end_at == caiso[0].start_at + timedelta(seconds=4 * 10_799)
    assert joined.values[3600] == caiso[1].values[0]


def test_pjm_corrupted_copies_fail_naming_file_and_line(tmp_path: Path) -> None:
    def check(edit: object, line: int | None, *fragments: str, keep: int = 50) -> None:
        path = corrupted_copy(tmp_path, PJM_REGA, edit, keep=keep)  # type: ignore[arg-type]
        assert_fails_at(lambda: parse_pjm_regulation(path), path, line, *fragments)

    check(lambda lines: lines.__setitem__(9, "16:00:16\n"), 10, "truncated line")
    check(lambda lines: set_field(lines, 12, 1, "0.3x"), 12, "bad number '0.3x'", "8/1/2017")
    check(lambda lines: set_field(lines, 12, 1, ""), 12, "missing value")
    check(lambda lines: set_field(lines, 12, 1, "nan"), 12, "non-finite")
    check(lambda lines: set_field(lines, 20, 1, "1.5"), 20, "outside the normalised range")
    check(lambda lines: set_field(lines, 7, 0, "16:0O:10"), 7, "bad time of day")
    check(lambda lines: set_field(lines, 1, 1, "13/45/2017"), 1, "wrong header", "not a date")
    check(lambda lines: lines.pop(30), 31, "irregular time step", "+4 s")  # line 31 removed
    check(lambda lines: lines.__setitem__(0, lines[0].replace("8/1/2017", "8/1/2017,8/1/2017")), 1, "wrong header")
    check(lambda lines: None, None, "at least two samples", keep=2)


def test_caiso_corrupted_copies_fail_naming_file_and_line(tmp_path: Path) -> None:
    def check(edit: object, line: int | None, *fragments: str) -> None:
        path = corrupted_copy(tmp_path, CAISO_REG, edit, keep=40)  # type: ignore[arg-type]
        assert_fails_at(lambda: parse_caiso_regulation(path), path, line, *fragments)

    check(lambda lines: lines.__setitem__(5, lines[5].rsplit(",", 1)[0] + "\n"), 6, "truncated line")
    check(lambda lines: set_field(lines, 9, 3, "abc"), 9, "bad number 'abc'", "2016-04-14")
    check(lambda lines: set_field(lines, 9, 3, "150.0"), 9, "outside the normalised range", "2016-04-14")
    check(lambda lines: set_field(lines, 9, 0, "64832.5"), 9, "bad second of day")
    check(lambda lines: set_field(lines, 1, 4, "2016-02-30"), 1, "wrong header", "'2016-02-30' is not a date")
    check(lambda lines: lines.__setitem__(3, lines[3] + lines[3]), 5, "irregular time step")


def test_pjm_columns_that_cannot_be_placed_in_utc_because_of_dst_are_refused(tmp_path: Path) -> None:
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    spans_fall_back = write("fall.csv", ",11/5/2017\n" + "".join(f"{h}:00:00,0.0\n" for h in range(4)))
    assert_fails_at(lambda: parse_pjm_regulation(spans_fall_back), spans_fall_back, 1, "spans a DST change")
    spans_spring = write("spring.csv", ",3/12/2017\n" + "".join(f"{h}:00:00,0.0\n" for h in range(5)))
    assert_fails_at(lambda: parse_pjm_regulation(spans_spring), spans_spring, 1, "spans a DST change")
    starts_in_gap = write("gap.csv", ",3/12/2017\n2:00:00,0.1\n2:00:02,0.1\n")
    assert_fails_at(lambda: parse_pjm_regulation(starts_in_gap), starts_in_gap, 2, "does not exist")
    ends_twice = write("twice.csv", ",11/5/2017\n0:59:58,0.1\n1:00:00,0.1\n")
    assert_fails_at(lambda: parse_pjm_regulation(ends_twice), ends_twice, 3, "occurs twice")


def test_unreadable_files_fail_with_the_file_named(tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"
    assert_fails_at(lambda: parse_pjm_regulation(missing), missing, None, "cannot read file")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert_fails_at(lambda: parse_pjm_regulation(empty), empty, None, "empty file")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b",8/1/2017\n16:00:00,-1\n16:00:02,\xff\xfe\n")
    assert_fails_at(lambda: parse_pjm_regulation(binary), binary, 3, "not UTF-8")
