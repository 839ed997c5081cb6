"""ChargingService against a simulated station over an in-memory session pair (the CSMS end runs the real
handlers): GetCompositeSchedule verified against the CSMS's expectation, GetChargingProfiles with the
ReportChargingProfiles that follow, and profile ids / stack levels that replace rather than pile up."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from chargepoint_sim.handlers import make_handlers
from chargepoint_sim.smart_charging import ChargingFeatures
from chargepoint_sim.station import SimStation
from csms.domain.capabilities import StationCapabilities
from csms.domain.clock import ManualClock
from csms.domain.composite_check import CompositeDifference
from csms.domain.ids import StationId, TransactionId
from csms.domain.records import BootPolicy, ChargingNeedsRecord, StationRecord, TransactionRecord
from csms.domain.schedule import PowerSchedule, ProfilePurpose, SchedulePeriod, constant_schedule
from csms.handlers import build_handlers
from csms.handlers.deps import HandlerDeps
from csms.ocpp import profiles
from csms.ocpp.schemas import validate_payload
from csms.ocpp.versions import OcppVersion
from csms.services.charging import ApplyStatus, ChargingService
from csms.services.events import DomainEvent, EventBus
from csms.store.memory import MemoryStore
from tests.unit.services.test_charging_wire import SessionGateway
from tests.unit.sim.peer import SessionPair
from tests.unit.sim.test_smart_charging import make_station, profile, start_tx

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)  # the simulated station's clock starts here
SID = StationId("SIM-0001")
V201, V21 = OcppVersion.V201, OcppVersion.V21
VERSIONS = pytest.mark.parametrize("version", [V201, V21], ids=lambda v: str(v.value))


@dataclass
class Rig:
    clock: ManualClock
    station: SimStation
    store: MemoryStore
    events: list[DomainEvent]
    gateway: SessionGateway
    service: ChargingService
    transaction_id: str
    changed: asyncio.Event  # set on every published event

    def kinds(self, kind: str) -> list[DomainEvent]:
        return [e for e in self.events if e.kind == kind]


@asynccontextmanager
async def rig(version: OcppVersion, *, dynamic: bool = False) -> AsyncIterator[Rig]:
    """A simulated station (EVSE 1: 11 kW both ways, 3 x 230 V) with a transaction running on EVSE 1, the CSMS's
    handlers on the other end of the session pair, and a ChargingService that talks to it."""
    clock = ManualClock(T0)
    station = make_station(clock, version=version, features=ChargingFeatures(dynamic_profiles=dynamic))
    store, bus, events, changed = MemoryStore(), EventBus(), list[DomainEvent](), asyncio.Event()
    bus.subscribe(events.append)
    bus.subscribe(lambda _: changed.set())
    deps = HandlerDeps(store=store, clock=clock, events=bus)
    deps.registration[SID] = BootPolicy.ACCEPT
    sessions = SessionPair(make_handlers(station), build_handlers(deps), version=version)
    try:
        gateway = SessionGateway(sessions)
        service = ChargingService(gateway, store, clock, bus, min_update_interval_s=0)
        for evse_id in (0, 1, 2):
            service.override_capabilities(SID, evse_id, StationCapabilities(
                ocpp_version=version.value, discharge_supported=evse_id != 2, rate_units=frozenset({"W", "A"}),
                operation_modes=frozenset({"Idle", "ChargingOnly", "CentralSetpoint"}),
                supports_dynamic_profiles=dynamic, max_charge_power_w=11_000.0 if evse_id == 1 else 7_400.0,
                max_discharge_power_w=11_000.0 if evse_id == 1 else 0.0))
        await store.put_station(StationRecord(SID, ocpp_version=version.value))
        tx_id = start_tx(station, 1)
        await store.put_transaction(TransactionRecord(SID, TransactionId(tx_id), evse_id=1, started_at=T0,
                                                      last_soc=0.5))
        await store.put_charging_needs(ChargingNeedsRecord(SID, 1, T0, discharge_allowed=True, min_soc=0.2,
                                                           ev_capacity_wh=60_000.0, max_discharge_power_w=11_000.0))
        yield Rig(clock, station, store, events, gateway, service, tx_id, changed)
    finally:
        await sessions.close()


async def apply(r: Rig, schedule: PowerSchedule) -> None:
    result = await r.service.apply(SID, schedule)
    assert result.status is ApplyStatus.ACCEPTED, result


# ---- GetCompositeSchedule verification -------------------------------------------------------------------


@VERSIONS
async def test_the_stations_composite_matches_what_the_csms_installed(version: OcppVersion) -> None:
    async with rig(version) as r:
        await apply(r, PowerSchedule(0, T0, 3_600, (SchedulePeriod(0, 9_000.0),), purpose=ProfilePurpose.STATION_MAX))
        await apply(r, PowerSchedule(1, T0, 3_600, (SchedulePeriod(0, 3_000.0),), purpose=ProfilePurpose.TX_DEFAULT))
        await apply(r, PowerSchedule(1, T0, 600, (SchedulePeriod(0, 6_000.0), SchedulePeriod(300, -4_000.0)),
                                     transaction_id=r.transaction_id))

        check = await r.service.verify_composite(SID, 1, 900)

    assert check.matches and check.differences == ()
    assert check.start_at == T0 and check.duration_s == 900
    assert check.expected == check.reported == ((0, 6_000.0), (300, -4_000.0), (600, 3_000.0))
    assert check.response["schedule"]["evseId"] == 1
    assert r.kinds("station.composite_mismatch") == []


@VERSIONS
async def test_a_station_side_limit_the_csms_did_not_set_is_reported_as_a_difference(version: OcppVersion) -> None:
    async with rig(version) as r:
        local_max = profile(7, [{"startPeriod": 0, "limit": 4_000.0}], purpose="ChargingStationMaxProfile",
                            duration_s=None)
        assert r.station.set_charging_profile(0, local_max, version) == {"status": "Accepted"}
        await apply(r, constant_schedule(1, T0, 6_000.0, 600, r.transaction_id))

        check = await r.service.verify_composite(SID, 1, 900)

    assert not check.matches
    assert check.expected == ((0, 6_000.0), (600, 11_000.0))  # after the TxProfile: the EVSE's maximum
    assert check.reported == ((0, 4_000.0),)
    assert check.differences == (CompositeDifference(0, 600, 6_000.0, 4_000.0),
                                 CompositeDifference(600, 900, 11_000.0, 4_000.0))
    [event] = r.kinds("station.composite_mismatch")
    assert event.station_id == SID and event.data["evse_id"] == 1 and event.data["schedule_start"] == T0
    assert [(d["start_offset_s"], d["end_offset_s"], d["expected_w"], d["reported_w"])
            for d in event.data["differences"]] == [(0, 600, 6_000.0, 4_000.0), (600, 900, 11_000.0, 4_000.0)]


async def test_a_dynamic_profile_is_expected_with_its_latest_setpoint_in_the_window_it_was_installed_with() -> None:
    async with rig(V21, dynamic=True) as r:
        await apply(r, constant_schedule(1, T0, 5_000.0, 120, r.transaction_id))
        r.clock.advance(10)
        await apply(r, constant_schedule(1, r.clock.now(), 7_000.0, 120, r.transaction_id))

        check = await r.service.verify_composite(SID, 1, 300)

    assert [action for _, action, _ in r.gateway.sent[:2]] == ["SetChargingProfile", "UpdateDynamicSchedule"]
    # the update keeps the first profile's window: 7 kW until T0 + 120 s, not until T0 + 130 s
    assert check.expected == check.reported == ((0, 7_000.0), (110, 11_000.0))
    assert check.matches


async def test_a_station_commanded_in_amps_is_verified_in_amps() -> None:
    async with rig(V201) as r:
        caps = StationCapabilities(discharge_supported=True, rate_units=frozenset({"A"}), max_charge_power_w=11_000.0,
                                   max_discharge_power_w=11_000.0)
        r.service.override_capabilities(SID, 1, caps)
        await apply(r, constant_schedule(1, T0, -4_140.0, 600, r.transaction_id))  # -6 A on 3 x 230 V

        check = await r.service.verify_composite(SID, 1, 900)

    [(_, _, request)] = [c for c in r.gateway.sent if c[1] == "GetCompositeSchedule"]
    assert request["chargingRateUnit"] == "A" and check.response["schedule"]["chargingRateUnit"] == "A"
    assert check.matches and check.expected == ((0, -4_140.0), (600, 11_000.0))


async def test_a_rejected_composite_request_is_reported_without_comparing() -> None:
    async with rig(V201) as r:
        r.service.override_capabilities(SID, 9, StationCapabilities())
        check = await r.service.verify_composite(SID, 9, 900)  # the station has no EVSE 9
        with pytest.raises(ValueError, match="one EVSE"):
            await r.service.verify_composite(SID, 0, 900)

    assert check.status == "Rejected" and not check.matches and check.expected == ()
    assert check.response["statusInfo"]["reasonCode"] == "UnknownEvse"
    assert r.kinds("station.composite_mismatch") == []


# ---- GetChargingProfiles + ReportChargingProfiles ---------------------------------------------------------


async def _published(r: Rig, kind: str, count: int) -> list[DomainEvent]:
    """The events of `kind` once there are `count` of them (bounded wait)."""
    async with asyncio.timeout(2.0):
        while len(r.kinds(kind)) < count:
            r.changed.clear()
            await r.changed.wait()
    return r.kinds(kind)


@VERSIONS
async def test_get_profiles_is_answered_and_the_reported_tx_profiles_are_published(version: OcppVersion) -> None:
    async with rig(version) as r:
        await apply(r, PowerSchedule(1, T0, 3_600, (SchedulePeriod(0, 3_000.0),), purpose=ProfilePurpose.TX_DEFAULT))
        await apply(r, constant_schedule(1, T0, 6_000.0, 600, r.transaction_id))

        answer = await r.service.get_profiles(SID, 41, evse_id=1)
        [report] = await _published(r, "station.charging_profiles", 1)
        none = await r.service.get_profiles(SID, 42, evse_id=2)
        await r.service.get_profiles(SID, 43)  # reports follow in order: one for 42 would come before 43's
        reports = await _published(r, "station.charging_profiles", 2)

    assert answer == {"status": "Accepted"} and none == {"status": "NoProfiles"}
    [(_, action, request)] = [c for c in r.gateway.sent if c[1] == "GetChargingProfiles"][:1]
    validate_payload(version, action, request, is_request=True)
    assert report.station_id == SID
    assert (report.data["request_id"], report.data["evse_id"], report.data["source"], report.data["tbc"]) == (
        41, 1, "CSO", False)
    [reported] = report.data["profiles"]  # the TxDefaultProfile is not asked for
    assert reported["id"] == profiles.profile_id(1, ProfilePurpose.TX)
    assert reported["chargingProfilePurpose"] == "TxProfile" and reported["transactionId"] == r.transaction_id
    assert [e.data["request_id"] for e in reports] == [41, 43]  # nothing for the EVSE without profiles


# ---- profile ids and stack levels ------------------------------------------------------------------------


@VERSIONS
@pytest.mark.parametrize("purpose", [ProfilePurpose.TX, ProfilePurpose.TX_DEFAULT], ids=lambda p: p.value)
async def test_applying_twice_replaces_the_evses_profile_for_that_purpose(version: OcppVersion,
                                                                          purpose: ProfilePurpose) -> None:
    async with rig(version) as r:
        tx_id = r.transaction_id if purpose is ProfilePurpose.TX else None
        for power_w in (6_000.0, 4_000.0):
            await apply(r, PowerSchedule(1, r.clock.now(), 600, (SchedulePeriod(0, power_w),), purpose=purpose,
                                         transaction_id=tx_id))
            r.clock.advance(5)
        held = [p for p in r.station.profiles.profiles.values() if p.evse_id == 1 and p.purpose == purpose.value]
        power_now = r.station.profiles.power_w(1, r.transaction_id, r.clock.now())

    sent = [payload["chargingProfile"] for _, action, payload in r.gateway.sent if action == "SetChargingProfile"]
    assert len(sent) == 2
    assert {(p["id"], p["stackLevel"]) for p in sent} == {(profiles.profile_id(1, purpose),
                                                           profiles.STACK_LEVEL[purpose])}
    assert len(held) == 1 and held[0].profile_id == profiles.profile_id(1, purpose)
    assert power_now == 4_000.0  # the second one is in force
