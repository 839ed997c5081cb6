"""The envelope's facts (EV needs, last SoC) come from the store at most once per TTL per EVSE, and this node's
events keep them fresh in between: a fan-out costs no store round trip per setpoint, yet a driver who withdraws
discharge is obeyed by the very next setpoint."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from csms.domain.capabilities import StationCapabilities
from csms.domain.clock import ManualClock
from csms.domain.ids import StationId, TransactionId
from csms.domain.records import ChargingNeedsRecord, StationRecord, TransactionRecord, VariableRecord
from csms.domain.schedule import constant_schedule
from csms.services.charging import ApplyStatus, ChargingService
from csms.services.events import EvChargingNeeds, EventBus, TransactionUpdated
from csms.store.base import EvseFacts
from csms.store.memory import MemoryStore
from tests.helpers.gateways import RecordingGateway
from tests.unit.services.test_charging_dynamic import V2X

S1 = StationId("S1")

T0 = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)


class CountingStore(MemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.needs_reads = 0
        self.bulk_reads = 0
        self.model_reads = 0

    async def get_charging_needs(self, station_id: StationId, evse_id: int) -> ChargingNeedsRecord | None:
        self.needs_reads += 1
        return await super().get_charging_needs(station_id, evse_id)

    async def list_variables(self, station_id: StationId) -> list[VariableRecord]:
        self.model_reads += 1
        return await super().list_variables(station_id)

    async def get_evse_facts(self, keys: Sequence[tuple[StationId, int]], *, device_model: bool) -> list[EvseFacts]:
        self.bulk_reads += 1
        facts = await super().get_evse_facts(keys, device_model=False)
        return [dataclasses.replace(f, variables=[]) if device_model else f for f in facts]


async def test_needs_are_read_once_per_ttl_and_a_needs_event_takes_effect_on_the_next_setpoint() -> None:
    store, events, clock = CountingStore(), EventBus(), ManualClock(T0)
    service = ChargingService(RecordingGateway(), store, clock, events, min_update_interval_s=0, facts_ttl_s=60)
    service.override_capabilities(S1, 1, V2X)
    await store.put_charging_needs(ChargingNeedsRecord(S1, 1, T0, discharge_allowed=True, min_soc=0.2))
    await store.put_transaction(TransactionRecord(S1, TransactionId("tx"), evse_id=1, started_at=T0,
                                                  last_soc=0.8))
    for _ in range(5):
        result = await service.apply(S1, constant_schedule(1, clock.now(), -5000, 120, "tx"))
        assert result.status is ApplyStatus.ACCEPTED and result.schedule is not None
        assert result.schedule.periods[0].power_w == -5000
    assert store.needs_reads == 1

    await store.put_charging_needs(ChargingNeedsRecord(S1, 1, T0, discharge_allowed=False))
    events.publish(EvChargingNeeds(station_id=S1, at=T0, evse_id=1, discharge_allowed=False))
    result = await service.apply(S1, constant_schedule(1, clock.now(), -5000, 120, "tx"))

    assert store.needs_reads == 2
    assert result.schedule is not None and result.schedule.periods[0].power_w >= 0  # no discharge any more


async def test_metered_soc_events_refresh_the_cached_soc_so_the_reserve_floor_holds() -> None:
    store, events, clock = MemoryStore(), EventBus(), ManualClock(T0)
    service = ChargingService(RecordingGateway(), store, clock, events, min_update_interval_s=0, facts_ttl_s=60)
    service.override_capabilities(S1, 1, V2X)
    await store.put_charging_needs(ChargingNeedsRecord(S1, 1, T0, discharge_allowed=True, min_soc=0.3))
    await store.put_transaction(TransactionRecord(S1, TransactionId("tx"), evse_id=1, started_at=T0,
                                                  last_soc=0.8))
    first = await service.apply(S1, constant_schedule(1, clock.now(), -5000, 120, "tx"))
    assert first.schedule is not None and first.schedule.periods[0].power_w == -5000

    events.publish(TransactionUpdated(station_id=S1, at=T0, evse_id=1, transaction_id="tx", soc=0.3,
                                      energy_import_wh=0.0, energy_export_wh=0.0))
    at_reserve = await service.apply(S1, constant_schedule(1, clock.now(), -5000, 120, "tx"))

    assert at_reserve.schedule is not None and at_reserve.schedule.periods[0].power_w >= 0


async def test_apply_many_reads_the_store_in_bulk_once_and_one_refused_item_does_not_affect_the_others() -> None:
    store, events, clock = CountingStore(), EventBus(), ManualClock(T0)
    gateway = RecordingGateway()
    service = ChargingService(gateway, store, clock, events, min_update_interval_s=0)
    for i in range(50):
        station_id = StationId(f"S{i}")
        await store.put_station(StationRecord(station_id, ocpp_version="ocpp2.0.1"))
        await store.put_transaction(TransactionRecord(station_id, TransactionId(f"tx{i}"), evse_id=1, started_at=T0,
                                                      last_soc=0.5))
    items = [(StationId(f"S{i}"), constant_schedule(1, T0, 3000.0 if i else -3000.0, 120, f"tx{i}")) for i in range(50)]

    results = await service.apply_many(items, requester="test")

    assert store.bulk_reads == 1 and store.needs_reads == 0 and store.model_reads == 0
    assert results[0].status is ApplyStatus.REFUSED  # no discharge capability learned: refused, not sent
    assert all(r.status is ApplyStatus.ACCEPTED for r in results[1:])
    assert len(gateway.sent) == 49


async def ev_at_025_soc_read_at_t0(facts_ttl_s: float
                                   ) -> tuple[MemoryStore, EventBus, ManualClock, ChargingService]:
    """S1/1: a 40 kWh EV at SoC 0.25 (read at T0) over a 0.2 reserve, discharge allowed, on a V2X station."""
    store, events, clock = MemoryStore(), EventBus(), ManualClock(T0)
    service = ChargingService(RecordingGateway(), store, clock, events, min_update_interval_s=0,
                              facts_ttl_s=facts_ttl_s)
    service.override_capabilities(S1, 1, V2X)
    await store.put_charging_needs(ChargingNeedsRecord(S1, 1, T0, discharge_allowed=True, min_soc=0.2,
                                                       ev_capacity_wh=40_000.0))
    await store.put_transaction(TransactionRecord(S1, TransactionId("tx"), evse_id=1, started_at=T0,
                                                  last_soc=0.25, last_soc_at=T0))
    return store, events, clock, service


async def test_a_soc_reading_ages_as_if_the_ev_had_discharged_at_full_power_since() -> None:
    """A station that stops reporting SoC cannot be walked below the reserve by commands sized from one stale
    reading: 0.25 SoC of a 40 kWh EV over a 0.2 reserve is 2 kWh; 11 kW for 5 min would take 0.92 kWh."""
    store, _, clock, service = await ev_at_025_soc_read_at_t0(facts_ttl_s=0)

    async def allowed_wh(duration_s: int) -> float:
        result = await service.apply(S1, constant_schedule(1, clock.now(), -11_000, duration_s, "tx"))
        assert result.status is ApplyStatus.ACCEPTED and result.schedule is not None
        return -result.schedule.periods[0].power_w * result.schedule.duration_s / 3600.0

    assert await allowed_wh(900) == pytest.approx(2000.0)  # fresh reading: the whole 2 kWh
    clock.advance(300)
    assert await allowed_wh(900) == pytest.approx(2000.0 - 11_000 * 300 / 3600)
    clock.advance(360)  # 11 min: 2.02 kWh could have gone
    assert await allowed_wh(900) == 0.0
    await store.put_transaction(TransactionRecord(S1, TransactionId("tx"), evse_id=1, started_at=T0,
                                                  last_soc=0.6, last_soc_at=clock.now()))
    assert await allowed_wh(900) > 0  # a new reading


async def test_a_soc_event_carries_when_it_was_measured_not_when_it_was_relayed() -> None:
    _, events, clock, service = await ev_at_025_soc_read_at_t0(facts_ttl_s=3600)
    await service.apply(S1, constant_schedule(1, clock.now(), 0, 60, "tx"))  # facts cached
    clock.advance(1000)
    # a TransactionEvent without a new SoC repeats the old one, stamped with when it was measured
    events.publish(TransactionUpdated(station_id=S1, at=clock.now(), evse_id=1, transaction_id="tx",
                                      soc=0.25, soc_at=T0, energy_import_wh=0.0, energy_export_wh=0.0))
    result = await service.apply(S1, constant_schedule(1, clock.now(), -11_000, 600, "tx"))
    assert result.schedule is not None and result.schedule.periods[0].power_w == 0.0  # 1000 s old: no reading


async def test_equal_learned_capabilities_are_one_object_whichever_way_they_are_read() -> None:
    store = MemoryStore()
    service = ChargingService(RecordingGateway(), store, ManualClock(T0), EventBus(), min_update_interval_s=0)
    for station_id, version in (("A", "ocpp2.1"), ("B", "ocpp2.1"), ("C", "ocpp2.1"), ("D", "ocpp2.0.1")):
        await store.put_station(StationRecord(StationId(station_id), ocpp_version=version))
    await service.prefetch([(StationId("A"), 1), (StationId("B"), 1), (StationId("D"), 1)])
    a, b, c, d = [await service.capabilities(StationId(s), 1) for s in "ABCD"]  # C: one by one, not prefetched
    assert a == b == c and a is b and a is c
    assert d != a and d.ocpp_version == "ocpp2.0.1"


async def test_evses_sharing_capabilities_each_get_their_own_envelope() -> None:
    """The last envelope is kept for the next EVSE with the same capabilities, needs and SoC (a fan-out): an
    EVSE whose driver allows discharge, one without needs and one whose SoC is at the reserve, interleaved."""
    store, clock = MemoryStore(), ManualClock(T0)
    service = ChargingService(RecordingGateway(), store, clock, EventBus(), min_update_interval_s=0)
    caps = StationCapabilities(**{f.name: getattr(V2X, f.name) for f in dataclasses.fields(V2X)})
    assert caps == V2X and caps is not V2X
    socs = {"free": 0.8, "none": 0.8, "low": 0.2}
    for name, soc in socs.items():
        service.override_capabilities(StationId(name), 1, caps if name == "low" else V2X)
        await store.put_station(StationRecord(StationId(name), ocpp_version="ocpp2.1"))
        await store.put_transaction(TransactionRecord(StationId(name), TransactionId("tx"), evse_id=1, started_at=T0,
                                                      last_soc=soc))
        if name != "none":
            await store.put_charging_needs(ChargingNeedsRecord(StationId(name), 1, T0, discharge_allowed=True,
                                                               min_soc=0.2))
    expected_w = {"free": -5000.0, "none": 0.0, "low": 0.0}
    for name in ["free", "none", "free", "low", "free", "low", "none"]:
        result = await service.apply(StationId(name), constant_schedule(1, clock.now(), -5000, 120, "tx"))
        assert result.schedule is not None and result.schedule.periods[0].power_w == expected_w[name], name
