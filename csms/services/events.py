"""In-process domain events: handlers publish what happened, services (fleet control, live feeds) subscribe.

Delivery is synchronous and non-blocking: a subscriber must not do I/O inline (it may schedule a task).
A failing subscriber is logged and never breaks the publisher.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

log = logging.getLogger("csms.events")


@dataclass(frozen=True, slots=True)
class DomainEvent:
    """Something that happened to a station: `kind` names it, `data` carries plain values."""

    kind: str
    station_id: str
    at: datetime
    data: dict[str, Any]


Subscriber = Callable[[DomainEvent], None]


class EventBus:
    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.append(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        if subscriber in self._subscribers:
            self._subscribers.remove(subscriber)

    def publish(self, event: DomainEvent) -> None:
        for subscriber in list(self._subscribers):
            try:
                subscriber(event)
            except Exception:
                log.exception("event subscriber failed on %s", event.kind)
