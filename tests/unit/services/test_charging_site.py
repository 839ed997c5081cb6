"""The site limits hold at every instant, whatever mix of EVSEs, schedules and timings is asked for: each EVSE's
commanded schedule is kept over time (not just its first period), commands count from the moment they are
queued, and entries drop out when they end."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from csms.domain.capabilities import StationCapabilities
from csms.domain.clock import ManualClock
from csms.domain.ids import StationId, TransactionId
from csms.domain.records import ChargingNeedsRecord, ConnectorStatusRecord, StationRecord, TransactionRecord
from csms.domain.schedule import PowerSchedule, ProfilePurpose, SchedulePeriod, constant_schedule
from csms.services import envelope_site
from csms.services.charging import ApplyStatus, ChargingService
from csms.services.envelope import SiteLimits
from csms.services.envelope_site import Commanded, Segment, SiteLedger, segments_of, worst
from csms.services.events import EventBus
from csms.store.memory import MemoryStore
from tests.helpers.gateways import RecordingGateway

S1 = StationId("S1")
S2 = StationId("S2")

T0 = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)
V2X = StationCapabilities(ocpp_version="ocpp2.1", discharge_supported=True, rate_units=frozenset({"W"}),
                          operation_modes=frozenset({"CentralSetpoint", "ChargingOnly", "Idle"}),
                          max_charge_power_w=11000, max_discharge_power_w=11000)


async def two_evse_service(site: SiteLimits, clock: ManualClock) -> tuple[ChargingService, RecordingGateway]:
    store, gateway = MemoryStore(), RecordingGateway()
    service = ChargingService(gateway, store, clock, EventBus(), site=site, min_update_interval_s=0)
    await store.put_station(StationRecord(S1, ocpp_version="ocpp2.1"))
    for evse_id in (1, 2):
        service.override_capabilities(S1, evse_id, V2X)
        await store.put_charging_needs(ChargingNeedsRecord(S1, evse_id, T0, discharge_allowed=True,
                                                           min_soc=0.2, ev_capacity_wh=60000))
        await store.put_transaction(TransactionRecord(S1, TransactionId(f"tx{evse_id}"),
                                                      evse_id=evse_id, started_at=T0, last_soc=0.8))
    return service, gateway


async def test_a_later_discharge_period_counts_against_the_export_limit_for_the_other_evse() -> None:
    clock = ManualClock(T0)
    service, _ = await two_evse_service(SiteLimits(export_limit_w=15000), clock)
    later = PowerSchedule(1, T0, 600, (SchedulePeriod(0, 0.0), SchedulePeriod(300, -10000.0)), transaction_id="tx1")
    first = await service.apply(S1, later)
    assert first.status is ApplyStatus.ACCEPTED and first.schedule is not None
    assert first.schedule.periods[1].power_w == -10000

    second = await service.apply(S1, constant_schedule(2, T0, -10000.0, 600, "tx2"))

    assert second.schedule is not None and second.schedule.periods[0].power_w == -5000  # -10 kW + -5 kW = limit


async def test_each_period_is_checked_against_the_others_at_the_same_times() -> None:
    clock = ManualClock(T0)
    service, _ = await two_evse_service(SiteLimits(export_limit_w=15000), clock)
    await service.apply(S1, PowerSchedule(1, T0, 600, (SchedulePeriod(0, -10000.0), SchedulePeriod(300, 0.0)),
                                            transaction_id="tx1"))

    result = await service.apply(S1, PowerSchedule(2, T0, 600, (SchedulePeriod(0, -10000.0),
                                                                  SchedulePeriod(300, -10000.0)),
                                                     transaction_id="tx2"))

    assert result.schedule is not None
    assert [p.power_w for p in result.schedule.periods] == [-5000, -10000]  # EVSE 1 exports only until 300 s


async def test_a_command_stops_counting_once_it_ends() -> None:
    clock = ManualClock(T0)
    service, _ = await two_evse_service(SiteLimits(export_limit_w=15000), clock)
    await service.apply(S1, constant_schedule(1, T0, -10000.0, 120, "tx1"))
    clock.advance(120)

    result = await service.apply(S1, constant_schedule(2, clock.now(), -11000.0, 300, "tx2"))

    assert result.schedule is not None and result.schedule.periods[0].power_w == -11000


async def test_setpoints_applied_together_are_checked_against_each_other() -> None:
    clock = ManualClock(T0)
    service, gateway = await two_evse_service(SiteLimits(export_limit_w=15000), clock)

    results = await service.apply_many([(S1, constant_schedule(e, T0, -10000.0, 300, f"tx{e}")) for e in (1, 2)])

    assert sum(r.schedule.periods[0].power_w for r in results if r.schedule is not None) == -15000
    assert len(gateway.sent) == 2


async def test_charging_does_not_make_room_for_discharge_under_an_export_limit() -> None:
    """A charge command is a bound the EV may not fill (a full battery): it never offsets another's export."""
    clock = ManualClock(T0)
    service, _ = await two_evse_service(SiteLimits(import_limit_w=30000, export_limit_w=5000), clock)
    await service.apply(S1, constant_schedule(1, T0, 11000.0, 300, "tx1"))

    result = await service.apply(S1, constant_schedule(2, T0, -11000.0, 300, "tx2"))

    assert result.schedule is not None and result.schedule.periods[0].power_w == -5000


