"""A fan-out through `SetpointOutbox.submit` leaves in one burst: every caller encodes and queues its setpoint
before the first goes on the wire (a send between two encodings costs the receiver a wake-up on each)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from csms.domain.capabilities import StationCapabilities
from csms.domain.clock import ManualClock
from csms.domain.ids import StationId
from csms.domain.schedule import PowerSchedule, ProfilePurpose, SchedulePeriod
from csms.services.envelope import Clamped
from csms.services.envelope_site import NOTHING
from csms.services.events import EventBus
from csms.services.setpoint_outbox import ApplyResult, ApplyStatus, SetpointOutbox
from tests.helpers.gateways import RecordingGateway

T0 = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)
CAPS = StationCapabilities(ocpp_version="ocpp2.0.1", rate_units=frozenset({"W"}), max_charge_power_w=11000)


class QueuedAtSend(RecordingGateway):
    """Notes, at each call, how many times `on_change` had been told by then (a queued setpoint, a finished send)."""

    def __init__(self) -> None:
        super().__init__()
        self.changes = 0
        self.changes_at_send: list[int] = []

    def on_change(self, station_id: StationId, evse_id: int) -> None:
        self.changes += 1

    async def call(self, station_id: StationId, action: str, payload: dict[str, Any],
                   timeout_s: float | None = None) -> dict[str, Any]:
        self.changes_at_send.append(self.changes)
        return await super().call(station_id, action, payload, timeout_s)


async def test_concurrent_submits_are_all_queued_before_the_first_send() -> None:
    gateway = QueuedAtSend()
    outbox = SetpointOutbox(gateway, ManualClock(T0), EventBus(), on_change=gateway.on_change,
                            max_station_calls_per_s=None)

    async def submit(i: int) -> ApplyResult:  # as `ChargingService.apply`: queued in the caller's own task
        schedule = PowerSchedule(1, T0, 60, (SchedulePeriod(0, 1000.0 + i),), ProfilePurpose.TX_DEFAULT)
        return await outbox.submit(StationId(f"S{i}"), Clamped(schedule, ()), CAPS, NOTHING)

    results = await asyncio.gather(*(submit(i) for i in range(3)))

    assert [r.status for r in results] == [ApplyStatus.ACCEPTED] * 3
    assert [station_id for station_id, _, _ in gateway.sent] == ["S0", "S1", "S2"]
    assert gateway.changes_at_send[0] == 3  # 1 if the first caller sent before the others queued
