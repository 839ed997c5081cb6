"""Delivery of schedules to a station: rate limited per EVSE with the latest setpoint winning, default profiles
that never discharge, and what the site may count on when a station does not answer."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from csms.domain.capabilities import StationCapabilities
from csms.domain.clock import ManualClock
from csms.domain.ids import StationId, TransactionId
from csms.domain.records import ChargingNeedsRecord, StationRecord, TransactionRecord
from csms.domain.schedule import PowerSchedule, ProfilePurpose, SchedulePeriod, constant_schedule
from csms.errors import CallTimeout
from csms.services.charging import ApplyStatus, ChargingService
from csms.services.envelope import SiteLimits
from csms.services.events import EventBus
from csms.store.memory import MemoryStore
from tests.helpers.gateways import TimedGateway

S1 = StationId("S1")

T0 = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)
BIDI_201 = StationCapabilities(ocpp_version="ocpp2.0.1", discharge_supported=True, rate_units=frozenset({"W"}),
                               max_charge_power_w=11000, max_discharge_power_w=11000)


async def service_with_ev(clock: ManualClock, gateway: TimedGateway, *, min_update_interval_s: float,
                          site: SiteLimits | None = None, evses: tuple[int, ...] = (1,)) -> ChargingService:
    store = MemoryStore()
    service = ChargingService(gateway, store, clock, EventBus(), site=site,
                              min_update_interval_s=min_update_interval_s)
    await store.put_station(StationRecord(S1, ocpp_version="ocpp2.0.1"))
    for evse_id in evses:
        service.override_capabilities(S1, evse_id, BIDI_201)
        await store.put_charging_needs(ChargingNeedsRecord(S1, evse_id, T0, discharge_allowed=True,
                                                           min_soc=0.2, ev_capacity_wh=60000))
        await store.put_transaction(TransactionRecord(S1, TransactionId(f"tx{evse_id}"),
                                                      evse_id=evse_id, started_at=T0, last_soc=0.8))
    return service


def limits(gateway: TimedGateway) -> list[tuple[timedelta, float]]:
    return [(at - T0, payload["chargingProfile"]["chargingSchedule"][0]["chargingSchedulePeriod"][0]["limit"])
            for at, (_, _, payload) in zip(gateway.sent_at, gateway.sent, strict=True)]


async def test_setpoints_within_the_update_interval_coalesce_and_the_latest_goes_out_when_it_has_passed() -> None:
    clock = ManualClock(T0)
    gateway = TimedGateway(clock)
    service = await service_with_ev(clock, gateway, min_update_interval_s=1)
    first = await service.apply(S1, constant_schedule(1, T0, 1000.0, 120, "tx1"))
    assert first.status is ApplyStatus.ACCEPTED

    second = asyncio.create_task(service.apply(S1, constant_schedule(1, T0, 2000.0, 120, "tx1")))
    third = asyncio.create_task(service.apply(S1, constant_schedule(1, T0, 3000.0, 120, "tx1")))
    results = await asyncio.gather(second, third)

    assert [r.status for r in results] == [ApplyStatus.SUPERSEDED, ApplyStatus.ACCEPTED]
    assert limits(gateway) == [(timedelta(0), 1000.0), (timedelta(seconds=1), 3000.0)]


async def test_a_discharging_default_profile_is_refused_and_never_sent() -> None:
    clock = ManualClock(T0)
    gateway = TimedGateway(clock)
    service = await service_with_ev(clock, gateway, min_update_interval_s=0)

    tx_default = await service.apply(S1, PowerSchedule(1, T0, 3600, (SchedulePeriod(0, -5000.0),),
                                                         purpose=ProfilePurpose.TX_DEFAULT))
    station_max = await service.apply(S1, PowerSchedule(0, T0, 3600, (SchedulePeriod(0, -5000.0),),
                                                          purpose=ProfilePurpose.STATION_MAX))
    charging_default = await service.apply(S1, PowerSchedule(1, T0, 3600, (SchedulePeriod(0, 5000.0),),
                                                               purpose=ProfilePurpose.TX_DEFAULT))

    assert tx_default.status is ApplyStatus.REFUSED and "TxDefaultProfile" in tx_default.detail
    assert station_max.status is ApplyStatus.REFUSED
    assert charging_default.status is ApplyStatus.ACCEPTED
    assert limits(gateway) == [(timedelta(0), 5000.0)]


class SilentAfterFirst(TimedGateway):
    """Answers the first call, then times out (the station may or may not have applied the command)."""

    async def call(self, station_id: StationId, action: str, payload: dict[str, Any],
                   timeout_s: float | None = None) -> dict[str, Any]:
        answer = await super().call(station_id, action, payload, timeout_s)
        if len(self.sent) > 1:
            raise CallTimeout("no answer")
        return answer


async def test_after_a_timeout_the_site_counts_whichever_command_the_station_may_hold() -> None:
    clock = ManualClock(T0)
    gateway = SilentAfterFirst(clock)
    service = await service_with_ev(clock, gateway, min_update_interval_s=0, site=SiteLimits(export_limit_w=15000),
                                    evses=(1, 2))
    await service.apply(S1, constant_schedule(1, T0, 2000.0, 600, "tx1"))
    unsure = await service.apply(S1, constant_schedule(1, T0, -10000.0, 600, "tx1"))
    assert unsure.status is ApplyStatus.FAILED

    clamped, _ = await service.prepare(S1, constant_schedule(2, T0, -10000.0, 600, "tx2"))

    assert clamped.schedule.periods[0].power_w == -5000  # EVSE 1 may be exporting 10 kW: the call timed out
