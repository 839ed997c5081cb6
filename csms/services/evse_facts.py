"""What the safety envelope must know about each EVSE, read from the store and kept fresh on the injected clock.

- Capabilities: an operator override, else learned from the station's device model and cached until the station
  boots, reconnects or reports a new device model on this node; equal learned capabilities are one shared object.
- Facts: the EV's charging needs and its last SoC with the time it was measured, re-read from the store at most
  every `ttl_s` of clock time per EVSE (a fan-out to thousands of stations must not cost store round trips per
  setpoint) and refreshed in between by this node's own events (new needs, a transaction starting or ending,
  metered SoC).
`prefetch` fills both caches for many EVSEs with bulk store reads (a fleet tick, a fan-out).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from csms.domain.capabilities import StationCapabilities
from csms.domain.clock import Clock
from csms.domain.ids import StationId
from csms.domain.records import ChargingNeedsRecord
from csms.services.capabilities import capabilities_from_variables
from csms.services.events import (
    DomainEvent,
    EvChargingNeeds,
    EventBus,
    MeterValuesReceived,
    ReportCompleted,
    StationBooted,
    StationConnected,
    TransactionChanged,
    TransactionUpdated,
)
from csms.store.base import StateStore

EvseKey = tuple[StationId, int]  # (station id, EVSE id)
SocReading = tuple[float | None, datetime | None]  # (SoC, when it was measured)
Facts = tuple[ChargingNeedsRecord | None, float | None, datetime | None]  # (needs, SoC, when it was measured)
_MAX_SHARED = 10_000  # distinct capabilities kept as shared objects
# what `_on_event` looks for (built once: a union written in `isinstance` is built on every call)
_CAPABILITY_EVENTS = (StationBooted, ReportCompleted, StationConnected)
_FACT_EVENTS = (EvChargingNeeds, TransactionChanged, MeterValuesReceived)
_SOC_EVENTS = (TransactionUpdated, MeterValuesReceived)


@dataclass(slots=True)
class _Facts:
    needs: ChargingNeedsRecord | None
    socs: dict[str, SocReading]  # by open transaction id
    read_at_s: float  # clock time (POSIX seconds) of the store read


class EvseReadModel:
    """Capabilities and envelope facts per EVSE (see the module docstring)."""

    def __init__(self, store: StateStore, clock: Clock, events: EventBus, *, ttl_s: float = 5.0) -> None:
        self._store = store
        self._clock = clock
        self._ttl_s = ttl_s
        self._overrides: dict[EvseKey, StationCapabilities] = {}
        self._learned: dict[EvseKey, StationCapabilities] = {}  # dropped on a boot or a new device model
        self._facts: dict[EvseKey, _Facts] = {}
        self._shared: dict[StationCapabilities, StationCapabilities] = {}  # one object per distinct value
        events.subscribe(self._on_event)

    # ---- capabilities ---------------------------------------------------------------------------------

    def override_capabilities(self, station_id: StationId, evse_id: int, caps: StationCapabilities | None) -> None:
        """Operator-set capabilities (None: back to what the device model says)."""
        if caps is None:
            self._overrides.pop((station_id, evse_id), None)
        else:
            self._overrides[(station_id, evse_id)] = caps

    def cached(self, station_id: StationId, evse_id: int, transaction_id: str | None
               ) -> tuple[StationCapabilities, Facts] | None:
        """`capabilities` and `facts` if both are in the cache and fresh, else None (no store read): the fast path
        of a fan-out after `prefetch`."""
        key = (station_id, evse_id)
        caps = self._overrides.get(key) or self._learned.get(key)
        facts = self._facts.get(key)
        if caps is None or facts is None or self._stale(facts, self._clock.now().timestamp()):
            return None
        return caps, self._pick(facts, transaction_id)

    async def capabilities(self, station_id: StationId, evse_id: int) -> StationCapabilities:
        key = (station_id, evse_id)
        cached = self._overrides.get(key) or self._learned.get(key)
        if cached is not None:
            return cached
        station = await self._store.get_station(StationId(station_id))
        version = station.ocpp_version if station and station.ocpp_version else "ocpp2.0.1"
        variables = await self._store.list_variables(StationId(station_id))
        caps = capabilities_from_variables(version, variables, evse_id)
        self._learned[(station_id, evse_id)] = caps = self._interned(caps)
        return caps

    def _interned(self, caps: StationCapabilities) -> StationCapabilities:
        """The one object kept for capabilities equal to `caps`: EVSEs of one model share it, so a fan-out's
        last-value memos (`SetpointClamp`, `SetpointEncoder`) match by identity."""
        if len(self._shared) >= _MAX_SHARED:  # grows only as device models change: start afresh now and then
            self._shared.clear()
        return self._shared.setdefault(caps, caps)

    # ---- facts ----------------------------------------------------------------------------------------

    async def facts(self, station_id: StationId, evse_id: int, transaction_id: str | None) -> Facts:
        """(needs, SoC, when the SoC was measured) of the EV on this EVSE, for `transaction_id` (None: any)."""
        key = (station_id, evse_id)
        facts = self._facts.get(key)
        now_s = self._clock.now().timestamp()
        if facts is None or self._stale(facts, now_s):
            needs = await self._store.get_charging_needs(StationId(station_id), evse_id)
            txs = await self._store.list_transactions(StationId(station_id), open_only=True)
            facts = _Facts(needs, {tx.transaction_id: (tx.last_soc, tx.last_soc_at)
                                   for tx in txs if tx.evse_id == evse_id}, now_s)
            self._facts[key] = facts
        return self._pick(facts, transaction_id)

    @staticmethod
    def _pick(facts: _Facts, transaction_id: str | None) -> Facts:
        for open_id, (soc, soc_at) in facts.socs.items():
            if transaction_id in (None, open_id):
                return facts.needs, soc, soc_at
        return facts.needs, None, None

    def _stale(self, facts: _Facts, now_s: float) -> bool:
        return now_s - facts.read_at_s >= self._ttl_s

    async def prefetch(self, keys: Sequence[EvseKey], *, chunk: int = 1000) -> None:
        """Fill the capability and fact caches for `keys` with bulk store reads (chunks of `chunk`)."""
        now_s = self._clock.now().timestamp()
        unique = list(dict.fromkeys(keys))
        need_model = [k for k in unique if k not in self._overrides and k not in self._learned]
        modelled = set(need_model)
        stale = [k for k in unique if k not in modelled and
                 ((facts := self._facts.get(k)) is None or self._stale(facts, now_s))]
        for batch, device_model in ((need_model, True), (stale, False)):
            for start in range(0, len(batch), chunk):
                part = [(StationId(station_id), evse_id) for station_id, evse_id in batch[start:start + chunk]]
                for found in await self._store.get_evse_facts(part, device_model=device_model):
                    key = (StationId(found.station_id), found.evse_id)
                    if found.variables is not None and key not in self._learned:
                        version = found.station.ocpp_version if found.station and found.station.ocpp_version \
                            else "ocpp2.0.1"
                        self._learned[key] = self._interned(
                            capabilities_from_variables(version, found.variables, found.evse_id))
                    self._facts[key] = _Facts(found.needs, {tx.transaction_id: (tx.last_soc, tx.last_soc_at)
                                                            for tx in found.open_transactions}, now_s)

    # ---- freshness from this node's events ------------------------------------------------------------

    def _on_event(self, event: DomainEvent) -> None:
        """A (re)boot or a new device model report can change what a station can do; needs, transactions and
        metered SoC keep the facts fresh."""
        if isinstance(event, _CAPABILITY_EVENTS):
            for key in [k for k in self._learned if k[0] == event.station_id]:
                del self._learned[key]
        if not isinstance(event, _FACT_EVENTS) or event.evse_id is None:
            return
        key = (event.station_id, event.evse_id)
        if not isinstance(event, _SOC_EVENTS):  # needs, a transaction started or ended
            self._facts.pop(key, None)
        elif event.soc is not None:
            facts = self._facts.get(key)
            transaction_id = event.transaction_id
            reading = (event.soc, event.soc_at or event.at)
            if facts is not None and transaction_id in facts.socs:
                facts.socs[transaction_id] = reading
            elif facts is not None and transaction_id is None and len(facts.socs) == 1:
                facts.socs[next(iter(facts.socs))] = reading
