"""Backoff for failed authentication, per key (a station id, or the API's `api:<address>`) and per source address.

Used by the OCPP handshake and the operator API's bearer-token check.

Only failures count: a reconnect storm of stations with valid credentials never trips it. After
`failures_before_backoff` failures for a station id (ten times as many for a source address, since many
stations may share one behind NAT), that key is refused (HTTP 429, Retry-After) for a delay that
doubles with each further failure up to `max_backoff_s`; a success for a station clears its count. Memory is
bounded: at most `max_keys` keys per kind (the least recently failed are forgotten first) and a key is forgotten
once it has been quiet for `forget_after_s`.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from csms.domain.clock import Clock


@dataclass(slots=True)
class _Failures:
    count: int
    last_at: datetime


class AuthThrottle:
    def __init__(self, clock: Clock, *, failures_before_backoff: int = 5, base_backoff_s: float = 1.0,
                 max_backoff_s: float = 60.0, max_keys: int = 50_000, forget_after_s: float = 900.0) -> None:
        self._clock = clock
        self._threshold = failures_before_backoff
        self._base_s = base_backoff_s
        self._max_s = max_backoff_s
        self._max_keys = max_keys
        self._forget_after_s = forget_after_s
        self._by_key: dict[str, OrderedDict[str, _Failures]] = {"station": OrderedDict(), "source": OrderedDict()}

    def _backoff_s(self, kind: str, failures: int) -> float:
        threshold = self._threshold * (10 if kind == "source" else 1)
        if failures < threshold:
            return 0.0
        return float(min(self._max_s, self._base_s * 2 ** min(failures - threshold, 30)))

    def retry_after_s(self, principal: str, source: str) -> float:
        """Seconds until this station / source may try again (0: now)."""
        now = self._clock.now()
        wait = 0.0
        for kind, key in (("station", principal), ("source", source)):
            table = self._by_key[kind]
            entry = table.get(key)
            if entry is None:
                continue
            elapsed = (now - entry.last_at).total_seconds()
            if elapsed > self._forget_after_s:
                del table[key]
                continue
            wait = max(wait, self._backoff_s(kind, entry.count) - elapsed)
        return max(0.0, wait)

    def failed(self, principal: str, source: str) -> None:
        now = self._clock.now()
        for kind, key in (("station", principal), ("source", source)):
            table = self._by_key[kind]
            entry = table.pop(key, None)
            table[key] = _Failures((entry.count if entry else 0) + 1, now)
            while len(table) > self._max_keys:
                table.popitem(last=False)

    def succeeded(self, principal: str) -> None:
        self._by_key["station"].pop(principal, None)

    def __len__(self) -> int:
        return sum(len(t) for t in self._by_key.values())
