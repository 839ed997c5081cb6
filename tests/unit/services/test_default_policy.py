"""With fleet control off, an EV's charging needs are answered with a charge-now TxProfile (OCPP K15), through
the charging service's envelope, and never over a schedule someone else gave the same transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from csms.domain.capabilities import StationCapabilities
from csms.domain.clock import ManualClock
from csms.domain.ids import StationId, TransactionId
from csms.domain.records import ChargingNeedsRecord, TransactionRecord
from csms.domain.schedule import constant_schedule
from csms.services.charging import ApplyStatus, ChargingService
from csms.services.default_policy import DefaultChargingPolicy
from csms.services.events import EvChargingNeeds, EventBus
from csms.store.memory import MemoryStore
from tests.helpers.gateways import RecordingGateway

S1 = StationId("S1")

T0 = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)
AC_22KW = StationCapabilities(rate_units=frozenset({"W"}), max_charge_power_w=22_000.0)


async def _site(*, open_transaction: bool = True, ev_max_w: float | None = 7_400.0
                ) -> tuple[MemoryStore, EventBus, RecordingGateway, ChargingService, DefaultChargingPolicy]:
    store, events, gateway, clock = MemoryStore(), EventBus(), RecordingGateway(), ManualClock(T0)
    charging = ChargingService(gateway, store, clock, events, min_update_interval_s=0)
    charging.override_capabilities(S1, 1, AC_22KW)
    policy = DefaultChargingPolicy(charging, store, events)
    if open_transaction:
        await store.put_transaction(TransactionRecord(S1, TransactionId("tx-1"), evse_id=1,
                                                      started_at=T0))
    await store.put_charging_needs(ChargingNeedsRecord(S1, 1, T0, departure_at=T0 + timedelta(hours=3),
                                                       energy_request_wh=20_000.0, max_charge_power_w=ev_max_w))
    return store, events, gateway, charging, policy


def _needs_event(departure_at: datetime | None) -> EvChargingNeeds:
    return EvChargingNeeds(station_id=S1, at=T0, evse_id=1, departure_at=departure_at,
                           energy_request_wh=20_000.0, discharge_allowed=False)


async def test_needs_get_a_charge_now_tx_profile_at_the_lower_rating_until_departure() -> None:
    _, events, gateway, _, policy = await _site()
    events.publish(_needs_event(T0 + timedelta(hours=3)))
    await policy.idle()

    ((station_id, action, payload),) = gateway.sent
    assert (station_id, action) == (S1, "SetChargingProfile")
    profile = payload["chargingProfile"]
    assert payload["evseId"] == 1 and profile["chargingProfilePurpose"] == "TxProfile"
    assert profile["transactionId"] == "tx-1"
    (schedule,) = profile["chargingSchedule"]
    assert schedule["duration"] == 3 * 3600
    assert [p["limit"] for p in schedule["chargingSchedulePeriod"]] == [7_400.0]  # the EV's 7.4 kW, not 22


async def test_without_an_open_transaction_nothing_is_sent() -> None:
    _, events, gateway, _, policy = await _site(open_transaction=False)
    events.publish(_needs_event(None))
    await policy.idle()
    assert gateway.sent == []


async def test_a_transaction_someone_already_commanded_keeps_its_schedule() -> None:
    _, events, gateway, charging, policy = await _site()
    operator = await charging.apply(S1, constant_schedule(1, T0, 3_000.0, 3600, "tx-1"), requester="operator")
    assert operator.status is ApplyStatus.ACCEPTED
    events.publish(_needs_event(T0 + timedelta(hours=3)))
    await policy.idle()
    assert len(gateway.sent) == 1  # only the operator's
    assert charging.installed[(S1, 1, constant_schedule(1, T0, 1, 60).purpose)].periods[0].power_w == 3_000.0
