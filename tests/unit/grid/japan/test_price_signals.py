"""JEPX intraday and EPRX ΔkW prices as `PriceSignal`s, and what the grid feed consumer does with them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from csms.domain.clock import ManualClock
from csms.grid.feed import FeedConsumer, FeedRole, SourceFeed, ready
from csms.grid.japan.eprx import parse_eprx_prompt, reserve_price_signals
from csms.grid.japan.jepx import intraday_price_signals, parse_jepx_intraday
from csms.grid.signals import PriceMarket
from csms.services.charging import ChargingService
from csms.services.events import EventBus
from csms.services.fleet_controller import FleetController
from csms.settings import FleetSettings
from csms.store.memory import MemoryStore
from tests.api.test_fleet_api import _NoGateway
from tests.unit.grid.japan.fixtures import INTRADAY_HEADER, prompt_text, write
from tests.unit.grid.test_feed import FakeSink, ListSource

JST_MIDNIGHT = datetime(2024, 3, 31, 15, 0, tzinfo=UTC)


def test_intraday_signals_are_the_traded_average_in_yen_per_mwh(tmp_path: Path) -> None:
    text = "\n".join([INTRADAY_HEADER, "2024/04/01,1,10.10,11.02,7.05,7.39,10.16,128800,53",
                      "2024/04/01,2,,,,,,0,0", "2024/04/01,3,9.00,9.50,8.00,8.20,8.75,1000,2"]) + "\n"
    signals = intraday_price_signals(parse_jepx_intraday(write(tmp_path / "intraday.csv", text)).items)
    assert [s.start_at for s in signals] == [JST_MIDNIGHT, JST_MIDNIGHT + timedelta(hours=1)]
    assert [s.price_per_mwh for s in signals] == pytest.approx([10_160.0, 8750.0])
    assert all(s.duration_s == 1800 and s.market is PriceMarket.ENERGY_INTRADAY and s.currency == "JPY"
               and s.area == "JEPX-intraday" and s.source == "JEPX" for s in signals)


def test_eprx_prices_are_upward_reserve_capacity_per_mw_hour(tmp_path: Path) -> None:
    results = parse_eprx_prompt(write(tmp_path / "eprx_202606_3-2_prompt.csv.gz", prompt_text(price=1.5)))
    signals = reserve_price_signals(results, "九州")
    assert len(signals) == 48
    first = signals[0]
    assert first.price_per_mwh == 3000.0  # 1.5 円/kW・30分 = 3,000 円/MW・h
    assert (first.market, first.area, first.currency, first.duration_s) == (
        PriceMarket.REGULATION_UP_CAPACITY, "EPRX-3-2-九州", "JPY", 1800)
    nothing = parse_eprx_prompt(write(tmp_path / "eprx_202606_1-1_prompt.csv.gz", prompt_text(price=0.0)))
    assert reserve_price_signals(nothing, "九州") == ()  # no award is not a free reserve


async def test_the_consumer_plans_with_intraday_prices_and_eprx_block_reserve_prices(tmp_path: Path) -> None:
    text = "\n".join([INTRADAY_HEADER, "2024/04/01,1,10.10,11.02,7.05,7.39,10.16,128800,53"]) + "\n"
    intraday = intraday_price_signals(parse_jepx_intraday(write(tmp_path / "intraday.csv", text)).items)
    reserve = reserve_price_signals(parse_eprx_prompt(write(tmp_path / "eprx_202606_3-2_prompt.csv.gz",
                                                            prompt_text(price=1.5))), "九州")
    clock = ManualClock(JST_MIDNIGHT)
    store, events = MemoryStore(), EventBus()
    fleet = FleetController(store, ChargingService(_NoGateway(), store, clock, events), clock, events,
                            FleetSettings(enabled=True))
    consumer = FeedConsumer(fleet, clock)
    feed = SourceFeed("jepx", "list", FeedRole.PRICES, clock, lambda: ready(ListSource([])))
    for signal in (*intraday, *reserve[:2]):
        consumer.deliver(feed, signal)
    await asyncio.sleep(0)
    assert fleet.inputs.import_price_per_mwh == {JST_MIDNIGHT: pytest.approx(10_160.0)}
    assert fleet.inputs.reserve_up_price_per_mwh == {reserve[0].start_at: 3000.0, reserve[1].start_at: 3000.0}
    assert fleet.inputs.reserve_down_price_per_mwh == {}  # EPRX ΔkW here is upward reserve only
    assert consumer.ignored == 0


async def test_a_sink_without_block_reserve_prices_leaves_them_out(tmp_path: Path) -> None:
    reserve = reserve_price_signals(parse_eprx_prompt(write(tmp_path / "eprx_202606_3-2_prompt.csv.gz",
                                                            prompt_text())), "九州")
    clock = ManualClock(JST_MIDNIGHT)
    sink = FakeSink()
    consumer = FeedConsumer(sink, clock)
    feed = SourceFeed("eprx", "list", FeedRole.PRICES, clock, lambda: ready(ListSource([])))
    for signal in reserve[:2]:
        consumer.deliver(feed, signal)
    assert sink.prices == {} and consumer.ignored == 2
