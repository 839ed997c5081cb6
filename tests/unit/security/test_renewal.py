"""Renewal is triggered for connected stations whose certificate is about to expire, once per retry period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from csms.domain.clock import ManualClock
from csms.domain.ids import StationId
from csms.security.book import CertificateBook
from csms.security.renewal import CertificateRenewal
from csms.security.signing import CertificateSigner
from tests.helpers.gateways import RecordingGateway

CS_SOON = StationId("CS-SOON")
CS_LATER = StationId("CS-LATER")
CS_OFFLINE = StationId("CS-OFFLINE")

T0 = datetime(2026, 1, 1, tzinfo=UTC)


async def test_due_connected_stations_are_triggered_once_per_retry_period() -> None:
    clock = ManualClock(T0)
    book = CertificateBook()
    book.add(1, CS_SOON, T0 + timedelta(days=10))
    book.add(2, CS_LATER, T0 + timedelta(days=300))
    book.add(3, CS_OFFLINE, T0 + timedelta(days=5))
    gateway = RecordingGateway(connected={CS_SOON, CS_LATER})
    renewal = CertificateRenewal(CertificateSigner(None, book, clock, renew_before_days=30), gateway, clock,
                                 retry_after_s=3600)
    assert await renewal.check_once() == [CS_SOON]
    assert gateway.sent == [(CS_SOON, "TriggerMessage", {"requestedMessage": "SignChargingStationCertificate"})]
    assert await renewal.check_once() == []  # asked already
    clock.advance(3600)
    assert await renewal.check_once() == [CS_SOON]  # ignored: ask again
    book.add(4, CS_SOON, T0 + timedelta(days=400))  # renewed
    clock.advance(3600)
    assert await renewal.check_once() == []
