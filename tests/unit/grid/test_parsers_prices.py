"""Price files: real data (values read from the files, counts, ascending UTC order, DST) and corrupted copies."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from csms.grid.parsers import Parsed
from csms.grid.parsers.prices import (
    parse_energinet_fcr,
    parse_energinet_spot,
    parse_entsoe_day_ahead,
    parse_pjm_regulation_prices,
    parse_regelleistung_fcr,
)
from csms.grid.signals import PriceMarket, PriceSignal

from .helpers import (
    ELSPOT_DK1,
    FCR_AUCTIONS,
    FCR_DK2,
    NL_DAY_AHEAD,
    PJM_PRICES,
    assert_fails_at,
    corrupted_copy,
    set_field,
    source_lines,
)

HOUR = timedelta(hours=1)


def _at(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def _assert_hourly_strictly_increasing(prices: tuple[PriceSignal, ...]) -> None:
    starts = [p.start_at for p in prices]
    assert all(b - a == HOUR for a, b in itertools.pairwise(starts))
    assert all(p.end_at - p.start_at == HOUR for p in prices)


@pytest.fixture(scope="module")
def elspot() -> Parsed[PriceSignal]:
    return parse_energinet_spot(ELSPOT_DK1)


@pytest.fixture(scope="module")
def nl() -> Parsed[PriceSignal]:
    return parse_entsoe_day_ahead(NL_DAY_AHEAD)


# ---- Energinet / Nord Pool ------------------------------------------------------------------------------------

def test_elspot_descending_export_becomes_strictly_increasing_utc_hours(elspot: Parsed[PriceSignal]) -> None:
    prices = elspot.items
    assert len(prices) == 36_960 and not elspot.notes
    _assert_hourly_strictly_increasing(prices)
    assert prices[0].start_at == _at(2018, 1, 1) and prices[0].price_per_mwh == 26.43
    assert prices[-1].start_at == _at(2022, 3, 20, 23) and prices[-1].price_per_mwh == 114.18
    assert {(p.currency, p.market, p.area) for p in prices} == {("EUR", PriceMarket.ENERGY_DAY_AHEAD, "DK1")}


def test_elspot_dst_days_have_23_and_25_local_hours_without_duplicate_utc_hours(
        elspot: Parsed[PriceSignal]) -> None:
    copenhagen = ZoneInfo("Europe/Copenhagen")
    per_local_day = Counter(p.start_at.astimezone(copenhagen).date() for p in elspot.items)
    assert per_local_day[date(2021, 3, 28)] == 23 and per_local_day[date(2021, 10, 31)] == 25
    assert per_local_day[date(2019, 3, 31)] == 23 and per_local_day[date(2019, 10, 27)] == 25
    assert len({p.start_at for p in elspot.items}) == len(elspot.items)


def test_elspot_in_dkk_reads_the_dkk_column(tmp_path: Path) -> None:
    head = corrupted_copy(tmp_path, ELSPOT_DK1, lambda lines: None, keep=5)
    prices = parse_energinet_spot(head, currency="DKK").items
    assert prices[-1].price_per_mwh == 849.61 and prices[-1].currency == "DKK"


def test_energinet_fcr_file_gives_fcr_n_and_fcr_d_up_for_every_hour_of_2021() -> None:
    parsed = parse_energinet_fcr(FCR_DK2)
    by_market = {m: tuple(p for p in parsed.items if p.market is m) for m in (PriceMarket.FCR_N, PriceMarket.FCR_D_UP)}
    assert [len(v) for v in by_market.values()] == [8760, 8760] and not parsed.notes
    for prices in by_market.values():
        _assert_hourly_strictly_increasing(prices)
    assert by_market[PriceMarket.FCR_N][0].start_at == _at(2021, 1, 1)
    assert (by_market[PriceMarket.FCR_N][0].price_per_mwh, by_market[PriceMarket.FCR_D_UP][0].price_per_mwh) \
        == (19.7, 15.8)
    assert (by_market[PriceMarket.FCR_N][-1].price_per_mwh, by_market[PriceMarket.FCR_D_UP][-1].price_per_mwh) \
        == (58.55, 38.28)
    assert by_market[PriceMarket.FCR_N][-1].start_at == _at(2021, 12, 31, 23)


def test_elspot_corrupted_copies_fail_naming_file_and_line(tmp_path: Path) -> None:
    def check(edit: object, line: int, *fragments: str) -> None:
        path = corrupted_copy(tmp_path, ELSPOT_DK1, edit, keep=30)  # type: ignore[arg-type]
        assert_fails_at(lambda: parse_energinet_spot(path), path, line, *fragments)

    check(lambda lines: set_field(lines, 5, 1, "2022-03-20T19:00:00"), 5, "HourDK", "does not match")
    check(lambda lines: set_field(lines, 6, 0, "2022-13-20T19:00:00+00:00"), 6, "bad date/time")
    check(lambda lines: set_field(lines, 7, 4, "8x9.61"), 7, "bad number '8x9.61'", "SpotPriceEUR")
    check(lambda lines: lines.__setitem__(8, lines[8].rsplit(",", 1)[0] + "\n"), 9, "truncated line")
    check(lambda lines: lines.__setitem__(0, lines[0].replace("SpotPriceEUR", "SpotPrice")), 1, "wrong header",
          "'SpotPriceEUR'")
    def conflicting_duplicate(lines: list[str]) -> None:
        lines[3] = lines[2]
        set_field(lines, 4, 4, "1.0")

    check(conflicting_duplicate, 4, "overlaps line 3")


def test_identical_duplicates_are_merged_with_a_note_and_a_bom_is_optional(tmp_path: Path) -> None:
    path = corrupted_copy(tmp_path, ELSPOT_DK1, lambda lines: lines.insert(3, lines[2]), keep=10)
    parsed = parse_energinet_spot(path)
    assert len(parsed.items) == 9 and len(parsed.notes) == 1 and parsed.notes[0].line == 4
    assert "duplicate of line 3" in parsed.notes[0].message
    no_bom = tmp_path / "no_bom.csv"
    no_bom.write_text("".join(source_lines(ELSPOT_DK1)[:6]).removeprefix("\ufeff"), encoding="utf-8")
    assert len(parse_energinet_spot(no_bom).items) == 5


# ---- ENTSO-E-style NL day-ahead (mixed date formats, seam, overlap, gaps) ------------------------------------

def test_nl_day_ahead_with_mixed_date_formats_is_one_increasing_series(nl: Parsed[PriceSignal]) -> None:
    prices = nl.items
    assert len(prices) == 87_838
    starts = [p.start_at for p in prices]
    assert all(b > a for a, b in itertools.pairwise(starts))
    assert (prices[0].start_at, prices[0].price_per_mwh) == (_at(2015, 1, 1), 34.94)
    assert (prices[-1].start_at, prices[-1].price_per_mwh) == (_at(2025, 1, 7, 23), 66.19)  # "07/01/2025" day-first
    by_start = {p.start_at: p.price_per_mwh for p in prices}
    assert by_start[_at(2022, 12, 31, 23)] == -3.61  # the first day-first row, "31/12/2022 23:00"
    assert by_start[_at(2023, 9, 30, 23)] == 94.14  # the last ISO row
    assert {p.currency for p in prices} == {"EUR"} and {p.area for p in prices} == {"Netherlands"}


def test_nl_day_ahead_notes_the_seam_row_the_overlap_and_the_two_missing_hours(nl: Parsed[PriceSignal]) -> None:
    kinds = Counter(n.message.split(" ")[0] for n in nl.notes)
    assert kinds == {"duplicate": 6_553, "row": 1, "gap:": 2}
    (seam,) = [n for n in nl.notes if n.message.startswith("row")]
    assert seam.line == 76_682
    gaps = sorted(n.message for n in nl.notes if n.message.startswith("gap"))
    assert "from 2023-12-30T23:00:00+00:00 to 2023-12-31T00:00:00+00:00" in gaps[0]
    assert "from 2024-12-30T23:00:00+00:00 to 2024-12-31T00:00:00+00:00" in gaps[1]


def test_nl_corrupted_copies_fail_naming_file_and_line(tmp_path: Path) -> None:
    def check(edit: object, line: int, *fragments: str) -> None:
        path = corrupted_copy(tmp_path, NL_DAY_AHEAD, edit, keep=20)  # type: ignore[arg-type]
        assert_fails_at(lambda: parse_entsoe_day_ahead(path), path, line, *fragments)

    check(lambda lines: set_field(lines, 4, 1, "12/31/2022 23:00"), 4, "bad date/time '12/31/2022 23:00'")
    check(lambda lines: set_field(lines, 5, 2, "2015-01-01 05:00:00"), 5, "does not match UTC")
    check(lambda lines: set_field(lines, 6, 3, "--"), 6, "bad number '--'")
    check(lambda lines: set_field(lines, 7, 0, "Atlantis"), 7, "unknown country 'Atlantis'")
    check(lambda lines: lines.__setitem__(0, lines[0].replace("Price (EUR/MWhe)", "Price")), 1, "wrong header")
    check(lambda lines: lines.__setitem__(9, "Netherlands,01/01/2015 02:00,01/01/2015 03:00,99.0\r\n"), 10,
          "overlaps line 4")


# ---- PJM hourly regulation prices -----------------------------------------------------------------------------

def test_pjm_regulation_prices_split_the_rmcp_tuple_into_three_signals_an_hour() -> None:
    parsed = parse_pjm_regulation_prices(PJM_PRICES)
    assert len(parsed.items) == 3 * 743 and not parsed.notes
    first = {p.market: p.price_per_mwh for p in parsed.items if p.start_at == _at(2017, 1, 1, 5)}  # 00:00 EST
    assert first == {PriceMarket.REGULATION_CLEARING: 11.99, PriceMarket.REGULATION_CAPABILITY: 5.82,
                     PriceMarket.REGULATION_PERFORMANCE: 6.17}
    clearing = tuple(p for p in parsed.items if p.market is PriceMarket.REGULATION_CLEARING)
    _assert_hourly_strictly_increasing(clearing)
    assert clearing[-1].start_at == _at(2017, 2, 1, 3)  # 2017-01-31 22:00 EST, the last row


def test_pjm_regulation_price_corruptions_fail_naming_file_and_line(tmp_path: Path) -> None:
    def check(edit: object, line: int, *fragments: str) -> None:
        path = corrupted_copy(tmp_path, PJM_PRICES, edit, keep=12)  # type: ignore[arg-type]
        assert_fails_at(lambda: parse_pjm_regulation_prices(path), path, line, *fragments)

    check(lambda lines: lines.__setitem__(3, lines[3].replace("(11.0, 6.29, 4.71)", "(11.5, 6.29, 4.71)")), 4,
          "RMCP 11.5 != RMCCP 6.29 + RMPCP 4.71")
    check(lambda lines: lines.__setitem__(3, lines[3].replace("(11.0, 6.29, 4.71)", "(11.0, 6.29)")), 4,
          "expected a tuple")
    check(lambda lines: lines.__setitem__(5, lines[5].replace("2017-01-01 04:00:00", "2017-01-01 4h")), 6,
          "bad date/time")
    check(lambda lines: lines.__setitem__(0, lines[0].replace("(RMCP)", "")), 1, "wrong header")


# ---- regelleistung.net FCR auctions ---------------------------------------------------------------------------

def test_regelleistung_de_fcr_covers_2021_in_4h_blocks_as_eur_per_mw_h() -> None:
    parsed = parse_regelleistung_fcr(FCR_AUCTIONS)
    prices = parsed.items
    assert len(prices) == 365 * 6
    assert all(a.end_at == b.start_at for a, b in itertools.pairwise(prices))  # contiguous, no gaps
    assert prices[0].start_at == _at(2020, 12, 31, 23) and prices[-1].end_at == _at(2021, 12, 31, 23)
    assert prices[0].price_per_mwh == pytest.approx(22.99 / 4)
    by_start = {p.start_at: p for p in prices}
    spring = by_start[_at(2021, 3, 27, 23)]  # 28-03-2021 NEGPOS_00_04: 3 real hours
    assert spring.end_at - spring.start_at == 3 * HOUR and spring.price_per_mwh == pytest.approx(36.39 / 3)
    autumn = by_start[_at(2021, 10, 30, 22)]  # 31-10-2021 NEGPOS_00_04: 5 real hours
    assert autumn.end_at - autumn.start_at == 5 * HOUR and autumn.price_per_mwh == pytest.approx(160 / 5)
    only_tender_2 = by_start[_at(2021, 10, 2, 22)]  # 03-10-2021 has no tender 1
    assert only_tender_2.price_per_mwh == pytest.approx(1634.52 / 4)
    assert sum("tender 2" in n.message for n in parsed.notes) == 30


def test_regelleistung_dashes_are_skipped_with_notes() -> None:
    parsed = parse_regelleistung_fcr(FCR_AUCTIONS, area="DK")
    assert any(n.line == 2 and "no DK price for 2021-01-01 NEGPOS_00_04" in n.message for n in parsed.notes)
    assert len(parsed.items) < 365 * 6 and all(p.area == "DK" for p in parsed.items)


def test_regelleistung_corrupted_copies_fail_naming_file_and_line(tmp_path: Path) -> None:
    def check(edit: object, line: int, *fragments: str) -> None:
        path = corrupted_copy(tmp_path, FCR_AUCTIONS, edit, keep=10)  # type: ignore[arg-type]
        assert_fails_at(lambda: parse_regelleistung_fcr(path), path, line, *fragments)

    check(lambda lines: set_field(lines, 3, 4, "NEGPOS_04_8", sep=";"), 3, "bad product")
    check(lambda lines: set_field(lines, 4, 0, "31-02-2021", sep=";"), 4, "bad date '31-02-2021'")
    check(lambda lines: set_field(lines, 5, 16, "1,5", sep=";"), 5, "bad number '1,5'",
          "DE_SETTLEMENTCAPACITY_PRICE_[EUR/MW]")
    check(lambda lines: lines.__setitem__(6, lines[6].rsplit(";", 1)[0] + "\n"), 7, "truncated line")
    check(lambda lines: lines.__setitem__(0, lines[0].replace("DE_SETTLEMENT", "DE_SETTLE")), 1, "wrong header")
