"""Feeds built from `[[grid.feeds]]` settings: each kind gets its transport and role; a missing field is an
error at startup, not at the first signal."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from csms.domain.clock import ManualClock
from csms.grid.build import build_feed, droop_curve
from csms.grid.feed import Backoff, FeedRole, GridFeed
from csms.settings import GridFeedSettings, GridSettings

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def _build(**fields: object) -> GridFeed:
    return build_feed(GridFeedSettings(**fields), ManualClock(T0), telemetry=lambda: None,
                      load_w=lambda: 0.0, backoff=Backoff(), default_max_age_s=lambda role: 42.0)


@pytest.mark.parametrize(("fields", "role"), [
    ({"kind": "modbus-regulation", "port": 0}, FeedRole.REGULATION),
    ({"kind": "modbus-frequency", "host": "10.0.0.5", "address": 3}, FeedRole.REGULATION),
    ({"kind": "ws-stream", "url": "wss://agc.example/stream"}, FeedRole.REGULATION),
    ({"kind": "c37118-frequency", "host": "10.0.0.9", "port": 4712}, FeedRole.REGULATION),
    ({"kind": "openadr-ven", "url": "https://vtn.example/OpenADR2/Simple/2.0b"}, FeedRole.EVENTS),
    ({"kind": "csv-prices", "url": "https://prices.example/da.csv"}, FeedRole.PRICES),
    ({"kind": "entsoe", "token": "t", "area": "10YDK-1--------W", "interval_s": 900}, FeedRole.PRICES),
    ({"kind": "price-file", "path": "x.csv", "format": "entsoe"}, FeedRole.PRICES),
])
def test_every_kind_builds_a_feed_with_its_role(fields: dict[str, object], role: FeedRole) -> None:
    feed = _build(name="f", **fields)
    assert isinstance(feed, GridFeed)
    assert (feed.name, feed.kind, feed.role) == ("f", fields["kind"], role)
    status = feed.status(T0)
    assert status.state == "starting" and status.stale  # nothing yet; max age from the role default


@pytest.mark.parametrize("fields", [{"kind": "ws-stream"}, {"kind": "entsoe", "area": "x"},
                                    {"kind": "openadr-ven"}, {"kind": "csv-prices"}])
def test_a_feed_missing_its_endpoint_is_refused(fields: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="needs"):
        _build(name="f", **fields)


def test_droop_curves_by_name() -> None:
    assert droop_curve("none") is None
    curve = droop_curve("fcr-n", 60.0)
    assert curve is not None and curve.fraction(59.9) == pytest.approx(1.0)
    assert GridSettings().droop == "none"