async def test_an_import_limit_is_shared_over_time_too() -> None:
    clock = ManualClock(T0)
    service, _ = await two_evse_service(SiteLimits(import_limit_w=15000), clock)
    await service.apply(S1, PowerSchedule(1, T0, 3600, (SchedulePeriod(0, 2000.0), SchedulePeriod(1800, 11000.0)),
                                            transaction_id="tx1"))

    result = await service.apply(S1, constant_schedule(2, T0, 11000.0, 3600, "tx2"))

    assert result.schedule is not None and result.schedule.periods[0].power_w == 4000


def test_ledger_folds_steps_as_time_passes_and_drops_ended_entries() -> None:
    ledger = SiteLedger()
    ledger.advance(0.0)
    ledger.set("a", [Segment(0.0, 100.0, -5000.0, 0.0)])
    ledger.set("b", [Segment(50.0, 200.0, 0.0, 3000.0), Segment(200.0, 300.0, -2000.0, 0.0)])
    assert ledger.others("x", [(0.0, 50.0), (50.0, 250.0)]) == [(-5000.0, 0.0), (-5000.0, 3000.0)]
    assert ledger.others("a", [(0.0, 300.0)]) == [(-2000.0, 3000.0)]
    ledger.advance(150.0)
    assert len(ledger) == 1 and ledger.in_force_w == (0.0, 3000.0)
    ledger.advance(300.0)
    assert len(ledger) == 0 and ledger.in_force_w == (0.0, 0.0)


def test_ledger_past_its_step_budget_answers_a_safe_bound() -> None:
    exact, capped = SiteLedger(), SiteLedger(max_steps=3)
    for ledger in (exact, capped):
        ledger.advance(0.0)
        for i in range(10):  # ten EVSEs exporting 1 kW from 10 s apart, until 1000 s
            ledger.set(i, [Segment(10.0 * i + 1, 1000.0, -1000.0, 0.0)])
        ledger.set("charging", [Segment(0.0, 55.0, 0.0, 7000.0)])
    [(lo_exact, hi_exact)] = exact.others(None, [(0.0, 1000.0)])
    [(lo_capped, hi_capped)] = capped.others(None, [(0.0, 1000.0)])
    assert (lo_exact, hi_exact) == (-10000.0, 7000.0)
    assert lo_capped <= lo_exact and hi_capped >= hi_exact


def test_worst_of_two_commands_is_taken_instant_by_instant() -> None:
    old = (Segment(0.0, 100.0, -8000.0, 0.0),)
    new = (Segment(0.0, 50.0, 0.0, 6000.0), Segment(50.0, 200.0, -3000.0, 0.0))
    assert worst(old, new) == (Segment(0.0, 50.0, -8000.0, 6000.0), Segment(50.0, 100.0, -8000.0, 0.0),
                               Segment(100.0, 200.0, -3000.0, 0.0))


