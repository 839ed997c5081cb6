"""Property: for random stacks of charging profiles installed on a simulated station, the station's
GetCompositeSchedule answer equals what the CSMS expects (`csms.services.composite.expected_composite`).

The two sides implement docs/smart-charging.md independently. Profiles are TxProfile / TxDefaultProfile /
ChargingStationMaxProfile with random stack levels, validity windows, schedule starts and durations and periods,
in W or A, in OCPP 2.0.1 form (signed `limit`) or 2.1 form (ChargingOnly, CentralSetpoint with limit and
dischargeLimit, Idle, LocalFrequency; Absolute and Dynamic kinds, Dynamic ones updated by UpdateDynamicSchedule).
They go to the station through its real handlers over an in-memory RPC session pair (schemas checked both ways),
every one must be Accepted, and the test keeps its own list of what is installed (a profile replaces the one
with the same id and the one with the same purpose, stack level and EVSE).
Values are whole W or tenths of A, so W and A answers convert back to the same 0.1 W.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from chargepoint_sim.ev import Ev
from chargepoint_sim.evse import EvseSpec
from chargepoint_sim.handlers import make_handlers
from chargepoint_sim.kinds import PRESETS, StationKind
from chargepoint_sim.station import SimStation, StationSpec
from csms.domain.clock import ManualClock, to_ocpp_time
from csms.ocpp.versions import OcppVersion
from csms.services.composite import EvseHardware, InstalledProfile, composite_from_response, expected_composite
from tests.unit.sim.peer import CsmsPeer, SessionPair

T0 = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
EVSES = (EvseSpec(1, 11_000.0, 11_000.0, phases=3), EvseSpec(2, 7_400.0, 7_400.0, phases=1))
HW = {e.evse_id: EvseHardware(e.max_power_w, e.max_discharge_power_w, e.voltage_v, e.phases) for e in EVSES}
V201, V21 = OcppVersion.V201, OcppVersion.V21
TX_IDS = {1: "tx-evse-1", 2: "tx-evse-2"}


def _time(offset_s: int) -> str:
    return to_ocpp_time(T0 + timedelta(seconds=offset_s))


@st.composite
def rates(draw: st.DrawFn, unit: str, low: float, high: float) -> float:
    """A value in [low, high] W, as whole W or tenths of A (one phase of 230 V as the scale)."""
    if unit == "W":
        return float(draw(st.integers(int(low), int(high))))
    return draw(st.integers(int(low / 23), int(high / 23))) / 10


@st.composite
def period_201(draw: st.DrawFn, unit: str, purpose: str) -> dict[str, Any]:
    return {"limit": draw(rates(unit, -15_000, 15_000))}


@st.composite
def period_21(draw: st.DrawFn, unit: str, purpose: str) -> dict[str, Any]:
    maybe = st.booleans()
    if purpose == "ChargingStationMaxProfile":
        period: dict[str, Any] = {"limit": draw(rates(unit, 0, 15_000))}
        mode = draw(st.sampled_from([None, "ChargingOnly", "CentralSetpoint"]))
        if mode is not None:
            period["operationMode"] = mode
        if mode == "CentralSetpoint":
            period["setpoint"] = period["limit"]
        if draw(maybe):
            period["dischargeLimit"] = -draw(rates(unit, 0, 15_000))
        return period
    mode = draw(st.sampled_from([None, "ChargingOnly", "CentralSetpoint", "Idle", "LocalFrequency"]))
    if mode in (None, "ChargingOnly"):
        period = {"limit": draw(rates(unit, 0, 15_000))}
        if mode:
            period["operationMode"] = mode
        return period
    period = {"operationMode": mode}
    if mode == "CentralSetpoint":
        setpoint = draw(rates(unit, -15_000, 15_000))
        period["setpoint"] = setpoint
        if draw(maybe):
            period["limit"] = max(setpoint, 0.0) + draw(rates(unit, 0, 3_000))
        if draw(maybe):
            period["dischargeLimit"] = min(setpoint, 0.0) - draw(rates(unit, 0, 3_000))
    elif mode == "LocalFrequency":
        powers = draw(st.lists(st.integers(-8_000, 8_000), min_size=2, max_size=4))
        period["v2xFreqWattCurve"] = [{"frequency": 49.8 + 0.1 * i, "power": float(p)} for i, p in enumerate(powers)]
        if draw(maybe):
            period["v2xBaseline"] = draw(rates(unit, -8_000, 8_000))
        if draw(maybe):
            period["limit"] = draw(rates(unit, 0, 15_000))
        if draw(maybe):
            period["dischargeLimit"] = -draw(rates(unit, 0, 15_000))
    return period


@st.composite
def charging_profile(draw: st.DrawFn, version: OcppVersion) -> tuple[int, dict[str, Any], dict[str, Any] | None]:
    """(evseId, chargingProfile, UpdateDynamicSchedule scheduleUpdate or None)."""
    purpose = draw(st.sampled_from(["TxProfile", "TxDefaultProfile", "TxDefaultProfile", "ChargingStationMaxProfile"]))
    evse_id = {"TxProfile": draw(st.sampled_from([1, 2])), "TxDefaultProfile": draw(st.sampled_from([0, 1, 2])),
               "ChargingStationMaxProfile": 0}[purpose]
    unit = draw(st.sampled_from(["W", "A"]))
    dynamic = version is V21 and purpose != "ChargingStationMaxProfile" and draw(st.booleans())
    gaps = draw(st.lists(st.integers(30, 900), min_size=0, max_size=0 if dynamic else 3))
    starts = [0]
    for gap in gaps:
        starts.append(starts[-1] + gap)
    make_period = period_21 if version is V21 else period_201
    periods = []
    for start in starts:
        period = {"startPeriod": start, **draw(make_period(unit, purpose))}
        # numberPhases on A periods
        if unit == "A" and draw(st.booleans()):
            period["numberPhases"] = draw(st.integers(1, 3))
        periods.append(period)
    schedule: dict[str, Any] = {"id": 1, "chargingRateUnit": unit, "chargingSchedulePeriod": periods,
                                "startSchedule": _time(draw(st.integers(-600, 900)))}
    if draw(st.booleans()):
        schedule["duration"] = draw(st.integers(300, 3_600))
    profile: dict[str, Any] = {
        "id": draw(st.integers(1, 10)), "stackLevel": draw(st.integers(0, 2)), "chargingProfilePurpose": purpose,
        "chargingProfileKind": "Dynamic" if dynamic else "Absolute", "chargingSchedule": [schedule]}
    if draw(st.integers(0, 3)) == 0:
        profile["validFrom"] = _time(draw(st.integers(-600, 1_200)))
    if draw(st.integers(0, 3)) == 0:
        profile["validTo"] = _time(draw(st.integers(0, 3_000)))
    if purpose == "TxProfile" and draw(st.booleans()):
        profile["transactionId"] = TX_IDS[evse_id]
    update = None
    mode = periods[0].get("operationMode")
    if dynamic and mode in (None, "ChargingOnly", "CentralSetpoint") and draw(st.booleans()):
        if mode == "CentralSetpoint":
            setpoint = draw(rates(unit, -15_000, 15_000))
            update = {"setpoint": setpoint, "limit": max(setpoint, 0.0), "dischargeLimit": min(setpoint, 0.0)}
        else:
            update = {"limit": draw(rates(unit, 0, 15_000))}
    return evse_id, profile, update


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    version = draw(st.sampled_from([V201, V21]))
    return {
        "version": version,
        "profiles": draw(st.lists(charging_profile(version), min_size=1, max_size=8)),
        "evse_id": draw(st.sampled_from([1, 2])),
        "start_s": draw(st.integers(-300, 900)),
        "duration_s": draw(st.integers(600, 3_600)),
        "unit": draw(st.sampled_from(["W", "A"])),
    }


def _station(version: OcppVersion) -> SimStation:
    spec = StationSpec("SIM-0001", "0123456789abcdef0123", versions=(version,), evses=EVSES,
                       charging=PRESETS[StationKind.V2X_21].features)
    station = SimStation(spec, ManualClock(T0))
    for evse_id, tx_id in TX_IDS.items():
        station.schedule_ev(evse_id, Ev(capacity_wh=60_000, soc=0.5, max_charge_power_w=11_000,
                                        max_discharge_power_w=11_000, allow_discharge=True, id_token=tx_id))
        station.advance_to(T0)
        tx = station.authorization_result(evse_id, tx_id, "Accepted")
        assert tx is not None
        station.transactions[tx_id] = station.transactions.pop(tx.transaction_id)  # readable, fixed ids
        tx.transaction_id = tx_id
    return station


async def _station_composite(sc: dict[str, Any]) -> tuple[list[InstalledProfile], dict[str, Any]]:
    """Install the scenario's profiles on a station; its GetCompositeSchedule answer and what is installed."""
    station = _station(sc["version"])
    sessions = SessionPair(make_handlers(station), CsmsPeer().handlers(), version=sc["version"])
    installed: list[InstalledProfile] = []
    try:
        for evse_id, profile, update in sc["profiles"]:
            response = await sessions.csms.call("SetChargingProfile", {"evseId": evse_id, "chargingProfile": profile})
            assert response == {"status": "Accepted"}, (profile, response)
            key = (profile["chargingProfilePurpose"], profile["stackLevel"], evse_id)
            installed = [p for p in installed if p.profile["id"] != profile["id"] and (
                p.profile["chargingProfilePurpose"], p.profile["stackLevel"], p.evse_id) != key]
            if update is not None:
                response = await sessions.csms.call("UpdateDynamicSchedule", {
                    "chargingProfileId": profile["id"], "scheduleUpdate": update})
                assert response == {"status": "Accepted"}, (profile, update, response)
                [schedule] = profile["chargingSchedule"]
                profile = {**profile, "chargingSchedule": [{**schedule, "chargingSchedulePeriod": [
                    {**schedule["chargingSchedulePeriod"][0], **update}]}]}
            installed.append(InstalledProfile(evse_id, profile))
        station.clock.advance(sc["start_s"])  # type: ignore[attr-defined]
        response = await sessions.csms.call("GetCompositeSchedule", {
            "evseId": sc["evse_id"], "duration": sc["duration_s"], "chargingRateUnit": sc["unit"]})
    finally:
        await sessions.close()
    assert response["status"] == "Accepted"
    return installed, response


