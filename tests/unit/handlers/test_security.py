"""SecurityEventNotification: an empty answer, a warning log line and a published station.security_event."""

from __future__ import annotations

import logging

import pytest

from tests.unit.handlers.harness import STATION, T0, Station, at


async def test_security_event_is_answered_logged_and_published(caplog: pytest.LogCaptureFixture) -> None:
    station = Station()
    payload = {"type": "InvalidFirmwareSignature", "timestamp": at(-2), "techInfo": "sig check failed on 1.2.3"}
    with caplog.at_level(logging.WARNING, logger="csms.security"):
        assert await station.call("SecurityEventNotification", payload) == {}

    [event] = station.events
    assert event.kind == "station.security_event" and event.station_id == STATION and event.at == T0
    assert event.data == {"type": "InvalidFirmwareSignature", "tech_info": "sig check failed on 1.2.3"}
    [record] = [r for r in caplog.records if r.name == "csms.security"]
    assert record.levelno == logging.WARNING and "InvalidFirmwareSignature" in record.getMessage()
    assert getattr(record, "station_id", None) == STATION


async def test_security_event_without_tech_info_publishes_an_empty_one() -> None:
    station = Station()
    assert await station.call("SecurityEventNotification", {"type": "TamperDetectionActivated",
                                                            "timestamp": at(0)}) == {}
    assert station.events[0].data == {"type": "TamperDetectionActivated", "tech_info": ""}
