from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from csms.grid.errors import GridDataError
from csms.grid.japan.eprx import award_shares, block_prices_yen_per_kw, parse_eprx_history, parse_eprx_prompt
from tests.unit.grid.japan.fixtures import HISTORY_HEADER, prompt_text, rt_prompt_text, write


def test_prompt_file_by_area(tmp_path: Path) -> None:
    results = parse_eprx_prompt(write(tmp_path / "eprx_202606_3-2_prompt.csv.gz", prompt_text()))
    assert results.product_code == "3-2" and results.preliminary is True
    assert results.columns[-2:] == ("九州", "合計")
    assert len(results.records) == 48 * 3
    first = results.records[0]
    assert (first.delivery_date, first.block, first.blocks_per_day) == (date(2026, 6, 1), 1, 48)
    assert first.start_at == datetime(2026, 5, 31, 15, 0, tzinfo=UTC)
    assert first.end_at == datetime(2026, 5, 31, 15, 30, tzinfo=UTC)
    assert results.total("落札量合計（電源属地別）[MW]", "九州") == pytest.approx(4 * 48)
    prices = block_prices_yen_per_kw(results, "九州")
    assert prices[(date(2026, 6, 1), 48)] == 1.5


def test_rt_prompt_award_shares(tmp_path: Path) -> None:
    results = parse_eprx_prompt(write(tmp_path / "rt.csv", rt_prompt_text(vpp_mw=1.0, battery_mw=3.0,
                                                                          thermal_mw=96.0)))
    assert results.product_code == "1-1"
    shares = award_shares([results])
    assert shares["VPP"] == pytest.approx(0.01)
    assert shares["蓄電池"] == pytest.approx(0.03)
    assert sum(shares.values()) == pytest.approx(1.0)


def test_history_file_with_procurement_and_3h_blocks(tmp_path: Path) -> None:
    text = "\n".join([
        HISTORY_HEADER,
        "20240401B01,8,システム約定結果,募集量（TSO別）[MW],0,0,0,0,0,0,0,0,173,173",
        "20240401B08,8,合計（確報値）,平均約定価格（TSO別）[円/kW・30分],0,0,0,0,0,0,0,0,2.5,2.5",
    ]) + "\n"
    results = parse_eprx_history(write(tmp_path / "h.csv", text), product_code="3-2")
    assert results.records[1].procurement == "合計（確報値）"
    assert results.records[1].start_at == datetime(2024, 4, 1, 12, 0, tzinfo=UTC)  # 21:00 JST
    assert results.records[1].end_at == datetime(2024, 4, 1, 15, 0, tzinfo=UTC)
    assert results.total("募集量（TSO別）[MW]", "九州", procurement="システム約定結果") == 173


def _lines(text: str) -> list[str]:
    return text.splitlines()


@pytest.mark.parametrize(("mutate", "line", "message"), [
    (lambda ls: [*ls[:5], "20260632B01,募集量（TSO別）[MW],0,0,0,0,0,0,0,0,5,5", *ls[6:]], 6, "no such date"),
    (lambda ls: [*ls[:5], "20260601B49,募集量（TSO別）[MW],0,0,0,0,0,0,0,0,5,5", *ls[6:]], 6, "block 49"),
    (lambda ls: [*ls[:5], "20260601B01,募集量（TSO別）[MW],0,0,x,0,0,0,0,0,5,5", *ls[6:]], 6, "bad number 'x'"),
    (lambda ls: [*ls[:5], "20260601B01,募集量（TSO別）[MW],0,0,0", *ls[6:]], 6, "expected 12 fields"),
    (lambda ls: ls[:-1], 3 + 48 * 3, "missing the closing 'E'"),
    (lambda ls: [ls[0], "P,速報値,202606,四次調整力,48", *ls[2:]], 2, "unknown product"),
    (lambda ls: [ls[0], "P,速報値,202606,三次調整力2,24", *ls[2:]], 2, "bad blocks per day"),
])
def test_bad_prompt_input_names_file_and_line(tmp_path: Path, mutate: object, line: int, message: str) -> None:
    assert callable(mutate)
    path = write(tmp_path / "bad.csv", "\n".join(mutate(_lines(prompt_text()))) + "\n")
    with pytest.raises(GridDataError, match=message) as info:
        parse_eprx_prompt(path)
    assert info.value.line == line
    assert info.value.source == str(path)


def test_bad_history_header_and_row(tmp_path: Path) -> None:
    path = write(tmp_path / "h.csv", "key,blocks,取引情報\n")
    with pytest.raises(GridDataError, match="wrong header") as info:
        parse_eprx_history(path)
    assert info.value.line == 1
    path = write(tmp_path / "h2.csv", HISTORY_HEADER + "\n20240401B01,8,システム約定結果,募集量,1,2\n")
    with pytest.raises(GridDataError, match="expected 14 fields") as info:
        parse_eprx_history(path)
    assert info.value.line == 2


def test_history_dash_means_no_figure(tmp_path: Path) -> None:
    text = HISTORY_HEADER + "\n20240401B01,8,システム約定結果,募集量（TSO別）[MW],-,0,0,0,0,0,0,0,7,7\n"
    results = parse_eprx_history(write(tmp_path / "h.csv", text))
    assert "北海道" not in results.records[0].values
    assert results.total("募集量（TSO別）[MW]", "北海道") == 0.0
    assert results.total("募集量（TSO別）[MW]", "九州") == 7.0


def test_history_row_without_figures_is_noted(tmp_path: Path) -> None:
    text = HISTORY_HEADER + "\n20210413B01,8,システム約定結果,募集量（TSO別）[MW]\n"
    results = parse_eprx_history(write(tmp_path / "h.csv", text))
    assert results.records == ()
    assert [(n.line, n.message) for n in results.notes] == [(2, "20210413B01: no figures, skipped")]
