"""acnportal TOU tariffs: parsing the real files, prices by season/weekday/hour, DST, and corrupted copies."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from csms.grid.parsers.tariffs import parse_acn_tariff
from csms.grid.signals import PriceMarket
from csms.grid.tariffs import tariff_price_signals

from .helpers import TARIFFS, assert_fails_at

LA = ZoneInfo("America/Los_Angeles")
SCE_EV4 = TARIFFS / "sce_tou_ev_4_march_2019.json"
SCE_EV8 = TARIFFS / "sce_tou_ev_8_june_2019.json"
PGE_A10 = TARIFFS / "pge_a10_tou_aug_2019.json"


def _local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LA)


def test_sce_tou_ev_4_prices_by_season_weekday_and_hour() -> None:
    tariff = parse_acn_tariff(SCE_EV4)
    assert (tariff.name, tariff.effective_on, tariff.currency) == ("SCE TOU-EV-4", date(2019, 3, 1), "USD")
    assert tariff.price_per_kwh_at(_local(2019, 7, 10, 13)) == 0.26668  # summer weekday on-peak
    assert tariff.price_per_kwh_at(_local(2019, 7, 10, 23, 30)) == 0.05623
    assert tariff.price_per_kwh_at(_local(2019, 7, 13, 13)) == 0.05623  # summer Saturday
    assert tariff.price_per_kwh_at(_local(2019, 1, 15, 9)) == 0.07492  # winter weekday mid-peak
    assert tariff.price_per_kwh_at(_local(2019, 5, 31, 13)) == 0.0869  # 05-31 is still winter
    assert tariff.demand_charge_per_kw_on(date(2019, 7, 10)) == 15.51


def test_sce_tou_ev_8_has_a_summer_weekend_peak_and_no_demand_charge() -> None:
    tariff = parse_acn_tariff(SCE_EV8)
    assert tariff.price_per_kwh_at(_local(2019, 7, 13, 17)) == 0.25563
    assert tariff.price_per_kwh_at(_local(2019, 12, 25, 17)) == 0.297
    assert tariff.demand_charge_per_kw_on(date(2019, 7, 13)) == 0


def test_pge_a10_as_shipped_has_overlapping_winter_periods_which_are_refused_unless_asked() -> None:
    assert_fails_at(lambda: parse_acn_tariff(PGE_A10), PGE_A10, 34, "'Winter-Weekday' and 'Winter-Weekend' overlap",
                    "schedule[3]")
    tariff = parse_acn_tariff(PGE_A10, overlap="first")
    assert tariff.period_on(date(2019, 12, 7)).period_id == "Winter-Weekday"  # the first listed wins
    assert tariff.price_per_kwh_at(_local(2019, 8, 5, 8, 29)) == 0.14903
    assert tariff.price_per_kwh_at(_local(2019, 8, 5, 8, 30)) == 0.1771  # fractional 8.5 h boundary kept


def test_tou_expansion_gives_hourly_signals_split_at_half_hour_boundaries() -> None:
    tariff = parse_acn_tariff(PGE_A10, overlap="first")
    signals = tariff_price_signals(tariff, date(2019, 8, 5), date(2019, 8, 6))
    assert len(signals) == 26  # 24 hours, 08:00 and 21:00 split at :30
    assert signals[0].start_at == _local(2019, 8, 5).astimezone(UTC)
    assert all(a.end_at == b.start_at for a, b in itertools.pairwise(signals))
    eight = [s for s in signals if s.start_at.astimezone(LA).hour == 8]
    assert [(s.duration_s, s.price_per_mwh) for s in eight] == [(1800, 149.03), (1800, 177.1)]
    assert {(s.market, s.currency, s.area) for s in signals} == {(PriceMarket.ENERGY_RETAIL_TOU, "USD", "PGE A-10 TOU")}


def test_tou_expansion_over_dst_days_gives_23_and_25_hours() -> None:
    tariff = parse_acn_tariff(SCE_EV4)
    spring = tariff_price_signals(tariff, date(2019, 3, 10), date(2019, 3, 11))
    autumn = tariff_price_signals(tariff, date(2019, 11, 3), date(2019, 11, 4))
    assert (len(spring), len(autumn)) == (23, 25)
    assert sum(s.duration_s for s in spring) == 23 * 3600
    noon = next(s for s in autumn if s.start_at.astimezone(LA).hour == 12)
    assert noon.price_per_mwh == pytest.approx(60.87)  # fall-back is a Sunday: winter weekend rate
    assert tariff_price_signals(tariff, date(2019, 3, 10), date(2019, 3, 10)) == []
    with pytest.raises(ValueError):
        tariff_price_signals(tariff, date(2019, 3, 10), date(2019, 3, 11), interval_s=7)
    quarter = tariff_price_signals(tariff, date(2019, 7, 1), date(2019, 7, 2), interval_s=900)
    assert len(quarter) == 96 and quarter[0].end_at - quarter[0].start_at == timedelta(minutes=15)


def _edited(tmp_path: Path, edit: object) -> Path:
    doc = json.loads(SCE_EV4.read_text())
    edit(doc)  # type: ignore[operator]
    path = tmp_path / "tariff.json"
    path.write_text(json.dumps(doc, indent=4))
    return path


def test_corrupted_tariffs_fail_naming_file_line_and_field(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(SCE_EV4.read_text().replace('"dow_mask": "WEEKENDS",', '"dow_mask": "WEEKENDS"', 1))
    assert_fails_at(lambda: parse_acn_tariff(broken), broken, 20, "invalid JSON", "delimiter")

    def check(edit: object, line: int | None, *fragments: str) -> None:
        path = _edited(tmp_path, edit)
        assert_fails_at(lambda: parse_acn_tariff(path), path, line, *fragments)

    check(lambda d: d["schedule"][1].update(dow_mask="SUNDAYS"), 28, "dow_mask must be one of", "schedule[1].dow_mask")
    check(lambda d: d["schedule"][0].update(times=[0, 12, 8, 18, 23]), 7, "increase strictly", "schedule[0].times")
    check(lambda d: d["schedule"][0].update(tariffs=[0.1, 0.2]), 7, "equal length")
    check(lambda d: d["schedule"][2].update(tariffs=[0.1, "x", 0.1, 0.1, 0.1]), 41, "a tariff must be a finite")
    check(lambda d: d["schedule"][2].update(effective_start="13-01"), 41, "bad month-day '13-01'")
    check(lambda d: d["schedule"].pop(3), None, "no period covers", "saturdays")
    check(lambda d: d.update(effective="2019-02-30"), 3, "bad effective date")
