"""Rate limit for repeated per-station warnings, so a hostile station cannot grow the log without bound.

A `logging.Filter` on the OCPP session logger: per (station, message template) at most `burst` records per
`window_s`; the rest are dropped and counted, and the first record of the next window says how many were
dropped. Errors (ERROR and above) always pass. Keys are bounded (`max_keys`, least recently used forgotten).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from datetime import datetime

from csms.domain.clock import Clock

SESSION_LOGGER = "csms.ocpp.session"


class PerStationLogLimit(logging.Filter):
    def __init__(self, clock: Clock, *, burst: int = 5, window_s: float = 60.0, max_keys: int = 20_000) -> None:
        super().__init__()
        self._clock = clock
        self._burst = burst
        self._window_s = window_s
        self._max_keys = max_keys
        self._windows: OrderedDict[tuple[str, str], tuple[datetime, int]] = OrderedDict()
        self.dropped = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR:
            return True
        station = getattr(record, "station_id", None)
        if station is None and isinstance(record.args, tuple) and record.args:
            station = str(record.args[0])[:64]
        key = (str(station), str(record.msg))
        now = self._clock.now()
        started, count = self._windows.pop(key, (now, 0))
        if (now - started).total_seconds() >= self._window_s:
            if count > self._burst:
                record.msg = f"{record.msg} [{count - self._burst} similar dropped]"
            started, count = now, 0
        self._windows[key] = (started, count + 1)
        while len(self._windows) > self._max_keys:
            self._windows.popitem(last=False)
        if count >= self._burst:
            self.dropped += 1
            return False
        return True

    def __len__(self) -> int:
        return len(self._windows)


def install_session_log_limit(clock: Clock, logger_name: str = SESSION_LOGGER) -> PerStationLogLimit:
    """Put one `PerStationLogLimit` on `logger_name` (replacing an earlier one)."""
    logger = logging.getLogger(logger_name)
    for existing in [f for f in logger.filters if isinstance(f, PerStationLogLimit)]:
        logger.removeFilter(existing)
    limit = PerStationLogLimit(clock)
    logger.addFilter(limit)
    return limit


def remove_session_log_limit(limit: PerStationLogLimit, logger_name: str = SESSION_LOGGER) -> None:
    logging.getLogger(logger_name).removeFilter(limit)
