"""The site's default charging policy when no fleet controller plans (OCPP 2.0.1 K15): charge now.

NotifyEVChargingNeeds is answered Accepted, which promises a schedule. With fleet control on, the fleet
controller plans one; with it off, `DefaultChargingPolicy` sends a TxProfile for the EV's transaction that charges
at the lower of the EVSE's and the EV's rated power (`fallback_power_w` when neither is known) until the EV's
departure (at most `horizon_s`), through `ChargingService.apply`, so the safety envelope, the site limits and the
station's rate limits apply as to any other schedule. It only charges: discharge is never a default. A transaction
that already holds a TxProfile from anyone else (an operator, a remote start with a profile) keeps it.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from csms.domain.ids import StationId
from csms.domain.schedule import ProfilePurpose, constant_schedule
from csms.services.charging import ApplyResult, ChargingService
from csms.services.events import DomainEvent, EvChargingNeeds, EventBus
from csms.store.base import StateStore

log = logging.getLogger("csms.services.default_policy")


class DefaultChargingPolicy:
    def __init__(self, charging: ChargingService, store: StateStore, events: EventBus, *,
                 fallback_power_w: float = 11_000.0, horizon_s: int = 24 * 3600) -> None:
        self._charging = charging
        self._store = store
        self._fallback_power_w = fallback_power_w
        self._horizon_s = horizon_s
        self._tasks: set[asyncio.Task[ApplyResult | None]] = set()
        events.subscribe(self._on_event)

    def _on_event(self, event: DomainEvent) -> None:
        if not isinstance(event, EvChargingNeeds):
            return
        task = asyncio.get_running_loop().create_task(self.answer(
            event.station_id, event.evse_id, event.at, event.departure_at))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def answer(self, station_id: StationId, evse_id: int, at: datetime,
                     departure_at: datetime | None) -> ApplyResult | None:
        """Send the charge-now TxProfile for the EV on `evse_id` (None when it has no open transaction)."""
        try:
            txs = await self._store.list_transactions(station_id, open_only=True)
            tx = next((t for t in txs if t.evse_id == evse_id), None)
            if tx is None:
                log.info("%s/%s: charging needs without an open transaction: no default profile", station_id, evse_id)
                return None
            held = self._charging.installed.get((station_id, evse_id, ProfilePurpose.TX))
            if held is not None and held.transaction_id == tx.transaction_id:
                return None  # someone already commanded this transaction: theirs stands
            needs = await self._store.get_charging_needs(station_id, evse_id)
            caps = await self._charging.capabilities(station_id, evse_id)
            rated = [w for w in (caps.max_charge_power_w, needs.max_charge_power_w if needs else None) if w]
            power_w = min(rated) if rated else self._fallback_power_w
            duration_s = self._horizon_s
            if departure_at is not None and departure_at > at:
                duration_s = max(60, min(duration_s, int((departure_at - at).total_seconds())))
            schedule = constant_schedule(evse_id, at, power_w, duration_s, tx.transaction_id)
            result = await self._charging.apply(station_id, schedule, requester="default-policy")
            log.info("%s/%s: default charge-now profile %.0f W for %d s: %s", station_id, evse_id, power_w,
                     duration_s, result.status.value)
            return result
        except Exception:  # a task boundary: the station keeps charging by its own defaults
            log.exception("%s/%s: the default charging profile could not be sent", station_id, evse_id)
            return None

    async def idle(self) -> None:
        """Wait until every answer started so far has finished (for tests and shutdown)."""
        await asyncio.gather(*self._tasks, return_exceptions=True)
