"""Shared `StationGateway` fakes for service tests: record what would go on the wire, answer Accepted.

`RecordingGateway()`: every station is connected and answers {"status": "Accepted"}; `RecordingGateway(
connected={...})`: only those are, a call to another raises `StationNotConnected` (as `ConnectionRegistry`
does). Calls land in `sent` as (station id, action, payload). `TimedGateway` also notes when each call left, on
the test's clock. Subclass and override `call` for other answers (timeouts, CALLERRORs, held replies).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from csms.domain.clock import ManualClock
from csms.domain.ids import StationId
from csms.errors import StationNotConnected


class RecordingGateway:
    def __init__(self, connected: set[StationId] | None = None) -> None:
        self.connected = connected  # None: every station
        self.sent: list[tuple[StationId, str, dict[str, Any]]] = []

    def is_connected(self, station_id: StationId) -> bool:
        return self.connected is None or station_id in self.connected

    def connected_station_ids(self) -> list[StationId]:
        return sorted(self.connected or ())

    async def locate(self, station_ids: list[StationId]) -> dict[StationId, str | None]:
        return {s: ("test-node" if self.is_connected(s) else None) for s in station_ids}

    async def call(self, station_id: StationId, action: str, payload: dict[str, Any],
                   timeout_s: float | None = None) -> dict[str, Any]:
        if not self.is_connected(station_id):
            raise StationNotConnected(f"station {station_id} is not connected to this node")
        self.sent.append((station_id, action, payload))
        return {"status": "Accepted"}


class TimedGateway(RecordingGateway):
    """Records when each call reaches the wire."""

    def __init__(self, clock: ManualClock) -> None:
        super().__init__()
        self.clock = clock
        self.sent_at: list[datetime] = []

    async def call(self, station_id: StationId, action: str, payload: dict[str, Any],
                   timeout_s: float | None = None) -> dict[str, Any]:
        self.sent_at.append(self.clock.now())
        return await super().call(station_id, action, payload, timeout_s)