def _profile(pid: int, purpose: str, periods: list[dict[str, Any]], *, stack: int = 0, unit: str = "W",
             start_s: int = 0, duration_s: int | None = None, kind: str = "Absolute") -> dict[str, Any]:
    schedule: dict[str, Any] = {"id": pid, "chargingRateUnit": unit, "startSchedule": _time(start_s),
                                "chargingSchedulePeriod": periods}
    if duration_s is not None:
        schedule["duration"] = duration_s
    return {"id": pid, "stackLevel": stack, "chargingProfilePurpose": purpose, "chargingProfileKind": kind,
            "chargingSchedule": [schedule]}


def _scenario(version: OcppVersion, profiles: list[tuple[int, dict[str, Any], dict[str, Any] | None]],
              evse_id: int = 1, duration_s: int = 3_600, unit: str = "W") -> dict[str, Any]:
    return {"version": version, "profiles": profiles, "evse_id": evse_id, "start_s": 0, "duration_s": duration_s,
            "unit": unit}


TX, TXD, MAX = "TxProfile", "TxDefaultProfile", "ChargingStationMaxProfile"
# Every written rule exercised on every run, whatever the random examples draw:
RULE_EXAMPLES = [
    # rule 2: TxDefault tie on EVSE 0 and on the EVSE goes to the EVSE's; a TxProfile (no transactionId) over both,
    # until its duration ends; rule 3 A -> W with the period's numberPhases
    _scenario(V201, [(0, _profile(1, TXD, [{"startPeriod": 0, "limit": 3_000.0}], stack=1), None),
                     (1, _profile(2, TXD, [{"startPeriod": 0, "limit": 5_000.0}], stack=1), None),
                     (1, _profile(3, TX, [{"startPeriod": 0, "limit": -10.0, "numberPhases": 1}], unit="A",
                                  start_s=600, duration_s=600), None)]),
    # rule 4 on 2.0.1: a negative station maximum caps both ways at |limit|
    _scenario(V201, [(0, _profile(1, MAX, [{"startPeriod": 0, "limit": -4_000.0}]), None),
                     (1, _profile(2, TX, [{"startPeriod": 0, "limit": -6_000.0}, {"startPeriod": 900, "limit": 8_000.0},
                                          {"startPeriod": 1_800, "limit": 2_000.0}]), None)]),
    # rule 4 on 2.1: dischargeLimit caps discharge, limit caps charge; rule 3 per operationMode
    _scenario(V21, [(0, _profile(1, MAX, [{"startPeriod": 0, "limit": 9_000.0, "dischargeLimit": -2_000.0},
                                          {"startPeriod": 1_200, "limit": 9_000.0}]), None),
                    (1, _profile(2, TX, [
                        {"startPeriod": 0, "operationMode": "CentralSetpoint", "setpoint": -6_000.0},
                        {"startPeriod": 600, "operationMode": "Idle"},
                        {"startPeriod": 900, "operationMode": "LocalFrequency", "v2xBaseline": -1_500.0,
                         "v2xFreqWattCurve": [{"frequency": 49.9, "power": -3_000.0},
                                              {"frequency": 50.1, "power": 3_000.0}]},
                        {"startPeriod": 1_500, "operationMode": "CentralSetpoint", "setpoint": -7_000.0},
                        {"startPeriod": 2_100, "limit": 12_000.0}]), None)]),
    # 2.1 Dynamic profile: its period is the one UpdateDynamicSchedule set; EVSE 2 (one phase) in A
    _scenario(V21, [(2, _profile(1, TX, [{"startPeriod": 0, "operationMode": "CentralSetpoint", "setpoint": 10.0}],
                                 unit="A", kind="Dynamic", duration_s=1_800),
                     {"setpoint": -20.0, "limit": 0.0, "dischargeLimit": -20.0})], evse_id=2, unit="A"),
]


