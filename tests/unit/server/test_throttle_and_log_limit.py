"""Failed-auth backoff and per-station log rate limiting, on a ManualClock."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from csms.domain.clock import ManualClock
from csms.domain.ids import StationId
from csms.security.events import SecurityEvents
from csms.server.log_limit import PerStationLogLimit
from csms.services.auth_throttle import AuthThrottle

CS_1 = StationId("CS-1")

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_backoff_starts_after_the_threshold_doubles_and_is_bounded() -> None:
    clock = ManualClock(T0)
    throttle = AuthThrottle(clock, failures_before_backoff=3, base_backoff_s=1.0, max_backoff_s=8.0)
    for _ in range(2):
        throttle.failed(CS_1, "10.0.0.1")
    assert throttle.retry_after_s(CS_1, "10.0.0.1") == 0
    throttle.failed(CS_1, "10.0.0.1")
    assert throttle.retry_after_s(CS_1, "10.0.0.9") == 1.0  # per station, whatever the source
    throttle.failed(CS_1, "10.0.0.1")
    assert throttle.retry_after_s(CS_1, "") == 2.0
    for _ in range(20):
        throttle.failed(CS_1, "10.0.0.1")
    assert throttle.retry_after_s(CS_1, "") == 8.0
    clock.advance(8.0)
    assert throttle.retry_after_s(CS_1, "") == 0


def test_source_backoff_needs_ten_times_the_failures_and_success_clears_the_station() -> None:
    clock = ManualClock(T0)
    throttle = AuthThrottle(clock, failures_before_backoff=2)
    for i in range(19):
        throttle.failed(f"CS-{i}", "10.0.0.1")
    assert throttle.retry_after_s("CS-NEW", "10.0.0.1") == 0
    throttle.failed("CS-19", "10.0.0.1")
    assert throttle.retry_after_s("CS-NEW", "10.0.0.1") > 0
    throttle.failed("CS-A", "10.0.0.2")
    throttle.succeeded("CS-A")
    assert throttle.retry_after_s("CS-A", "") == 0


def test_throttle_memory_is_bounded_and_quiet_keys_are_forgotten() -> None:
    clock = ManualClock(T0)
    throttle = AuthThrottle(clock, max_keys=100, forget_after_s=60)
    for i in range(1000):
        throttle.failed(f"CS-{i}", f"10.0.{i // 256}.{i % 256}")
    assert len(throttle) == 200
    clock.advance(61)
    throttle.retry_after_s("CS-999", "10.0.3.231")
    assert len(throttle) == 198


def record(station: str, msg: str = "bad frame from %s: %s") -> logging.LogRecord:
    rec = logging.LogRecord("csms.ocpp.session", logging.WARNING, __file__, 1, msg, (station, "x"), None)
    rec.station_id = station
    return rec


def test_repeated_station_warnings_are_dropped_after_a_burst_and_counted() -> None:
    clock = ManualClock(T0)
    limit = PerStationLogLimit(clock, burst=3, window_s=60)
    passed = [limit.filter(record(CS_1)) for _ in range(100)]
    assert passed.count(True) == 3 and limit.dropped == 97
    assert limit.filter(record("CS-2"))  # another station has its own budget
    clock.advance(60)
    first = record(CS_1)
    assert limit.filter(first) and "97 similar dropped" in str(first.msg)
    error = record(CS_1)
    error.levelno = logging.ERROR
    assert all(limit.filter(error) for _ in range(10))


def test_security_events_are_all_kept_but_repeats_are_logged_once_per_quiet_period() -> None:
    clock = ManualClock(T0)
    events = SecurityEvents(clock, max_kept=50, quiet_s=60)
    for _ in range(80):
        events.record("InvalidCredentials", CS_1, "10.0.0.1", "bad_password")
    assert len(events.recent()) == 50 and events.suppressed == 79


def test_install_replaces_and_remove_takes_the_filter_off() -> None:
    from csms.server.log_limit import SESSION_LOGGER, install_session_log_limit, remove_session_log_limit

    logger = logging.getLogger(SESSION_LOGGER)
    first = install_session_log_limit(ManualClock(T0))
    second = install_session_log_limit(ManualClock(T0))
    assert first not in logger.filters and second in logger.filters
    remove_session_log_limit(second)
    assert not [f for f in logger.filters if isinstance(f, PerStationLogLimit)]
