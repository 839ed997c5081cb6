"""Live price sources: the ENTSO-E A44 document (a recorded response in the platform's format), the generic
CSV format, and the poller that yields new or changed prices, over an httpx mock transport."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from csms.domain.clock import ManualClock
from csms.grid.csv_poller import PricePoller, http_fetch, parse_price_csv
from csms.grid.entsoe import entsoe_fetch, parse_entsoe_a44
from csms.grid.errors import GridConnectionError, GridDataError
from csms.grid.feed import Backoff, FeedConsumer, FeedRole, FeedState, SourceFeed
from csms.grid.signals import GridSignalSource, PriceMarket
from tests.unit.grid.test_feed import FakeSink

RECORDED = Path(__file__).parent / "recorded"
DAY = datetime(2024, 1, 1, 23, tzinfo=UTC)


def test_an_a44_document_gives_hourly_prices_with_a03_repeats_filled() -> None:
    prices = parse_entsoe_a44((RECORDED / "entsoe_a44_dk1_2024-01-02.xml").read_bytes())
    assert len(prices) == 24
    assert prices[0].start_at == DAY and prices[-1].end_at == DAY + timedelta(hours=24)
    assert [p.price_per_mwh for p in prices[:6]] == [52.31, 49.80, 47.15, 45.02, 45.02, 46.90]
    assert prices[17].price_per_mwh == 120.33
    first = prices[0]
    assert (first.currency, first.area, first.market) == ("EUR", "10YDK-1--------W", PriceMarket.ENERGY_DAY_AHEAD)
    assert first.published_at == datetime(2024, 1, 1, 12, 47, 31, tzinfo=UTC)


def test_no_data_yet_is_no_prices_and_garbage_is_refused() -> None:
    assert parse_entsoe_a44((RECORDED / "entsoe_a44_no_data.xml").read_bytes()) == []
    with pytest.raises(GridDataError):
        parse_entsoe_a44(b"<html>maintenance</html")
    with pytest.raises(GridDataError):
        parse_entsoe_a44(b"<Other_MarketDocument/>")
    broken = (RECORDED / "entsoe_a44_dk1_2024-01-02.xml").read_bytes().replace(b"<position>7<", b"<position>99<")
    with pytest.raises(GridDataError, match="position 99"):
        parse_entsoe_a44(broken)


async def test_the_entsoe_fetch_asks_for_today_and_tomorrow_in_the_zone() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=(RECORDED / "entsoe_a44_dk1_2024-01-02.xml").read_bytes())

    clock = ManualClock(datetime(2024, 1, 1, 13, 5, tzinfo=UTC))
    fetch = entsoe_fetch("TOKEN", "10YDK-1--------W", clock, transport=httpx.MockTransport(answer))
    assert len(parse_entsoe_a44(await fetch())) == 24
    params = seen[0].url.params
    assert params["documentType"] == "A44" and params["in_Domain"] == params["out_Domain"] == "10YDK-1--------W"
    assert (params["periodStart"], params["periodEnd"]) == ("202401010000", "202401030000")
    assert params["securityToken"] == "TOKEN"


def test_the_generic_csv_format() -> None:
    data = (b"start_at,price_per_mwh\n2024-01-02T01:00:00Z,40.5\n2024-01-02T00:00:00+00:00,39\n"
            b"2024-01-02T02:00:00Z,41\n")
    prices = parse_price_csv(data, source="csv", area="DK1")
    assert [(p.start_at.hour, p.end_at.hour, p.price_per_mwh) for p in prices] == [(0, 1, 39.0), (1, 2, 40.5),
                                                                                      (2, 3, 41.0)]
    for bad in (b"when,price\n", b"start_at,price_per_mwh\n2024-01-02T00:00:00,1\n",
                b"start_at,price_per_mwh\n2024-01-02T00:00:00Z,abc\n",
                b"start_at,price_per_mwh\n2024-01-02T00:00:00Z,nan\n"):
        with pytest.raises(GridDataError):
            parse_price_csv(bad, source="csv")


async def test_a_poller_yields_new_and_changed_prices_and_its_feed_survives_a_failed_fetch() -> None:
    documents = [
        b"start_at,price_per_mwh\n2024-01-02T00:00:00Z,39\n2024-01-02T01:00:00Z,40\n",
        None,  # the server is down for one poll
        b"start_at,price_per_mwh\n2024-01-02T00:00:00Z,39\n2024-01-02T01:00:00Z,44\n2024-01-02T02:00:00Z,41\n",
    ]

    def answer(request: httpx.Request) -> httpx.Response:
        document = documents.pop(0) if documents else None
        return httpx.Response(503) if document is None else httpx.Response(200, content=document)

    clock = ManualClock(datetime(2024, 1, 1, 12, tzinfo=UTC))
    sink = FakeSink()
    consumer = FeedConsumer(sink, clock)
    fetch = http_fetch("http://prices.test/da.csv", transport=httpx.MockTransport(answer))
    poller = PricePoller(fetch, lambda data: parse_price_csv(data, source="csv"), clock, interval_s=3600)

    async def connect() -> GridSignalSource:
        return poller

    feed = SourceFeed("csv", "csv-prices", FeedRole.PRICES, clock, connect, backoff=Backoff(60, 600),
                      reconnect_on_end=True, max_age_s=7200)
    await feed.start(consumer.deliver)
    for _ in range(200):
        await asyncio.sleep(0)
        if feed.counters.received >= 4:
            break
    await feed.stop()
    status = feed.status(clock.now())
    assert status.received == 4  # 39, 40, then only the changed 44 and the new 41
    assert sink.prices[datetime(2024, 1, 2, 1, tzinfo=UTC)] == 44.0
    assert status.errors >= 1 and "HTTP 503" in (status.last_error or "")
    assert status.state is FeedState.STOPPED


async def test_http_fetch_maps_network_errors() -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(GridConnectionError):
        await http_fetch("http://prices.test/x", transport=httpx.MockTransport(fail))()
