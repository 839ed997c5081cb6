"""One leader per role across nodes (e.g. the fleet controller), by a Redis lease with a fencing token.

`LeaderLease.run()` keeps trying to acquire the lease (SET NX PX) and, once leader, renews it every
`ttl_ms / 3` with a compare-and-PEXPIRE on "<node>|<token>". If a renewal fails or Redis is unreachable for
longer than the lease, leadership is given up at once (`on_change(False)`), so two nodes never both believe
they lead for longer than one renewal period. Another node takes over within `ttl_ms` of the leader dying.
`token` increases with every new leadership: attach it to actions so stale leaders' actions can be refused.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from redis.asyncio import Redis
from redis.exceptions import RedisError

from csms.store.keys import KeySchema

log = logging.getLogger("csms.cluster.leader")

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_RESIGN = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class LeaderLease:
    def __init__(self, redis: Redis, keys: KeySchema, role: str, node_id: str, ttl_ms: int = 5_000,
                 on_change: Callable[[bool], None] | None = None) -> None:
        self._redis = redis
        self._key = keys.leader(role)
        self._token_key = keys.leader_token(role)
        self.role = role
        self.node_id = node_id
        self.ttl_ms = ttl_ms
        self.on_change = on_change
        self._renew = redis.register_script(_RENEW)
        self._resign = redis.register_script(_RESIGN)
        self.is_leader = False
        self.token = 0
        self._value = ""
        self._stopping = asyncio.Event()

    def _set_leader(self, leader: bool) -> None:
        if leader != self.is_leader:
            self.is_leader = leader
            log.info("%s: %s leadership of %s (token %d)", self.node_id, "took" if leader else "lost",
                     self.role, self.token)
            if self.on_change is not None:
                self.on_change(leader)

    async def _try_acquire(self) -> bool:
        token = int(await self._redis.incr(self._token_key))
        value = f"{self.node_id}|{token}"
        if await self._redis.set(self._key, value, nx=True, px=self.ttl_ms):
            self.token, self._value = token, value
            return True
        return False

    async def run(self) -> None:
        """Acquire and keep the lease until `stop()`."""
        period_s = self.ttl_ms / 3000.0
        last_ok = time.monotonic()
        while not self._stopping.is_set():
            try:
                if self.is_leader:
                    renewed = bool(await self._renew(keys=[self._key], args=[self._value, self.ttl_ms]))
                    if renewed:
                        last_ok = time.monotonic()
                    self._set_leader(renewed)
                elif await self._try_acquire():
                    last_ok = time.monotonic()
                    self._set_leader(True)
            except (RedisError, OSError) as exc:
                log.warning("%s: leader lease of %s: %s", self.node_id, self.role, exc)
                if self.is_leader and time.monotonic() - last_ok > self.ttl_ms / 1000.0:
                    self._set_leader(False)
            try:
                await asyncio.wait_for(self._stopping.wait(), period_s)
            except TimeoutError:
                pass

    async def stop(self) -> None:
        """Stop renewing and hand the lease back if we hold it."""
        self._stopping.set()
        if self.is_leader:
            try:
                await self._resign(keys=[self._key], args=[self._value])
            except (RedisError, OSError):
                pass
            self._set_leader(False)