async def test_a_default_profile_on_evse_0_counts_once_per_evse_of_the_station() -> None:
    """OCPP applies a TxDefaultProfile on EVSE 0 to every EVSE: 4 EVSEs x 11 kW under a 20 kW import limit
    get 5 kW each, and nothing is left for another station."""
    clock = ManualClock(T0)
    store, gateway = MemoryStore(), RecordingGateway()
    service = ChargingService(gateway, store, clock, EventBus(), site=SiteLimits(import_limit_w=20_000),
                              min_update_interval_s=0)
    for station_id in (S1, S2):
        await store.put_station(StationRecord(StationId(station_id), ocpp_version="ocpp2.1"))
        for evse_id in (0, 1, 2, 3, 4):
            service.override_capabilities(station_id, evse_id, V2X)
    for evse_id in (1, 2, 3, 4):
        await store.put_connector_status(ConnectorStatusRecord(S1, evse_id, 1, "Available", T0))
    await store.put_transaction(TransactionRecord(S2, TransactionId("tx"), evse_id=1, started_at=T0,
                                                  last_soc=0.5))

    default = dataclasses.replace(constant_schedule(0, T0, 11_000.0, 600), purpose=ProfilePurpose.TX_DEFAULT)
    result = await service.apply(S1, default)
    assert result.status is ApplyStatus.ACCEPTED and result.schedule is not None
    assert result.schedule.periods[0].power_w == 5_000.0  # 20 kW / 4 EVSEs

    other = await service.apply(S2, constant_schedule(1, T0, 11_000.0, 600, "tx"))
    assert other.schedule is not None and other.schedule.periods[0].power_w == 0.0


def counted_segments_of(monkeypatch: pytest.MonkeyPatch) -> list[PowerSchedule]:
    """The schedules `envelope_site.segments_of` is called for from now on."""
    reads: list[PowerSchedule] = []

    def counting(schedule: PowerSchedule) -> tuple[Segment, ...]:
        reads.append(schedule)
        return segments_of(schedule)
    monkeypatch.setattr(envelope_site, "segments_of", counting)
    return reads


def test_a_command_computes_its_segments_on_the_first_read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """`Commanded` is `segments_of` its schedule, each step times the EVSEs it drives, computed once when read."""
    reads = counted_segments_of(monkeypatch)
    schedule = PowerSchedule(0, T0, 600, (SchedulePeriod(0, 2_000.0), SchedulePeriod(300, -1_000.0)))
    commanded = Commanded(schedule, evses=3)
    assert reads == []
    start_s = T0.timestamp()
    expected = (Segment(start_s, start_s + 300, 0.0, 6_000.0), Segment(start_s + 300, start_s + 600, -3_000.0, 0.0))
    assert commanded.segments == expected and commanded.segments == expected
    assert reads == [schedule]
    assert Commanded(schedule).segments == segments_of(schedule)
    assert Commanded.known(expected[:1]).segments == expected[:1]


async def test_no_segments_are_computed_when_no_ledger_counts_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without site limits, a station-wide rating or a topology, no ledger reads what a setpoint lets the EVSE
    do: its segments are never computed. With an import limit they are (the other tests check the figures)."""
    reads = counted_segments_of(monkeypatch)
    free, _ = await two_evse_service(SiteLimits(), ManualClock(T0))
    assert (await free.apply(S1, constant_schedule(1, T0, 5_000.0, 600, "tx1"))).status is ApplyStatus.ACCEPTED
    assert reads == []
    limited, _ = await two_evse_service(SiteLimits(import_limit_w=20_000), ManualClock(T0))
    assert (await limited.apply(S1, constant_schedule(1, T0, 5_000.0, 600, "tx1"))).status is ApplyStatus.ACCEPTED
    assert reads and reads[0].periods[0].power_w == 5_000.0
