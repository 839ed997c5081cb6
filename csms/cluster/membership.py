"""Keeps this node's station claims in the directory: claim on connect, release on disconnect, renew the
leases, and drop the local socket of a station another node has taken over (the fenced-out side)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from redis.exceptions import RedisError

from csms.cluster.directory import StationDirectory
from csms.domain.ids import StationId
from csms.server.connections import ConnectionRegistry

log = logging.getLogger("csms.cluster.membership")

CLOSE_TAKEN_OVER = 1001


class DirectoryMembership:
    """A `ConnectionListener` for the OCPP server plus the lease-renewal loop."""

    def __init__(self, directory: StationDirectory, registry: ConnectionRegistry) -> None:
        self._directory = directory
        self._registry = registry
        self.claims: dict[StationId, int] = {}
        self._task: asyncio.Task[None] | None = None

    async def on_connected(self, station_id: StationId) -> None:
        self.claims[station_id] = await self._directory.claim(station_id)

    async def on_disconnected(self, station_id: StationId) -> None:
        epoch = self.claims.pop(station_id, None)
        if epoch is not None:
            await self._directory.release(station_id, epoch)

    def start(self) -> None:
        self._task = asyncio.create_task(self._renew_forever(), name="directory-renewal")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def renew_once(self) -> set[StationId]:
        """Renew every claim; close and forget the stations we no longer own. Returns those stations."""
        lost = await self._directory.renew(dict(self.claims))
        for station_id in lost:
            self.claims.pop(station_id, None)
            connection = self._registry.get(station_id)
            if connection is not None:
                log.warning("%s was taken over by another node; closing our stale connection", station_id)
                connection.session.close("taken over by another node")
                await connection.websocket.close(CLOSE_TAKEN_OVER, "taken over by another node")
        return lost

    async def _renew_forever(self) -> None:
        period_s = self._directory.lease_ms / 3000.0
        while True:
            await asyncio.sleep(period_s)
            try:
                await self.renew_once()
            except (RedisError, OSError) as exc:
                log.warning("lease renewal failed: %s", exc)
