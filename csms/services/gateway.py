"""The `StationGateway` protocol: how services reach a connected station, wherever its socket lives."""

from __future__ import annotations

from typing import Any, Protocol

from csms.domain.ids import StationId


class StationGateway(Protocol):
    def is_connected(self, station_id: StationId) -> bool:
        """Connected to this node."""
        ...

    def connected_station_ids(self) -> list[StationId]:
        """Stations connected to this node."""
        ...

    async def locate(self, station_ids: list[StationId]) -> dict[StationId, str | None]:
        """station -> id of the node holding its connection, anywhere in the cluster (None: not connected)."""
        ...

    async def call(
        self, station_id: StationId, action: str, payload: dict[str, Any], timeout_s: float | None = None
    ) -> dict[str, Any]:
        """Send a CSMS-initiated CALL; raises StationNotConnected, CallError, CallTimeout, SessionClosed,
        or an RpcError subclass when `payload` does not match the action's schema."""
        ...
