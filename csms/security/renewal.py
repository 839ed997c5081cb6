"""A02 from the CSMS side: ask stations to renew their certificate before it expires.

Every `interval_s` (clock time), for each station whose newest certificate expires within the signer's
`renew_before_days` and which is connected to this node, send TriggerMessage(SignChargingStationCertificate);
the station answers with a SignCertificate that the usual handler checks and signs. A certificate is triggered
once (a station that ignores it is asked again after `retry_after_s`), so a silent station is not flooded.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Protocol

from csms.domain.clock import Clock
from csms.domain.ids import StationId
from csms.security.signing import CertificateSigner

log = logging.getLogger("csms.security")


class Gateway(Protocol):
    def is_connected(self, station_id: StationId) -> bool: ...

    async def call(
        self, station_id: StationId, action: str, payload: dict[str, Any], timeout_s: float | None = None
    ) -> dict[str, Any]: ...


class CertificateRenewal:
    def __init__(self, signer: CertificateSigner, gateway: Gateway, clock: Clock, *, interval_s: float = 3600.0,
                 retry_after_s: float = 86_400.0) -> None:
        self._signer = signer
        self._gateway = gateway
        self._clock = clock
        self._interval_s = interval_s
        self._retry_after_s = retry_after_s
        self._triggered: dict[int, datetime] = {}  # certificate serial -> when its renewal was last asked for

    async def check_once(self) -> list[StationId]:
        """Trigger renewal for the due, connected stations; return their ids."""
        now = self._clock.now()
        due = self._signer.due_for_renewal()
        due_serials = {record.serial for record in due}
        self._triggered = {s: at for s, at in self._triggered.items() if s in due_serials}  # bounded by `due`
        triggered: list[StationId] = []
        for record in due:
            last = self._triggered.get(record.serial)
            if last is not None and (now - last).total_seconds() < self._retry_after_s:
                continue
            if not self._gateway.is_connected(record.station_id):
                continue
            try:
                reply = await self._gateway.call(record.station_id, "TriggerMessage",
                                                 {"requestedMessage": "SignChargingStationCertificate"})
            except Exception as exc:  # one station's failure must not stop the others
                log.warning("%s: certificate renewal trigger failed: %s", record.station_id, type(exc).__name__)
                continue
            self._triggered[record.serial] = now
            triggered.append(record.station_id)
            log.info("%s: certificate %x expires %s; renewal triggered (%s)", record.station_id, record.serial,
                     record.not_after.isoformat(), reply.get("status"))
        return triggered

    async def run(self) -> None:
        while True:
            try:
                await self.check_once()
            except Exception:  # task boundary: log and carry on
                log.exception("certificate renewal pass failed")
            await self._clock.sleep(self._interval_s)
