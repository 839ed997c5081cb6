"""The envelope's facts (EV needs, last SoC) come from the store at most once per TTL per EVSE, and this node's
events keep them fresh in between: a fan-out costs no store round trip per setpoint, yet a driver who withdraws
discharge is obeyed by the very next setpoint."""

from __future__ import annotations

from datetime import UTC, datetime

from csms.domain.clock import ManualClock
from csms.domain.ids import StationId, TransactionId
from csms.domain.records import ChargingNeedsRecord, TransactionRecord
from csms.domain.schedule import constant_schedule
from csms.services.charging import ApplyStatus, ChargingService
from csms.services.events import DomainEvent, EventBus
from csms.store.memory import MemoryStore
from tests.unit.services.test_charging_dynamic import V2X
from tests.unit.services.test_envelope import RecordingGateway

T0 = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)


class CountingStore(MemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.needs_reads = 0

    async def get_charging_needs(self, station_id: StationId, evse_id: int) -> ChargingNeedsRecord | None:
        self.needs_reads += 1
        return await super().get_charging_needs(station_id, evse_id)


async def test_needs_are_read_once_per_ttl_and_a_needs_event_takes_effect_on_the_next_setpoint() -> None:
    store, events, clock = CountingStore(), EventBus(), ManualClock(T0)
    service = ChargingService(RecordingGateway(), store, clock, events, min_update_interval_s=0, facts_ttl_s=60)
    service.override_capabilities("S1", 1, V2X)
    await store.put_charging_needs(ChargingNeedsRecord(StationId("S1"), 1, T0, discharge_allowed=True, min_soc=0.2))
    await store.put_transaction(TransactionRecord(StationId("S1"), TransactionId("tx"), evse_id=1, started_at=T0,
                                                  last_soc=0.8))
    for _ in range(5):
        result = await service.apply("S1", constant_schedule(1, clock.now(), -5000, 120, "tx"))
        assert result.status is ApplyStatus.ACCEPTED and result.schedule is not None
        assert result.schedule.periods[0].power_w == -5000
    assert store.needs_reads == 1

    await store.put_charging_needs(ChargingNeedsRecord(StationId("S1"), 1, T0, discharge_allowed=False))
    events.publish(DomainEvent("ev.needs", "S1", T0, {"evse_id": 1, "discharge_allowed": False}))
    result = await service.apply("S1", constant_schedule(1, clock.now(), -5000, 120, "tx"))

    assert store.needs_reads == 2
    assert result.schedule is not None and result.schedule.periods[0].power_w >= 0  # no discharge any more


async def test_metered_soc_events_refresh_the_cached_soc_so_the_reserve_floor_holds() -> None:
    store, events, clock = MemoryStore(), EventBus(), ManualClock(T0)
    service = ChargingService(RecordingGateway(), store, clock, events, min_update_interval_s=0, facts_ttl_s=60)
    service.override_capabilities("S1", 1, V2X)
    await store.put_charging_needs(ChargingNeedsRecord(StationId("S1"), 1, T0, discharge_allowed=True, min_soc=0.3))
    await store.put_transaction(TransactionRecord(StationId("S1"), TransactionId("tx"), evse_id=1, started_at=T0,
                                                  last_soc=0.8))
    first = await service.apply("S1", constant_schedule(1, clock.now(), -5000, 120, "tx"))
    assert first.schedule is not None and first.schedule.periods[0].power_w == -5000

    events.publish(DomainEvent("transaction.updated", "S1", T0, {"evse_id": 1, "transaction_id": "tx", "soc": 0.3}))
    at_reserve = await service.apply("S1", constant_schedule(1, clock.now(), -5000, 120, "tx"))

    assert at_reserve.schedule is not None and at_reserve.schedule.periods[0].power_w >= 0
