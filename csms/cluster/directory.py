"""Station -> node directory with leases and fencing.

A node `claim`s a station when the station connects to it: the station's epoch counter is incremented and
the owner key is set to "<node>|<epoch>" with a lease. The newest connection always wins (the station is
talking to that node now). Renewal and release are compare-and-set on the exact "<node>|<epoch>" value, so a
node that lost the station (the station reconnected elsewhere, or the lease expired while the node was stalled)
can never extend or delete the new owner's claim; its renewal reports the loss and it drops its stale socket.
If a node dies, its leases expire after `lease_ms` and the stations show as disconnected until they reconnect.
"""

from __future__ import annotations

from collections.abc import Iterable

from redis.asyncio import Redis

from csms.domain.ids import StationId
from csms.store.keys import KeySchema

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def _value(node_id: str, epoch: int) -> str:
    return f"{node_id}|{epoch}"


class StationDirectory:
    def __init__(self, redis: Redis, keys: KeySchema, node_id: str, lease_ms: int = 15_000) -> None:
        if "|" in node_id:
            raise ValueError("node ids may not contain '|'")
        self._redis = redis
        self._keys = keys
        self.node_id = node_id
        self.lease_ms = lease_ms
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)

    async def claim(self, station_id: StationId) -> int:
        """Make this node the station's owner; returns the fencing epoch of this claim."""
        epoch = int(await self._redis.incr(self._keys.station_epoch(station_id)))
        await self._redis.set(self._keys.station_owner(station_id), _value(self.node_id, epoch), px=self.lease_ms)
        return epoch

    async def renew(self, claims: dict[StationId, int]) -> set[StationId]:
        """Extend the leases of `claims` (station -> epoch); return the stations this node no longer owns."""
        if not claims:
            return set()
        async with self._redis.pipeline(transaction=False) as pipe:
            for station_id, epoch in claims.items():
                await self._renew(keys=[self._keys.station_owner(station_id)],
                                  args=[_value(self.node_id, epoch), self.lease_ms], client=pipe)
            results = await pipe.execute()
        return {sid for sid, ok in zip(claims, results, strict=True) if not ok}

    async def release(self, station_id: StationId, epoch: int) -> bool:
        """Drop our claim if it is still ours (a newer owner is left alone)."""
        key = self._keys.station_owner(station_id)
        return bool(await self._release(keys=[key], args=[_value(self.node_id, epoch)]))

    async def owners(self, station_ids: Iterable[StationId]) -> dict[StationId, str | None]:
        """station -> node id holding its socket (None: not connected anywhere)."""
        ids = list(station_ids)
        if not ids:
            return {}
        values = await self._redis.mget([self._keys.station_owner(s) for s in ids])
        result: dict[StationId, str | None] = {}
        for station_id, value in zip(ids, values, strict=True):
            result[station_id] = None if value is None else value.decode().rsplit("|", 1)[0]
        return result
