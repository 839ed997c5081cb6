"""Live station connections on this node, and the `StationGateway` over them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Protocol

from csms.domain.ids import StationId
from csms.errors import StationNotConnected
from csms.ocpp.session import RpcSession


class OcppConnection(Protocol):
    """What the server uses of a station's connection: a websockets `ServerConnection`, or an in-process
    `csms.ocpp.memory.MemoryConnection`."""

    @property
    def subprotocol(self) -> Any: ...

    async def send(self, message: str) -> None: ...

    async def close(self, code: int = 1000, reason: str = "") -> None: ...

    def __aiter__(self) -> AsyncIterator[Any]: ...


@dataclass(eq=False, slots=True)
class StationConnection:
    station_id: StationId
    websocket: OcppConnection
    session: RpcSession


class ConnectionRegistry:
    """station id -> its one live connection. Implements `csms.services.gateway.StationGateway`."""

    def __init__(self, node_id: str = "") -> None:
        self.node_id = node_id
        self._connections: dict[StationId, StationConnection] = {}

    def register(self, connection: StationConnection) -> StationConnection | None:
        """Make `connection` the station's live connection; return the one it replaces, if any."""
        previous = self._connections.get(connection.station_id)
        self._connections[connection.station_id] = connection
        return previous

    def unregister(self, connection: StationConnection) -> bool:
        """Forget `connection` if it is still the live one (a replaced connection does not unregister its
        successor). Returns True if it was."""
        if self._connections.get(connection.station_id) is connection:
            del self._connections[connection.station_id]
            return True
        return False

    def get(self, station_id: StationId) -> StationConnection | None:
        return self._connections.get(station_id)

    def is_connected(self, station_id: StationId) -> bool:
        return station_id in self._connections

    def connected_station_ids(self) -> list[StationId]:
        return list(self._connections)

    async def locate(self, station_ids: list[StationId]) -> dict[StationId, str | None]:
        return {sid: (self.node_id if sid in self._connections else None) for sid in station_ids}

    def __len__(self) -> int:
        return len(self._connections)

    async def call(
        self, station_id: StationId, action: str, payload: dict[str, Any], timeout_s: float | None = None
    ) -> dict[str, Any]:
        connection = self._connections.get(station_id)
        if connection is None:
            raise StationNotConnected(f"station {station_id} is not connected to this node")
        return await connection.session.call(action, payload, timeout_s)
