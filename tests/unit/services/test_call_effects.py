"""CallEffects: the station records follow the answers to the CSMS's own commands (monitors, charging profiles,
reservations, local list), and a failure to keep an effect never fails the command."""

from __future__ import annotations

from typing import Any

from csms.domain.ids import StationId
from csms.services import station_records as sr
from csms.services.call_effects import KEEP_REQUESTS, CallEffects
from tests.unit.handlers.harness import STATION, Station, at

SID = StationId(STATION)


def profile(profile_id: int, purpose: str = "TxDefaultProfile", stack_level: int = 0) -> dict[str, Any]:
    return {"id": profile_id, "stackLevel": stack_level, "chargingProfilePurpose": purpose,
            "chargingProfileKind": "Absolute", "chargingSchedule": [{
                "id": 1, "chargingRateUnit": "W", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 11000.0}]}]}


async def report(station: Station, request_id: int, evse_id: int, *profiles: dict[str, Any],
                 tbc: bool = False) -> None:
    await station.call("ReportChargingProfiles", {"requestId": request_id, "chargingLimitSource": "CSO",
                                                  "evseId": evse_id, "chargingProfile": list(profiles), "tbc": tbc})


async def profile_ids(station: Station) -> list[int]:
    return [d["profile"]["id"] for d in await station.store.list_station_docs(SID, sr.CHARGING_PROFILE)]


async def test_reported_profiles_are_the_stations_truth_and_a_new_report_drops_what_it_no_longer_holds() -> None:
    station = Station()
    effects = CallEffects(station.store, station.clock)
    await effects.before(STATION, "GetChargingProfiles", {"requestId": 1, "chargingProfile": {}})
    await report(station, 1, 1, profile(10), tbc=True)
    await report(station, 1, 2, profile(20, "TxProfile"))
    assert await profile_ids(station) == [10, 20]
    # a second request for EVSE 1 only: the station now holds profile 11 there
    await effects.before(STATION, "GetChargingProfiles", {"requestId": 2, "evseId": 1, "chargingProfile": {}})
    await report(station, 2, 1, profile(11))
    assert await profile_ids(station) == [11, 20]
    # NoProfiles for TxProfile purpose: the station holds none of those
    request = {"requestId": 3, "chargingProfile": {"chargingProfilePurpose": "TxProfile"}}
    await effects.before(STATION, "GetChargingProfiles", request)
    await effects.after(STATION, "GetChargingProfiles", request, {"status": "NoProfiles"})
    assert await profile_ids(station) == [11]


async def test_an_accepted_clear_charging_profile_removes_what_it_matched() -> None:
    station = Station()
    effects = CallEffects(station.store, station.clock)
    await report(station, 1, 1, profile(10), profile(12, stack_level=3))
    await effects.after(STATION, "ClearChargingProfile", {"chargingProfileCriteria": {"stackLevel": 3}},
                        {"status": "Unknown"})
    assert await profile_ids(station) == [10, 12]  # not cleared by the station: kept
    await effects.after(STATION, "ClearChargingProfile", {"chargingProfileCriteria": {"stackLevel": 3}},
                        {"status": "Accepted"})
    assert await profile_ids(station) == [10]


async def test_monitors_set_and_cleared_follow_the_answers() -> None:
    station = Station()
    effects = CallEffects(station.store, station.clock)
    component, variable = {"name": "EVSE", "evse": {"id": 1}}, {"name": "Power"}
    await effects.after(STATION, "SetVariableMonitoring", {"setMonitoringData": [
        {"id": 4, "value": 11000.0, "type": "UpperThreshold", "severity": 4, "component": component,
         "variable": variable}]}, {"setMonitoringResult": [
        {"id": 4, "status": "Accepted", "type": "UpperThreshold", "severity": 4, "component": component,
         "variable": variable},
        {"id": 5, "status": "Rejected", "type": "Delta", "severity": 4, "component": component,
         "variable": variable}]})
    [monitor] = await station.store.list_station_docs(SID, sr.MONITOR)
    assert (monitor["id"], monitor["value"], monitor["type"]) == (4, 11000.0, "UpperThreshold")
    await effects.after(STATION, "ClearVariableMonitoring", {"id": [4]},
                        {"clearMonitoringResult": [{"id": 4, "status": "Accepted"}]})
    assert await station.store.list_station_docs(SID, sr.MONITOR) == []


async def test_a_reservation_the_station_expires_is_kept_as_expired() -> None:
    station = Station()
    effects = CallEffects(station.store, station.clock)
    reserve = {"id": 3, "expiryDateTime": at(30), "idToken": {"idToken": "A", "type": "ISO14443"}}
    await effects.after(STATION, "ReserveNow", reserve, {"status": "Accepted"})
    await station.call("ReservationStatusUpdate", {"reservationId": 3, "reservationUpdateStatus": "Expired"})
    doc = await station.store.get_station_doc(SID, sr.RESERVATION, "3")
    assert doc is not None and doc["status"] == "Expired" and doc["idToken"]["idToken"] == "A"
    assert [h["status"] for h in doc["history"]] == ["Reserved", "Expired"]


async def test_an_answer_the_effect_cannot_read_is_logged_not_raised() -> None:
    station = Station()
    effects = CallEffects(station.store, station.clock)
    await effects.after(STATION, "SetVariables", {"setVariableData": []}, {"unexpected": True})
    assert await station.store.list_variables(SID) == []


async def test_only_the_newest_remote_starts_are_kept() -> None:
    station = Station()
    effects = CallEffects(station.store, station.clock)
    for remote_start_id in range(1, KEEP_REQUESTS + 3):
        station.clock.advance(1)
        await effects.before(STATION, "RequestStartTransaction", {
            "remoteStartId": remote_start_id, "idToken": {"idToken": "A", "type": "Central"}})
    kept = sorted(d["remoteStartId"] for d in await station.store.list_station_docs(SID, sr.REMOTE_START))
    assert kept == list(range(3, KEEP_REQUESTS + 3))
