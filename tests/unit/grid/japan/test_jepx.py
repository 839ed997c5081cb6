from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from csms.grid.errors import GridDataError
from csms.grid.japan.jepx import (
    floor_slot_count,
    parse_jepx_intraday,
    parse_jepx_spot,
    spot_price_signals,
)
from csms.grid.signals import PriceMarket
from tests.unit.grid.japan.fixtures import INTRADAY_HEADER, SPOT_HEADER, spot_line, spot_text, write


def test_spot_slots_are_jst_half_hours_with_area_prices(tmp_path: Path) -> None:
    path = write(tmp_path / "spot.csv.gz", spot_text(("2024/04/01", "2024/04/02")))
    parsed = parse_jepx_spot(path)
    assert len(parsed) == 96
    assert parsed.notes == ()
    first = parsed.items[0]
    assert first.delivery_date == date(2024, 4, 1) and first.slot == 1
    assert first.start_at == datetime(2024, 3, 31, 15, 0, tzinfo=UTC)  # 00:00 JST
    assert parsed.items[47].end_at == datetime(2024, 4, 1, 15, 0, tzinfo=UTC)
    assert first.price_yen_per_kwh("tokyo") == 12.5
    assert first.price_yen_per_kwh("system") == 10.0
    assert floor_slot_count(parsed.items, "kyushu") == 16
    assert floor_slot_count(parsed.items, "tokyo") == 0


def test_spot_price_signals_are_yen_per_mwh(tmp_path: Path) -> None:
    parsed = parse_jepx_spot(write(tmp_path / "spot.csv", spot_text()))
    signals = spot_price_signals(parsed.items, "kyushu")
    assert signals[20].price_per_mwh == pytest.approx(10.0)  # 0.01 円/kWh
    assert signals[35].price_per_mwh == pytest.approx(20000.0)
    assert signals[0].market is PriceMarket.ENERGY_DAY_AHEAD and signals[0].currency == "JPY"
    assert signals[0].area == "JEPX-kyushu"
    with pytest.raises(ValueError, match="unknown JEPX area"):
        spot_price_signals(parsed.items, "okinawa")


def test_short_day_is_noted(tmp_path: Path) -> None:
    text = SPOT_HEADER + "\n" + "\n".join(spot_line("2024/04/01", s) for s in range(1, 47)) + "\n"
    parsed = parse_jepx_spot(write(tmp_path / "spot.csv", text))
    assert [n.message for n in parsed.notes] == ["2024-04-01: 46 of 48 slots"]


@pytest.mark.parametrize(("bad_line", "message"), [
    (spot_line("2024/04/01", 49), "slot 49 outside 1..48"),
    (spot_line("2024-04-01", 3), "bad date '2024-04-01'"),
    (spot_line("2024/04/01", 3, kyushu=0.0), "below the JEPX floor"),
    (spot_line("2024/04/01", 1), "slot 1 of 2024-04-01 already on line 2"),
    (spot_line("2024/04/01", 3).replace("10.0", "abc", 1), "bad number 'abc'"),
    (",".join(spot_line("2024/04/01", 3).split(",")[:10]), "truncated line"),
])
def test_bad_spot_input_names_file_and_line(tmp_path: Path, bad_line: str, message: str) -> None:
    text = "\n".join([SPOT_HEADER, spot_line("2024/04/01", 1), spot_line("2024/04/01", 2), bad_line]) + "\n"
    path = write(tmp_path / "bad_spot.csv", text)
    with pytest.raises(GridDataError, match=message) as info:
        parse_jepx_spot(path)
    assert info.value.line == 4
    assert str(info.value).startswith(f"{path}:4:")


def test_spot_wrong_header_names_line_one(tmp_path: Path) -> None:
    path = write(tmp_path / "spot.csv", SPOT_HEADER.replace("エリアプライス九州", "エリアプライス沖縄") + "\n")
    with pytest.raises(GridDataError, match="九州") as info:
        parse_jepx_spot(path)
    assert info.value.line == 1


def test_intraday_parses_and_skips_untraded_slots(tmp_path: Path) -> None:
    text = "\n".join([INTRADAY_HEADER, "2024/04/01,1,10.10,11.02,7.05,7.39,10.16,128800,53",
                      "2024/04/01,2,,,,,,0,0"]) + "\n"
    parsed = parse_jepx_intraday(write(tmp_path / "intraday.csv.gz", text))
    assert len(parsed) == 1
    slot = parsed.items[0]
    assert (slot.high_yen_per_kwh, slot.average_yen_per_kwh, slot.trades) == (11.02, 10.16, 53)
    assert [n.line for n in parsed.notes] == [3]


def test_intraday_average_outside_range_is_refused(tmp_path: Path) -> None:
    text = "\n".join([INTRADAY_HEADER, "2024/04/01,1,10.10,11.02,7.05,7.39,12.00,128800,53"]) + "\n"
    path = write(tmp_path / "intraday.csv", text)
    with pytest.raises(GridDataError, match=r"average 12\.0 outside") as info:
        parse_jepx_intraday(path)
    assert info.value.line == 2 and info.value.source == str(path)


def test_blank_area_price_means_not_traded(tmp_path: Path) -> None:
    def hokkaido_blank(slot: int) -> str:
        fields = spot_line("2018/09/07", slot).split(",")
        fields[6] = ""  # エリアプライス北海道
        return ",".join(fields)

    text = "\n".join([SPOT_HEADER, hokkaido_blank(1), hokkaido_blank(2)]) + "\n"
    parsed = parse_jepx_spot(write(tmp_path / "spot.csv", text))
    slot = parsed.items[0]
    assert not slot.has_price("hokkaido") and slot.has_price("tokyo")
    with pytest.raises(LookupError, match="area not traded"):
        slot.price_yen_per_kwh("hokkaido")
    assert spot_price_signals(parsed.items, "hokkaido") == ()
    assert len(spot_price_signals(parsed.items, "tokyo")) == 2
    assert [(n.line, n.message) for n in parsed.notes if "not traded" in n.message] == [
        (2, "2018-09-07: no 北海道 (hokkaido) price from this line on that day (area not traded)")]
