from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

import pytest

from csms.grid.japan.eprx import parse_eprx_history, parse_eprx_prompt
from csms.grid.japan.jepx import parse_jepx_intraday, parse_jepx_spot
from csms.grid.japan.series import eprx_series, intraday_series, spot_series
from tests.unit.grid.japan.fixtures import HISTORY_HEADER, INTRADAY_HEADER, prompt_text, spot_text, write


def test_spot_series_one_value_per_slot(tmp_path: Path) -> None:
    slots = parse_jepx_spot(write(tmp_path / "s.csv", spot_text(("2024/04/01", "2024/04/02")))).items
    series = spot_series(slots, "kyushu")
    assert len(series) == 96 and series.interval_s == 1800
    assert series.start_at == datetime(2024, 3, 31, 15, tzinfo=UTC)
    assert series.values[20] == 0.01 and series.values[35] == 20.0
    assert series.source == "JEPX"


def test_intraday_gap_is_nan(tmp_path: Path) -> None:
    text = "\n".join([INTRADAY_HEADER, "2024/04/01,1,10,11,7,7.4,10.16,1,1", "2024/04/01,2,,,,,,0,0",
                      "2024/04/01,3,9,9,9,9,9.00,1,1"]) + "\n"
    series = intraday_series(parse_jepx_intraday(write(tmp_path / "i.csv", text)).items)
    assert len(series) == 3 and series.values[0] == 10.16 and math.isnan(series.values[1])


def test_eprx_series_by_block(tmp_path: Path) -> None:
    results = parse_eprx_prompt(write(tmp_path / "p.csv", prompt_text(price=2.25)))
    series = eprx_series(results, "九州")
    assert len(series) == 48 and series.interval_s == 1800 and set(series.values) == {2.25}
    metric = "システム約定結果,平均落札価格（TSO別）[円/kW・30分]"
    text = HISTORY_HEADER + "\n" + "\n".join(
        f"20240401B0{b},8,{metric},0,0,0,0,0,0,0,0,{b},{b}" for b in (1, 3)) + "\n"
    series = eprx_series(parse_eprx_history(write(tmp_path / "h.csv", text)), "九州")
    assert series.interval_s == 3 * 3600 and len(series) == 3
    assert series.values[0] == 1 and math.isnan(series.values[1]) and series.values[2] == 3
    with pytest.raises(ValueError, match="no 'x' records"):
        eprx_series(results, "九州", "x")
