"""Security events: refused handshakes, revoked or mismatched certificates, throttled guessing.

Each event is one WARNING log line on `csms.security` (structured fields `security_event`, `station_id`,
`source`), a published `csms.security_event` domain event, and an entry in a bounded in-memory ring that tests
and the operator API can read. Repeats of the same (kind, station, source) within `quiet_s` are counted but not
logged again, so a hostile peer cannot grow the log without bound.
"""

from __future__ import annotations

import logging
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from csms.domain.clock import Clock
from csms.domain.ids import StationId
from csms.services.events import CsmsSecurityEvent, EventBus

log = logging.getLogger("csms.security")

NO_STATION: Final = StationId("")  # the station is not known (e.g. a TLS handshake refused before the OCPP path)


@dataclass(frozen=True, slots=True)
class SecurityEvent:
    kind: str  # e.g. "InvalidClientCertificate", "InvalidCredentials", "SecurityProfileDowngrade"
    station_id: StationId
    source: str  # the peer's address, "" if unknown
    detail: str
    at: datetime


class SecurityEvents:
    """Records security events (bounded memory: `max_kept` events, `max_keys` rate-limit keys)."""

    def __init__(self, clock: Clock, bus: EventBus | None = None, *, max_kept: int = 1000,
                 max_keys: int = 10_000, quiet_s: float = 60.0) -> None:
        self._clock = clock
        self._bus = bus
        self._recent: deque[SecurityEvent] = deque(maxlen=max_kept)
        self._last_logged: OrderedDict[tuple[str, str, str], datetime] = OrderedDict()
        self._max_keys = max_keys
        self._quiet_s = quiet_s
        self.suppressed = 0

    def record(self, kind: str, station_id: StationId = NO_STATION, source: str = "",
               detail: str = "") -> SecurityEvent:
        now = self._clock.now()
        event = SecurityEvent(kind, station_id, source, detail[:500], now)
        self._recent.append(event)
        key = (kind, station_id, source)
        last = self._last_logged.get(key)
        if last is not None and (now - last).total_seconds() < self._quiet_s:
            self.suppressed += 1
        else:
            self._last_logged[key] = now
            self._last_logged.move_to_end(key)
            while len(self._last_logged) > self._max_keys:
                self._last_logged.popitem(last=False)
            log.warning("security event %s station=%s source=%s: %s", kind, station_id or "-", source or "-",
                        event.detail, extra={"security_event": kind, "station_id": station_id, "source": source})
        if self._bus is not None:
            self._bus.publish(CsmsSecurityEvent(station_id=StationId(station_id), at=now, type=kind, source=source,
                                                detail=event.detail))
        return event

    def recent(self, kind: str | None = None) -> list[SecurityEvent]:
        return [e for e in self._recent if kind is None or e.kind == kind]
