"""The one place an OCPP exchange is recorded: a structured log line (and, later, metrics)."""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger("csms.ocpp.exchange")

ExchangeObserver = Callable[[str, str, str, float, str], None]
"""(station_id, action, direction, duration_ms, outcome) -> None"""

_observers: list[ExchangeObserver] = []


def add_exchange_observer(observer: ExchangeObserver) -> None:
    """Register a callback (e.g. metrics) called for every finished exchange."""
    _observers.append(observer)


def remove_exchange_observer(observer: ExchangeObserver) -> None:
    if observer in _observers:
        _observers.remove(observer)


def record_exchange(station_id: str, action: str, direction: str, duration_ms: float, outcome: str) -> None:
    """Record one finished OCPP exchange. `direction` is "in" (peer called us) or "out" (we called the peer)."""
    if log.isEnabledFor(logging.INFO):
        log.info(
            "%s %s %s %s %.1f ms", station_id, direction, action, outcome, duration_ms,
            extra={"station_id": station_id, "action": action, "direction": direction,
                   "duration_ms": round(duration_ms, 3), "outcome": outcome},
        )
    for observer in _observers:
        observer(station_id, action, direction, duration_ms, outcome)


def ignore_exchange(station_id: str, action: str, direction: str, duration_ms: float, outcome: str) -> None:
    """The recorder of a session that is not the CSMS's (a simulated station in the same process): its exchanges
    are not the CSMS's and stay out of its log and metrics."""
