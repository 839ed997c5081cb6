"""`GatewayRouter`: one `StationGateway` over the OCPP gateway and the gateways of other station kinds.

Each extra gateway names the stations it owns (`owns(station_id)`, e.g. the V2H units of
`csms.services.v2h.bridge.EchonetStationBridge`); every other station goes to the OCPP gateway. Services keep
seeing one gateway, so a fleet of OCPP chargers and home V2H units goes through the same envelope and outbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from csms.domain.ids import StationId
from csms.services.gateway import StationGateway


class OwningGateway(StationGateway, Protocol):
    def owns(self, station_id: StationId) -> bool:
        """Whether this gateway serves `station_id` (connected or not)."""
        ...


class GatewayRouter:
    def __init__(self, ocpp: StationGateway, others: Sequence[OwningGateway]) -> None:
        self._ocpp = ocpp
        self._others = tuple(others)

    def _for(self, station_id: StationId) -> StationGateway:
        return next((g for g in self._others if g.owns(station_id)), self._ocpp)

    def is_connected(self, station_id: StationId) -> bool:
        return self._for(station_id).is_connected(station_id)

    def connected_station_ids(self) -> list[StationId]:
        ids = list(self._ocpp.connected_station_ids())
        for gateway in self._others:
            ids += gateway.connected_station_ids()
        return ids

    async def locate(self, station_ids: list[StationId]) -> dict[StationId, str | None]:
        by_gateway: dict[int, list[StationId]] = {}
        gateways: dict[int, StationGateway] = {}
        for sid in station_ids:
            gateway = self._for(sid)
            gateways[id(gateway)] = gateway
            by_gateway.setdefault(id(gateway), []).append(sid)
        found: dict[StationId, str | None] = {}
        for key, ids in by_gateway.items():
            found.update(await gateways[key].locate(ids))
        return {sid: found.get(sid) for sid in station_ids}

    async def call(self, station_id: StationId, action: str, payload: dict[str, Any],
                   timeout_s: float | None = None) -> dict[str, Any]:
        return await self._for(station_id).call(station_id, action, payload, timeout_s)
