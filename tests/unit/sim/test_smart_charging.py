"""Simulated stations' smart charging in memory (no sockets): SetChargingProfile validation and replacement,
Clear/Get/Report, GetCompositeSchedule in W and A, UpdateDynamicSchedule, offline expiry, execution with response
delay, ramp and LocalFrequency, NotifyEVChargingNeeds forms, and kinds advertised through the device model."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest

from chargepoint_sim import messages
from chargepoint_sim.config import FleetConfig, StationConfig
from chargepoint_sim.ev import Ev
from chargepoint_sim.evse import EvseSpec
from chargepoint_sim.fleet import station_kind, station_spec
from chargepoint_sim.handlers import make_handlers
from chargepoint_sim.kinds import PRESETS, StationKind, kind_by_share
from chargepoint_sim.power import ControlSpec
from chargepoint_sim.smart_charging import ChargingFeatures, ProfileStore, freq_curve_w
from chargepoint_sim.station import SimStation, StationSpec
from csms.domain.clock import ManualClock, to_ocpp_time
from csms.domain.ids import StationId
from csms.domain.records import VariableRecord
from csms.handlers.smart_charging import needs_from_payload
from csms.ocpp.schemas import validate_payload
from csms.ocpp.versions import OCPP_2X, OcppVersion
from csms.ocpp.wire import v2x
from csms.services.capabilities import capabilities_from_variables

from .peer import CsmsPeer, SessionPair

SIM_0001 = StationId("SIM-0001")

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
V201, V21 = OcppVersion.V201, OcppVersion.V21
V2X = PRESETS[StationKind.V2X_21].features


def make_station(clock: ManualClock, *, version: OcppVersion = V201, features: ChargingFeatures | None = None,
                 evses: tuple[EvseSpec, ...] = (EvseSpec(1, 11_000.0, 11_000.0), EvseSpec(2, 7_400.0, 0.0)),
                 control: ControlSpec | None = None) -> SimStation:
    spec = StationSpec(SIM_0001, "0123456789abcdef0123", versions=(version,), evses=evses,
                       charging=features or ChargingFeatures(), control=control or ControlSpec())
    return SimStation(spec, clock)


def start_tx(station: SimStation, evse_id: int = 1, **ev: Any) -> str:
    base: dict[str, Any] = {"capacity_wh": 60_000.0, "soc": 0.5, "max_charge_power_w": 11_000.0,
                            "max_discharge_power_w": 11_000.0, "allow_discharge": True, "min_soc": 0.2,
                            "charge_efficiency": 1.0, "discharge_efficiency": 1.0, "id_token": f"TOK-{evse_id}"}
    station.schedule_ev(evse_id, Ev(**{**base, **ev}))
    station.advance_to(station.clock.now())
    tx = station.authorization_result(evse_id, f"TOK-{evse_id}", "Accepted")
    assert tx is not None
    station.outbox.clear()
    return tx.transaction_id


def profile(pid: int, periods: list[dict[str, Any]], *, purpose: str = "TxProfile", stack: int = 0,
            unit: str = "W", start: datetime = T0, duration_s: int | None = 3_600, kind: str = "Absolute",
            **extra: Any) -> dict[str, Any]:
    schedule: dict[str, Any] = {"id": pid, "chargingRateUnit": unit, "chargingSchedulePeriod": periods,
                                "startSchedule": to_ocpp_time(start)}
    if duration_s is not None:
        schedule["duration"] = duration_s
    return {"id": pid, "stackLevel": stack, "chargingProfilePurpose": purpose, "chargingProfileKind": kind,
            "chargingSchedule": [schedule], **extra}


async def call(sessions: SessionPair, action: str, payload: dict[str, Any]) -> dict[str, Any]:
    return await sessions.csms.call(action, payload)


@pytest.fixture
async def v201() -> Any:
    clock = ManualClock(T0)
    station = make_station(clock)
    sessions = SessionPair(make_handlers(station), CsmsPeer().handlers(), version=V201)
    yield station, sessions
    await sessions.close()


@pytest.fixture
async def v21() -> Any:
    clock = ManualClock(T0)
    station = make_station(clock, version=V21, features=V2X)
    peer = CsmsPeer()
    sessions = SessionPair(make_handlers(station), peer.handlers(), version=V21)
    yield station, sessions, peer
    await sessions.close()


# ---- validation -------------------------------------------------------------------------------------------


async def test_charge_only_evse_rejects_a_negative_limit_with_a_reason(v201: Any) -> None:
    station, sessions = v201
    start_tx(station, 2)
    response = await call(sessions, "SetChargingProfile", {"evseId": 2, "chargingProfile": profile(
        1, [{"startPeriod": 0, "limit": -3_000.0}])})
    assert response["status"] == "Rejected"
    assert response["statusInfo"]["reasonCode"] == "InvalidValue"
    assert not station.profiles.profiles
    ok = await call(sessions, "SetChargingProfile", {"evseId": 2, "chargingProfile": profile(
        1, [{"startPeriod": 0, "limit": 3_000.0}])})
    assert ok == {"status": "Accepted"}


async def test_2_1_station_rejects_modes_its_evse_lacks_and_chargingonly_discharge(v21: Any) -> None:
    station, sessions, _ = v21
    start_tx(station, 1)
    start_tx(station, 2)
    cases = [
        (2, {"startPeriod": 0, "operationMode": "CentralSetpoint", "setpoint": -1_000.0}, "UnsupportedParam"),
        (1, {"startPeriod": 0, "operationMode": "ExternalSetpoint"}, "UnsupportedParam"),
        (1, {"startPeriod": 0, "operationMode": "ChargingOnly", "limit": -1_000.0}, "InvalidSchedule"),
        (1, {"startPeriod": 0, "operationMode": "CentralSetpoint", "setpoint": -5_000.0,
             "dischargeLimit": -4_000.0}, "InvalidSchedule"),
        (1, {"startPeriod": 0, "operationMode": "LocalFrequency"}, "NoFreqWattCurve"),
    ]
    for evse_id, period, reason in cases:
        response = await call(sessions, "SetChargingProfile", {"evseId": evse_id,
                                                               "chargingProfile": profile(1, [period])})
        assert (response["status"], response["statusInfo"]["reasonCode"]) == ("Rejected", reason), period
    accepted = await call(sessions, "SetChargingProfile", {"evseId": 1, "chargingProfile": profile(1, [
        {"startPeriod": 0, "operationMode": "CentralSetpoint", "setpoint": -5_000.0, "dischargeLimit": -6_000.0,
         "limit": 0.0}])})
    assert accepted == {"status": "Accepted"}


async def test_a_only_station_rejects_watts_and_takes_amps() -> None:
    station = make_station(ManualClock(T0), features=PRESETS[StationKind.A_ONLY_201].features)
    sessions = SessionPair(make_handlers(station), CsmsPeer().handlers())
    try:
        start_tx(station)
        watts = await call(sessions, "SetChargingProfile", {"evseId": 1, "chargingProfile": profile(
            1, [{"startPeriod": 0, "limit": 5_000.0}])})
        assert watts["statusInfo"]["reasonCode"] == "UnsupportedRateUnit"
        amps = await call(sessions, "SetChargingProfile", {"evseId": 1, "chargingProfile": profile(
            1, [{"startPeriod": 0, "limit": 10.0, "numberPhases": 1}], unit="A")})
        assert amps == {"status": "Accepted"}
        tx_id = station.evses[1].transaction.transaction_id  # type: ignore[union-attr]
        assert station.profiles.power_w(1, tx_id, T0) == 10.0 * 230.0
    finally:
        await sessions.close()


async def test_tx_profile_needs_its_transaction_and_ends_with_it(v201: Any) -> None:
    station, sessions = v201
    tx_profile = profile(1, [{"startPeriod": 0, "limit": 2_000.0}])
    no_tx = await call(sessions, "SetChargingProfile", {"evseId": 1, "chargingProfile": tx_profile})
    assert no_tx["statusInfo"]["reasonCode"] == "TxNotFound"
    tx_id = start_tx(station)
    other = await call(sessions, "SetChargingProfile", {"evseId": 1, "chargingProfile": {
        **tx_profile, "transactionId": "another"}})
    assert other["statusInfo"]["reasonCode"] == "TxNotFound"
    assert (await call(sessions, "SetChargingProfile", {"evseId": 1, "chargingProfile": {
        **tx_profile, "transactionId": tx_id}}))["status"] == "Accepted"
    assert station.remote_stop(tx_id)
    assert not station.profiles.profiles


async def test_a_profile_replaces_the_same_id_and_the_same_purpose_stack_level_and_evse(v201: Any) -> None:
    station, sessions = v201
    for pid, evse_id, stack in ((1, 1, 0), (2, 1, 1), (3, 0, 0), (1, 2, 0), (4, 1, 1)):
        response = await call(sessions, "SetChargingProfile", {"evseId": evse_id, "chargingProfile": profile(
            pid, [{"startPeriod": 0, "limit": 1_000.0 * pid}], purpose="TxDefaultProfile", stack=stack)})
        assert response["status"] == "Accepted"
    # id 1 moved to EVSE 2; id 4 took (TxDefault, 1, EVSE 1) from id 2
    assert {pid: (p.evse_id, p.stack_level) for pid, p in station.profiles.profiles.items()} == {
        1: (2, 0), 3: (0, 0), 4: (1, 1)}


async def test_clear_by_id_and_by_criteria_then_get_profiles_reports_per_evse(v21: Any) -> None:
    station, sessions, peer = v21
    for pid, evse_id, purpose in ((1, 1, "TxDefaultProfile"), (2, 2, "TxDefaultProfile"),
                                  (3, 0, "ChargingStationMaxProfile"), (4, 0, "TxDefaultProfile")):
        await call(sessions, "SetChargingProfile", {"evseId": evse_id, "chargingProfile": profile(
            pid, [{"startPeriod": 0, "limit": 5_000.0}], purpose=purpose)})
    assert (await call(sessions, "ClearChargingProfile", {"chargingProfileId": 9})) == {"status": "Unknown"}
    assert (await call(sessions, "ClearChargingProfile", {"chargingProfileId": 2})) == {"status": "Accepted"}
    cleared = await call(sessions, "ClearChargingProfile", {"chargingProfileCriteria": {
        "evseId": 0, "chargingProfilePurpose": "ChargingStationMaxProfile"}})
    assert cleared == {"status": "Accepted"} and set(station.profiles.profiles) == {1, 4}

    none = await call(sessions, "GetChargingProfiles", {"requestId": 7, "chargingProfile": {
        "chargingProfilePurpose": "TxProfile"}})
    assert none == {"status": "NoProfiles"}
    assert (await call(sessions, "GetChargingProfiles", {"requestId": 8, "chargingProfile": {
        "chargingProfilePurpose": "TxDefaultProfile"}})) == {"status": "Accepted"}
    await peer.wait_for(lambda: len(peer.of("ReportChargingProfiles")) == 2)
    reports = peer.of("ReportChargingProfiles")
    assert [(r["evseId"], [p["id"] for p in r["chargingProfile"]], r["tbc"]) for r in reports] == [
        (0, [4], True), (1, [1], False)]
    assert all(r["requestId"] == 8 and r["chargingLimitSource"] == "CSO" for r in reports)


# ---- composite, dynamic, offline --------------------------------------------------------------------------


async def test_composite_schedule_follows_the_stacking_rules_in_watts_and_amps(v201: Any) -> None:
    station, sessions = v201
    start_tx(station)
    installs = [
        (0, profile(1, [{"startPeriod": 0, "limit": 9_000.0}], purpose="ChargingStationMaxProfile",
                    start=T0 + timedelta(seconds=600), duration_s=600)),
        (0, profile(2, [{"startPeriod": 0, "limit": 4_000.0}], purpose="TxDefaultProfile")),
        (1, profile(3, [{"startPeriod": 0, "limit": -3_000.0}, {"startPeriod": 300, "limit": 20_000.0}],
                    duration_s=900, start=T0 + timedelta(seconds=100))),
    ]
    for evse_id, p in installs:
        assert (await call(sessions, "SetChargingProfile", {"evseId": evse_id, "chargingProfile": p}))[
            "status"] == "Accepted"
    watts = await call(sessions, "GetCompositeSchedule", {"evseId": 1, "duration": 1_500, "chargingRateUnit": "W"})
    schedule = watts["schedule"]
    assert schedule["scheduleStart"] == to_ocpp_time(T0)
    assert [(p["startPeriod"], p["limit"]) for p in schedule["chargingSchedulePeriod"]] == [
        (0, 4_000.0), (100, -3_000.0), (400, 11_000.0), (600, 9_000.0), (1_000, 4_000.0)]
    amps = await call(sessions, "GetCompositeSchedule", {"evseId": 1, "duration": 1_500, "chargingRateUnit": "A"})
    periods = amps["schedule"]["chargingSchedulePeriod"]
    assert [round(p["limit"] * 230 * p["numberPhases"], 6) for p in periods] == [4_000, -3_000, 11_000, 9_000, 4_000]
    unknown = await call(sessions, "GetCompositeSchedule", {"evseId": 5, "duration": 60})
    assert unknown["status"] == "Rejected"


async def test_dynamic_profile_follows_update_dynamic_schedule(v21: Any) -> None:
    station, sessions, _ = v21
    tx_id = start_tx(station)
    dyn = profile(10, [{"startPeriod": 0, "operationMode": "CentralSetpoint", "setpoint": 2_000.0}], kind="Dynamic")
    assert (await call(sessions, "SetChargingProfile", {"evseId": 1, "chargingProfile": dyn}))["status"] == "Accepted"
    update = await call(sessions, "UpdateDynamicSchedule", {"chargingProfileId": 10, "scheduleUpdate": {
        "setpoint": -4_000.0, "dischargeLimit": -5_000.0}})
    assert update == {"status": "Accepted"}
    assert station.profiles.power_w(1, tx_id, T0) == -4_000.0
    bad = await call(sessions, "UpdateDynamicSchedule", {"chargingProfileId": 10, "scheduleUpdate": {
        "setpoint": -6_000.0}})
    assert bad["statusInfo"]["reasonCode"] == "InvalidSchedule"
    unknown = await call(sessions, "UpdateDynamicSchedule", {"chargingProfileId": 11, "scheduleUpdate": {
        "setpoint": 0.0}})
    assert unknown["status"] == "Rejected"
    multi = profile(11, [{"startPeriod": 0, "operationMode": "Idle"}, {"startPeriod": 60, "operationMode": "Idle"}],
                    kind="Dynamic", stack=2)
    assert (await call(sessions, "SetChargingProfile", {"evseId": 1, "chargingProfile": multi}))[
        "statusInfo"]["reasonCode"] == "InvalidSchedule"


def test_dynamic_profiles_are_unsupported_without_the_feature() -> None:
    station = make_station(ManualClock(T0), version=V21)
    start_tx(station)
    dyn = profile(10, [{"startPeriod": 0, "operationMode": "Idle"}], kind="Dynamic")
    assert station.set_charging_profile(1, dyn, V21)["statusInfo"]["reasonCode"] == "UnsupportedKind"


@pytest.mark.parametrize("invalid_after", [True, False])
def test_max_offline_duration_ends_a_discharge_while_offline(invalid_after: bool) -> None:
    clock = ManualClock(T0)
    station = make_station(clock, version=V21, features=V2X)
    station.set_online(True)
    tx_id = start_tx(station)
    discharge = profile(1, [{"startPeriod": 0, "operationMode": "CentralSetpoint", "setpoint": -5_000.0}],
                        maxOfflineDuration=120, invalidAfterOfflineDuration=invalid_after)
    assert station.set_charging_profile(1, discharge, V21)["status"] == "Accepted"
    clock.advance(60)
    station.set_online(False)
    assert station.profiles.power_w(1, tx_id, clock.now()) == -5_000.0
    assert station.profiles.next_change_at(1, clock.now()) == T0 + timedelta(seconds=180)
    clock.advance(119)
    station.advance_to(clock.now())
    assert station.evses[1].power_w == -5_000.0
    clock.advance(2)
    station.advance_to(clock.now())
    assert station.evses[1].power_w == 11_000.0  # fallback: no TxDefault, charge at the EVSE's maximum
    station.set_online(True)
    assert (1 in station.profiles.profiles) is not invalid_after
    assert station.profiles.power_w(1, tx_id, clock.now()) == (11_000.0 if invalid_after else -5_000.0)


def test_2_0_1_station_ignores_offline_time_and_stops_at_valid_to() -> None:
    clock = ManualClock(T0)
    station = make_station(clock)
    tx_id = start_tx(station)
    assert station.set_charging_profile(1, profile(1, [{"startPeriod": 0, "limit": -5_000.0}], duration_s=None,
                                                   validTo=to_ocpp_time(T0 + timedelta(seconds=600))),
                                        V201)["status"] == "Accepted"
    station.set_online(False)
    assert station.profiles.power_w(1, tx_id, T0 + timedelta(seconds=599)) == -5_000.0
    assert station.profiles.power_w(1, tx_id, T0 + timedelta(seconds=600)) == 11_000.0


# ---- execution --------------------------------------------------------------------------------------------


def test_response_delay_and_ramp_shape_the_output_and_the_energy() -> None:
    clock = ManualClock(T0)
    station = make_station(clock, control=ControlSpec(response_delay_s=5.0, ramp_w_per_s=1_000.0))
    tx_id = start_tx(station)
    assert station.set_charging_profile(1, profile(1, [{"startPeriod": 0, "limit": 4_000.0},
                                                       {"startPeriod": 100, "limit": -2_000.0}]),
                                        V201)["status"] == "Accepted"
    tx = station.transactions[tx_id]
    clock.advance(5)
    station.advance_to(clock.now())
    assert tx.import_wh == 0.0  # nothing before the response delay
    clock.advance(4)
    station.advance_to(clock.now())
    assert station.evses[1].power_w == pytest.approx(3_500.0)  # the last 1 s ramp step from 3 to 4 kW
    assert tx.import_wh == pytest.approx(4_000.0 * 4 / 2 / 3_600)  # a linear ramp 0 -> 4 kW over 4 s
    clock.advance(200)
    station.advance_to(clock.now())
    assert station.evses[1].power_w == -2_000.0
    # 4 kW from 5 s (ramp from 0 over 4 s), at 105 s down to -2 kW (crosses 0 after 4 s, reaches -2 kW at 111 s)
    assert tx.import_wh == pytest.approx((4_000 * 96 + 4_000 * 4 / 2 + 4_000 * 4 / 2) / 3_600)
    assert tx.export_wh == pytest.approx((2_000 * 2 / 2 + 2_000 * (209 - 111)) / 3_600)


@pytest.mark.parametrize("callable_input", [False, True])
def test_local_frequency_follows_the_curve_around_the_baseline(callable_input: bool) -> None:
    clock = ManualClock(T0)
    station = make_station(clock, version=V21, features=V2X, control=ControlSpec(frequency_sample_s=1.0))
    tx_id = start_tx(station)
    curve = [{"frequency": 49.8, "power": -6_000.0}, {"frequency": 50.0, "power": 0.0},
             {"frequency": 50.2, "power": 6_000.0}]
    lf = profile(1, [{"startPeriod": 0, "operationMode": "LocalFrequency", "v2xBaseline": 1_000.0,
                      "v2xFreqWattCurve": curve, "limit": 5_000.0, "dischargeLimit": -4_000.0}])
    assert station.set_charging_profile(1, lf, V21)["status"] == "Accepted"
    assert station.profiles.power_w(1, tx_id, T0) == 1_000.0  # the composite: baseline at nominal frequency
    if callable_input:
        station.set_frequency(lambda at: 50.0 - 0.1 * min(1.0, (at - T0).total_seconds() / 10))
        clock.advance(20)
        station.advance_to(clock.now())
        assert station.evses[1].power_w == pytest.approx(-2_000.0)  # 1 kW + curve(49.9 Hz) = -2 kW
    else:
        station.set_frequency(50.05)
        clock.advance(10)
        station.advance_to(clock.now())
        assert station.evses[1].power_w == pytest.approx(2_500.0)
        station.set_frequency(49.7)  # -6 kW + 1 kW, held at dischargeLimit -4 kW
        clock.advance(10)
        station.advance_to(clock.now())
        assert station.evses[1].power_w == -4_000.0
        assert station.transactions[tx_id].import_wh == pytest.approx(2_500.0 * 10 / 3_600)
    assert freq_curve_w(curve, 51.0) == 6_000.0 and freq_curve_w(curve, 49.9) == -3_000.0


# ---- charging needs and kinds -----------------------------------------------------------------------------


@pytest.mark.parametrize("dc", [False, True])
@pytest.mark.parametrize("allow", [False, True])
def test_charging_needs_are_schema_valid_and_read_back_by_the_csms(dc: bool, allow: bool) -> None:
    spec = EvseSpec(1, 22_000.0, 22_000.0, dc=dc)
    ev = Ev(capacity_wh=64_000, soc=0.4, max_charge_power_w=22_000, max_discharge_power_w=10_000,
            allow_discharge=allow, min_soc=0.3, target_soc=0.8, departure_at=T0 + timedelta(hours=3))
    for version in OCPP_2X:
        payload = messages.charging_needs(spec, ev, version)
        validate_payload(version, "NotifyEVChargingNeeds", payload, is_request=True)
        record = needs_from_payload(SIM_0001, cast(v2x.NotifyEVChargingNeedsRequest, payload), T0)
        assert record.discharge_allowed is allow
        assert record.max_discharge_power_w == (10_000.0 if allow else 0.0)
        assert record.min_soc == 0.3 and record.ev_capacity_wh == 64_000
        assert record.departure_at == T0 + timedelta(hours=3)
        assert record.energy_request_wh == pytest.approx(0.4 * 64_000, abs=1)
        needs = payload["chargingNeeds"]
        if version is V21:
            assert needs["requestedEnergyTransfer"] == (("DC_BPT" if dc else "AC_BPT") if allow
                                                        else ("DC" if dc else "AC_three_phase"))
            assert record.max_charge_power_w == 22_000
        else:
            assert ("dcChargingParameters" in needs) is dc and ("acChargingParameters" in needs) is not dc


def test_station_sends_needs_on_plug_in_in_the_form_of_the_connection() -> None:
    clock = ManualClock(T0)
    spec = StationSpec(SIM_0001, "0123456789abcdef0123", versions=(V21, V201), evses=(EvseSpec(1, 11_000, 11_000),))
    station = SimStation(spec, clock)
    station.set_online(True)
    station.schedule_ev(1, Ev(capacity_wh=50_000, soc=0.5, max_charge_power_w=11_000, max_discharge_power_w=5_000,
                              allow_discharge=True, id_token="T"))
    station.advance_to(clock.now())
    [needs] = [m for m in station.outbox if m.action == "NotifyEVChargingNeeds"]
    assert needs.durable
    assert needs.payload_for(V21)["chargingNeeds"]["requestedEnergyTransfer"] == "AC_BPT"
    assert "acChargingParameters" in needs.payload_for(V201)["chargingNeeds"]


def test_kinds_mix_by_share_and_by_station_id() -> None:
    shares = {StationKind.V2X_21: 2.0, StationKind.CHARGE_ONLY_201: 1.0, StationKind.A_ONLY_201: 1.0}
    kinds = [kind_by_share(i, 8, shares) for i in range(1, 9)]
    assert kinds.count(StationKind.V2X_21) == 4 and kinds.count(StationKind.CHARGE_ONLY_201) == 2
    config = FleetConfig(stations=8, kind_shares=shares, station_kinds={"SIM-0008": StationKind.BIDIRECTIONAL_201},
                         station=StationConfig(kind=StationKind.A_ONLY_201))
    assert station_kind(config, 8) is StationKind.BIDIRECTIONAL_201
    assert station_kind(FleetConfig(station=StationConfig(kind=StationKind.A_ONLY_201)), 1) is StationKind.A_ONLY_201
    assert station_kind(FleetConfig(), 1) is None


@pytest.mark.parametrize("kind", [k for k in StationKind if OcppVersion.V16 not in PRESETS[k].versions])
def test_each_kind_advertises_its_capabilities_the_way_the_csms_reads_them(kind: StationKind) -> None:
    config = FleetConfig(stations=1, station_kinds={SIM_0001: kind}, station=StationConfig(evses=1))
    spec = station_spec(config, 1)
    station = SimStation(spec, ManualClock(T0))
    records = [VariableRecord(component=e["component"]["name"], variable=e["variable"]["name"],
                              evse_id=e["component"].get("evse", {}).get("id"), attribute_type=a["type"],
                              value=a.get("value", ""))
               for e in station.device_model.report("FullInventory") for a in e["variableAttribute"]]
    caps = capabilities_from_variables(spec.versions[0].value, records, 1)
    assert caps.discharge_supported is (kind is not StationKind.CHARGE_ONLY_201)
    assert caps.rate_unit == ("A" if kind is StationKind.A_ONLY_201 else "W")
    assert caps.supports_dynamic_profiles is caps.supports_max_offline_duration is (kind is StationKind.V2X_21)
    if kind is StationKind.V2X_21:
        assert caps.operation_modes == {"Idle", "ChargingOnly", "CentralSetpoint", "LocalFrequency"}
    assert caps.max_charge_power_w == 11_000.0


def test_answers_from_the_span_cache_equal_a_fresh_evaluation() -> None:
    """The store keeps the rules' choice per span between change points; queried in any order (forwards,
    backwards, across changes, offline and back), every answer equals that of a store without history."""
    clock = ManualClock(T0)
    station = make_station(clock, version=V21, features=V2X)
    station.set_online(True)
    tx_id = start_tx(station)
    store = station.profiles
    rng = random.Random(5)
    installs = [
        (1, profile(1, [{"startPeriod": 0, "operationMode": "CentralSetpoint", "setpoint": -3_000.0},
                        {"startPeriod": 300, "operationMode": "ChargingOnly", "limit": 4_000.0}],
                    duration_s=900, maxOfflineDuration=230)),
        (0, profile(2, [{"startPeriod": 0, "limit": 20.0}, {"startPeriod": 450, "limit": 9.0}], unit="A",
                    purpose="TxDefaultProfile", start=T0 + timedelta(seconds=120))),
        (0, profile(3, [{"startPeriod": 0, "limit": 6_000.0, "dischargeLimit": 2_500.0}],
                    purpose="ChargingStationMaxProfile", start=T0 + timedelta(seconds=200), duration_s=500)),
    ]

    def fresh() -> ProfileStore:
        return ProfileStore(store.evses, store.features, dict(store.profiles), store.offline_since_at)

    def check() -> None:
        for _ in range(60):
            at = T0 + timedelta(seconds=rng.choice([rng.uniform(-60, 1_200), rng.uniform(250, 350)]))
            for evse_id, tx in ((1, tx_id), (2, None)):
                assert store.power_w(evse_id, tx, at) == fresh().power_w(evse_id, tx, at)
                assert store.next_change_at(evse_id, at) == fresh().next_change_at(evse_id, at)
                assert store.follows_frequency(evse_id, tx, at) == fresh().follows_frequency(evse_id, tx, at)

    check()
    for evse_id, body in installs:
        assert store.set_profile(evse_id, body, V21, {1: tx_id, 2: None}, T0)["status"] == "Accepted"
        check()
    store.set_offline(True, T0 + timedelta(seconds=100))
    check()
    store.set_offline(False, T0 + timedelta(seconds=400))
    check()
    store.clear({"chargingProfileId": 2})
    check()
