"""The Japanese aggregator scenario on a MADE-UP price fortnight written under a temporary CSMS_DATA_DIR, with
the shipped config/scenarios/japan_kyushu.toml (its file names are reused for the made-up files)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from csms.grid.japan._time import SLOTS_PER_DAY
from csms.scenario.cli import main as scenario_main
from csms.scenario.japan import (
    is_japan_scenario,
    load_japan_scenario,
    report_data,
    run_japan,
    v2h_block,
    workplace_block,
)
from tests.unit.grid.japan.fixtures import AREAS_JA, HISTORY_HEADER, rt_prompt_text, spot_line, write

SCENARIO = Path(__file__).resolve().parents[4] / "config" / "scenarios" / "japan_kyushu.toml"
FIRST = date(2024, 4, 1)


def history_text(days: int, *, price: float, max_price: float, evening_only: bool = False) -> str:
    lines = [HISTORY_HEADER]
    zeros = ",".join(["0"] * 8)
    for d in range(days):
        key_day = (FIRST + timedelta(days=d)).strftime("%Y%m%d")
        for block in range(1, 9):
            active = not evening_only or block >= 7
            p, mx, mw = (price, max_price, 100) if active else (0, 0, 0)
            for metric, value in (("募集量（TSO別）[MW]", mw), ("最高落札価格（TSO別）[円/kW・30分]", mx),
                                  ("平均落札価格（TSO別）[円/kW・30分]", p), ("落札量合計（TSO別）[MW]", mw)):
                lines.append(f"{key_day}B{block:02d},8,システム約定結果,{metric},{zeros},{value},{value}")
    assert AREAS_JA.split(",")[8] == "九州"
    return "\n".join(lines) + "\n"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "data"
    (root / "japan" / "eprx_history").mkdir(parents=True)
    (root / "japan" / "eprx_2026-06").mkdir()
    days = [(FIRST + timedelta(days=d)).strftime("%Y/%m/%d") for d in range(14)]
    from tests.unit.grid.japan.fixtures import SPOT_HEADER
    spot = [SPOT_HEADER] + [spot_line(day, slot) for day in days for slot in range(1, SLOTS_PER_DAY + 1)]
    write(root / "japan" / "jepx_spot_summary_fy2024.csv.gz", "\n".join(spot) + "\n")
    write(root / "japan" / "eprx_history" / "eprx_3-2_result_fy2024.csv.gz", history_text(14, price=3.0,
                                                                                          max_price=4.0))
    write(root / "japan" / "eprx_history" / "eprx_1-1_result_fy2024.csv.gz",
          history_text(14, price=10.0, max_price=12.0, evening_only=True))
    for code in ("1-1", "3-2"):
        write(root / "japan" / "eprx_2026-06" / f"eprx_202606_{code}_rt_prompt.csv.gz", rt_prompt_text())
    monkeypatch.setenv("CSMS_DATA_DIR", str(root))
    return root


def test_the_shipped_scenario_file_loads() -> None:
    assert is_japan_scenario(SCENARIO)
    spec = load_japan_scenario(SCENARIO)
    assert spec.market.products == ["3-2", "1-1"] and spec.data.area == "kyushu"
    assert spec.v2h.count == 300 and spec.workplace.count == 100


def test_plug_in_windows() -> None:
    spec = load_japan_scenario(SCENARIO)
    monday = date(2024, 4, 1)
    assert not v2h_block(spec.v2h, monday, 25).plugged  # 12:00 on a weekday: the car is out
    night = v2h_block(spec.v2h, monday, 5)  # 02:00, recharging at 3 kW
    assert night.plugged and night.baseline_kw == 3.0 and night.up_kw == 9.0
    assert v2h_block(spec.v2h, date(2024, 4, 6), 25).plugged  # Saturday noon
    work = workplace_block(spec.workplace, monday, 19)  # 09:00
    assert work.plugged and work.up_kw == 6.0 and not work.discharges
    assert not workplace_block(spec.workplace, monday, 23).plugged  # 11:00: done charging


def test_fortnight_offers_awards_and_settles(data_dir: Path) -> None:
    spec = load_japan_scenario(SCENARIO)
    result = run_japan(spec, short=True)
    assert result.days == 14
    data = report_data(result)
    p32, p11 = data["products"]["3-2"], data["products"]["1-1"]
    # the first day has no price history, so no offers; then 1-1 (10 yen) wins the evening blocks, 3-2 the rest
    assert p11["awarded_blocks"] > 0 and p32["awarded_blocks"] > 0
    assert p11["net_yen_per_vehicle_year"] > 0 and p32["net_yen_per_vehicle_year"] > 0
    assert data["year_yen"]["net"] > 0
    assert data["break_even"]["revenue_multiple_needed"] is not None
    assert data["eprx_award_shares_by_resource"]["1-1"]["VPP"] == pytest.approx(0.01)
    assert report_data(run_japan(spec, short=True)) == data  # same seed, same figures


def test_units_that_never_answer_fail_assessment_one(data_dir: Path) -> None:
    spec = load_japan_scenario(SCENARIO)
    dead = spec.model_copy(update={"market": spec.market.model_copy(update={"unit_offline_probability": 1.0})})
    data = report_data(run_japan(dead, short=True))
    p32 = data["products"]["3-2"]
    assert p32["awarded_blocks"] > 0
    assert p32["assessment1_failed_blocks"] == p32["awarded_blocks"]
    assert data["year_yen"]["penalties"] > 0 and data["year_yen"]["net"] < 0


def test_csms_scenario_run_dispatches_to_the_japan_runner(data_dir: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert scenario_main(["run", str(SCENARIO), "--short", "--out", str(out)]) == 0
    data = json.loads((out / "japan_kyushu.json").read_text(encoding="utf-8"))
    assert data["kind"] == "japan" and data["days"] == 14
    page = (out / "japan_kyushu.html").read_text(encoding="utf-8")
    assert "<h2>Reported</h2>" in page and "<h2>Modelled here</h2>" in page and "アセスメントⅠ" in page
    assert "japan_kyushu_monthly.png" in page and (out / "japan_kyushu_monthly.png").stat().st_size > 0
    months = data["monthly_net_yen_per_vehicle"]
    entries = sum(len(by_code) for by_code in months.values())  # each rounded to 0.1 yen, scaled to a year
    assert sum(v for by_code in months.values() for v in by_code.values()) * 365 / 14 == pytest.approx(
        sum(p["net_yen_per_vehicle_year"] for p in data["products"].values()), abs=(entries * 365 / 14 + 2) * 0.05)
    assert "net per vehicle-year" in capsys.readouterr().out


def test_share_cap_below_the_minimum_offer_wins_nothing(data_dir: Path) -> None:
    spec = load_japan_scenario(SCENARIO)
    capped = spec.model_copy(update={"market": spec.market.model_copy(update={"max_share_of_area_awards": 0.005})})
    data = report_data(run_japan(capped, short=True))  # 0.5 % of 100 MW = 500 kW < the 1,000 kW minimum
    assert all(p["awarded_blocks"] == 0 and p["offered_blocks"] > 0 for p in data["products"].values())
    assert data["year_yen"]["delta_kw_revenue"] == 0
