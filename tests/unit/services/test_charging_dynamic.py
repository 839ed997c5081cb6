"""OCPP 2.1 fast setpoints: a Dynamic TxProfile once, then UpdateDynamicSchedule, then a fresh profile before
the first one expires."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from csms.domain.capabilities import StationCapabilities
from csms.domain.clock import ManualClock
from csms.domain.ids import StationId, TransactionId
from csms.domain.records import ChargingNeedsRecord, StationRecord, TransactionRecord
from csms.domain.schedule import constant_schedule
from csms.ocpp.schemas import validate_payload
from csms.ocpp.versions import OcppVersion
from csms.services.charging import ApplyStatus, ChargingService
from csms.services.events import EventBus
from csms.store.memory import MemoryStore
from tests.helpers.gateways import RecordingGateway

S1 = StationId("S1")

T0 = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)
V2X = StationCapabilities(ocpp_version="ocpp2.1", discharge_supported=True, rate_units=frozenset({"W"}),
                          operation_modes=frozenset({"CentralSetpoint", "ChargingOnly", "Idle"}),
                          supports_dynamic_profiles=True, max_charge_power_w=11000, max_discharge_power_w=11000)


async def test_setpoints_after_the_first_travel_as_dynamic_updates_until_the_profile_needs_renewing() -> None:
    store, gateway, clock = MemoryStore(), RecordingGateway(), ManualClock(T0)
    service = ChargingService(gateway, store, clock, EventBus(), min_update_interval_s=0)
    service.override_capabilities(S1, 1, V2X)
    await store.put_station(StationRecord(S1, ocpp_version="ocpp2.1"))
    await store.put_charging_needs(ChargingNeedsRecord(S1, 1, T0, discharge_allowed=True, min_soc=0.2))
    await store.put_transaction(TransactionRecord(S1, TransactionId("tx"), evse_id=1, started_at=T0,
                                                  last_soc=0.8))

    async def apply(power_w: float, after_s: float) -> None:
        clock.advance(after_s)
        result = await service.apply(S1, constant_schedule(1, clock.now(), power_w, 120, "tx"))
        assert result.status is ApplyStatus.ACCEPTED, result

    await apply(-3000, 0)
    await apply(-5000, 10)
    await apply(2000, 20)
    await apply(-1000, 40)  # 70 s into a 120 s profile: more than half gone, install afresh
    actions = [action for _, action, _ in gateway.sent]
    assert actions == ["SetChargingProfile", "UpdateDynamicSchedule", "UpdateDynamicSchedule", "SetChargingProfile"]
    first, update = gateway.sent[0][2], gateway.sent[1][2]
    assert first["chargingProfile"]["chargingProfileKind"] == "Dynamic"
    assert update["scheduleUpdate"]["setpoint"] == -5000
    assert update["chargingProfileId"] == first["chargingProfile"]["id"]
    for _, action, payload in gateway.sent:
        validate_payload(OcppVersion.V21, action, payload, is_request=True)
    assert clock.now() - T0 == timedelta(seconds=70)


async def test_a_setpoint_that_ends_before_the_installed_profile_is_installed_afresh_not_sent_as_an_update() -> None:
    """An update stays in force until the installed profile ends: a 60 s -11 kW setpoint on a 900 s profile would
    discharge ~2.7 kWh from an EV with 1 kWh above its reserve. It goes out as a new 60 s profile instead."""
    store, gateway, clock = MemoryStore(), RecordingGateway(), ManualClock(T0)
    service = ChargingService(gateway, store, clock, EventBus(), min_update_interval_s=0)
    service.override_capabilities(S1, 1, V2X)
    await store.put_charging_needs(ChargingNeedsRecord(S1, 1, T0, discharge_allowed=True, min_soc=0.2,
                                                       ev_capacity_wh=60000))
    await store.put_transaction(TransactionRecord(S1, TransactionId("tx"), evse_id=1, started_at=T0,
                                                  last_soc=0.2 + 1000 / 60000))
    await service.apply(S1, constant_schedule(1, T0, -1000, 900, "tx"))
    clock.advance(10)

    result = await service.apply(S1, constant_schedule(1, clock.now(), -11000, 60, "tx"))

    assert result.status is ApplyStatus.ACCEPTED
    action, payload = gateway.sent[-1][1:]
    assert action == "SetChargingProfile"
    schedule = payload["chargingProfile"]["chargingSchedule"][0]
    assert schedule["duration"] == 60 and schedule["chargingSchedulePeriod"][0]["setpoint"] == -11000
    # and the next setpoint that outlasts the new 60 s window is an update of it again
    clock.advance(5)
    await service.apply(S1, constant_schedule(1, clock.now(), -5000, 60, "tx"))
    assert gateway.sent[-1][1] == "UpdateDynamicSchedule"


async def test_a_setpoint_that_starts_later_is_not_sent_as_an_update_that_would_apply_now() -> None:
    store, gateway, clock = MemoryStore(), RecordingGateway(), ManualClock(T0)
    service = ChargingService(gateway, store, clock, EventBus(), min_update_interval_s=0)
    service.override_capabilities(S1, 1, V2X)
    await store.put_charging_needs(ChargingNeedsRecord(S1, 1, T0, discharge_allowed=True, min_soc=0.2))
    await store.put_transaction(TransactionRecord(S1, TransactionId("tx"), evse_id=1, started_at=T0,
                                                  last_soc=0.8))
    await service.apply(S1, constant_schedule(1, T0, 2000, 120, "tx"))

    await service.apply(S1, constant_schedule(1, T0 + timedelta(seconds=30), -5000, 120, "tx"))

    assert [action for _, action, _ in gateway.sent] == ["SetChargingProfile", "SetChargingProfile"]
