"""The OpenADR VEN as a configured grid feed, against openleadr's own VTN on 127.0.0.1: the VTN is down at
first (the feed backs off and retries), then comes up; its event reaches the controller as a DR commitment
and the VEN reports the fleet's load back."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from csms.domain.clock import SystemClock
from csms.grid.build import build_feed
from csms.grid.feed import Backoff, FeedConsumer, FeedRole, FeedState
from csms.settings import GridFeedSettings
from tests.helpers.eventually import eventually
from tests.integration.test_openadr import VEN_ID, Vtn
from tests.unit.grid.test_feed import FakeSink

pytestmark = pytest.mark.filterwarnings("ignore:It is recommended to use web.AppKey")


async def test_the_ven_feed_retries_until_the_vtn_is_up_then_commits_the_fleet_and_reports_load() -> None:
    clock = SystemClock()
    sink = FakeSink()
    consumer = FeedConsumer(sink, clock)
    vtn = Vtn()  # not listening yet
    config = GridFeedSettings(name="vtn", kind="openadr-ven", url=vtn.url, ven_name="csms-fleet")
    feed = build_feed(config, clock, telemetry=lambda: None, load_w=lambda: 37_000.0,
                      backoff=Backoff(0.2, 1.0), default_max_age_s=lambda role: None)
    assert feed.role is FeedRole.EVENTS
    await feed.start(consumer.deliver)
    try:
        await eventually(lambda: feed.status(clock.now()).errors >= 1, "a failed registration")
        assert feed.status(clock.now()).state is FeedState.RECONNECTING
        await vtn.server.run()
        await eventually(lambda: feed.status(clock.now()).state is FeedState.CONNECTED, "registered")
        start = (clock.now() + timedelta(minutes=2)).replace(microsecond=0)
        vtn.add_load_dispatch("ev-feed-1", start, 30, -20_000.0)
        await eventually(lambda: sink.dr, "the DR event at the controller")
        assert [event for event, _ in sink.dr] == ["ev-feed-1"]
        assert [power_w for _, power_w in sink.dr] == pytest.approx([20_000.0])
        async with asyncio.timeout(30):
            assert await vtn.opt_responses.get() == (VEN_ID, "ev-feed-1", "optIn")
            report = await vtn.reports.get()
        assert [value for _, value in report] == [37_000.0]
        assert feed.status(clock.now()).last_value == "ev-feed-1 (opt_in)"
    finally:
        await feed.stop()
        await vtn.server.stop()