def _with_rule_examples(test: Any) -> Any:
    for sc in reversed(RULE_EXAMPLES):
        test = example(sc)(test)
    return test


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
@_with_rule_examples
def test_station_composite_schedule_equals_the_csms_expectation(sc: dict[str, Any]) -> None:
    installed, response = asyncio.run(_station_composite(sc))
    evse_id = sc["evse_id"]
    hw = HW[evse_id]
    start_at = T0 + timedelta(seconds=sc["start_s"])
    assert response["schedule"]["scheduleStart"] == to_ocpp_time(start_at)
    expected = expected_composite(installed, evse_id, TX_IDS[evse_id], start_at, sc["duration_s"], hw)
    assert composite_from_response(response, hw) == expected


def test_station_max_discharge_limit_in_amps_uses_the_periods_number_of_phases() -> None:
    station_max = {"id": 1, "stackLevel": 0, "chargingProfilePurpose": "ChargingStationMaxProfile",
                   "chargingProfileKind": "Absolute", "chargingSchedule": [{
                       "id": 1, "chargingRateUnit": "A", "startSchedule": _time(0), "chargingSchedulePeriod": [
                           {"startPeriod": 0, "limit": 16.0, "dischargeLimit": -16.0, "numberPhases": 1}]}]}
    discharge = {"id": 2, "stackLevel": 0, "chargingProfilePurpose": "TxProfile", "chargingProfileKind": "Absolute",
                 "chargingSchedule": [{"id": 2, "chargingRateUnit": "W", "startSchedule": _time(0),
                                       "chargingSchedulePeriod": [{"startPeriod": 0, "operationMode": "CentralSetpoint",
                                                                   "setpoint": -5_000.0}]}]}
    sc = {"version": V21, "profiles": [(0, station_max, None), (1, discharge, None)], "evse_id": 1, "start_s": 0,
          "duration_s": 60, "unit": "W"}
    installed, response = asyncio.run(_station_composite(sc))
    assert composite_from_response(response, HW[1]) == [(0, -16.0 * 230.0 * 1)]  # the station, by rule 3
    assert expected_composite(installed, 1, TX_IDS[1], T0, 60, HW[1]) == [(0, -16.0 * 230.0 * 1)]
