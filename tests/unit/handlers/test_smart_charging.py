"""Smart-charging messages from stations (blocks K and Q) through a real RpcSession: what NotifyEVChargingNeeds
(2.0.1 and 2.1 `v2xChargingParameters`), NotifyEVChargingSchedule and NotifyChargingLimit store and publish."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import pytest

from csms.domain.ids import TransactionId
from csms.domain.records import TransactionRecord
from csms.handlers.smart_charging import needs_from_payload
from csms.ocpp.schemas import validate_payload
from csms.ocpp.versions import OcppVersion
from csms.ocpp.wire import v2x
from tests.unit.handlers.harness import STATION, T0, Station, at

V201, V21 = OcppVersion.V201, OcppVersion.V21


def v2x_needs(transfer: str = "DC_BPT", **v2x: Any) -> dict[str, Any]:
    """A 2.1 NotifyEVChargingNeedsRequest of an ISO 15118-20 bidirectional session."""
    parameters = {"minChargePower": 1_500.0, "maxChargePower": 50_000.0, "minDischargePower": 1_000.0,
                  "maxDischargePower": 20_000.0, "evTargetEnergyRequest": 24_000.0, "evMinEnergyRequest": 6_000.0,
                  "evMaxEnergyRequest": 30_000.0, "evMinV2XEnergyRequest": -12_000.0,
                  "evMaxV2XEnergyRequest": 18_000.0, "targetSoC": 90, **v2x}
    return {"evseId": 1, "maxScheduleTuples": 3, "chargingNeeds": {
        "requestedEnergyTransfer": transfer,
        "availableEnergyTransfer": ["DC" if transfer.startswith("DC") else "AC_three_phase", transfer],
        "controlMode": "DynamicControl", "departureTime": at(240), "v2xChargingParameters": parameters}}


def test_v2x_charging_parameters_are_kept_on_the_needs_record() -> None:
    payload = v2x_needs()
    payload["chargingNeeds"]["dcChargingParameters"] = {"evMaxCurrent": 125, "evMaxVoltage": 400,
                                                        "evEnergyCapacity": 60_000, "stateOfCharge": 50}
    validate_payload(V21, "NotifyEVChargingNeeds", payload, is_request=True)

    record = needs_from_payload(STATION, cast(v2x.NotifyEVChargingNeedsRequest, payload), T0)

    assert (record.min_charge_power_w, record.max_charge_power_w) == (1_500.0, 50_000.0)
    assert (record.min_discharge_power_w, record.max_discharge_power_w) == (1_000.0, 20_000.0)
    assert record.discharge_allowed and record.control_mode == "DynamicControl"
    assert (record.energy_request_wh, record.energy_min_request_wh, record.energy_max_request_wh) == (
        24_000.0, 6_000.0, 30_000.0)
    assert (record.v2x_min_energy_request_wh, record.v2x_max_energy_request_wh) == (-12_000.0, 18_000.0)
    assert record.target_soc == 0.9 and record.departure_at == T0 + timedelta(minutes=240)
    assert record.ev_capacity_wh == 60_000 and record.soc_at_received == 0.5
    # the bottom of the V2X range is 12 kWh below 50 % of 60 kWh: a 30 % reserve
    assert record.min_soc == pytest.approx(0.3)


def test_the_stricter_of_the_customdata_reserve_and_the_v2x_range_bottom_is_the_min_soc() -> None:
    payload = v2x_needs(evMinV2XEnergyRequest=-27_000.0)  # 5 % of 60 kWh above empty at 50 %
    payload["chargingNeeds"]["customData"] = {"vendorId": "org.v2g-csms", "minSoC": 0.25,
                                              "evEnergyCapacity": 60_000}
    validate_payload(V21, "NotifyEVChargingNeeds", payload, is_request=True)

    request = cast(v2x.NotifyEVChargingNeedsRequest, payload)  # schema-valid: what the handler receives

    assert needs_from_payload(STATION, request, T0, soc=0.5).min_soc == pytest.approx(0.25)
    assert needs_from_payload(STATION, request, T0, soc=0.9).min_soc == pytest.approx(0.45)
    unplaced = needs_from_payload(STATION, request, T0)  # no SoC known: the relative request cannot be placed
    assert unplaced.min_soc == 0.25 and unplaced.soc_at_received is None
    assert unplaced.v2x_min_energy_request_wh == -27_000.0


def test_a_2_0_1_request_leaves_the_2_1_fields_empty() -> None:
    payload = {"evseId": 1, "chargingNeeds": {"requestedEnergyTransfer": "AC_three_phase", "acChargingParameters": {
        "energyAmount": 20_000, "evMinCurrent": 6, "evMaxCurrent": 16, "evMaxVoltage": 230}}}
    validate_payload(V201, "NotifyEVChargingNeeds", payload, is_request=True)

    record = needs_from_payload(STATION, cast(v2x.NotifyEVChargingNeedsRequest, payload), T0)

    assert record.energy_request_wh == 20_000 and record.max_charge_power_w == 16 * 230 * 3
    assert (record.min_charge_power_w, record.min_discharge_power_w, record.energy_min_request_wh,
            record.energy_max_request_wh, record.v2x_min_energy_request_wh, record.v2x_max_energy_request_wh,
            record.soc_at_received, record.min_soc) == (None,) * 8


def test_an_energy_amount_of_zero_is_a_request_not_a_missing_one() -> None:
    """A DC battery already at its target asks for 0 Wh: it still wants back whatever it gives."""
    payload = {"evseId": 1, "chargingNeeds": {"requestedEnergyTransfer": "DC", "dcChargingParameters": {
        "energyAmount": 0, "evMaxCurrent": 250, "evMaxVoltage": 400}}}
    validate_payload(V201, "NotifyEVChargingNeeds", payload, is_request=True)

    record = needs_from_payload(STATION, cast(v2x.NotifyEVChargingNeedsRequest, payload), T0)

    assert record.energy_request_wh == 0.0


async def test_needs_over_the_wire_place_the_v2x_reserve_at_the_open_transactions_soc() -> None:
    station = Station(version=V21)
    await station.store.put_transaction(TransactionRecord(STATION, TransactionId("TX1"), evse_id=1,
                                                          started_at=T0, last_soc=0.4))
    payload = v2x_needs("AC_BPT", evMinV2XEnergyRequest=2_500.0)  # the battery is below its V2X range
    payload["chargingNeeds"]["customData"] = {"vendorId": "org.v2g-csms", "minSoC": 0.25,
                                              "evEnergyCapacity": 50_000}
    validate_payload(V21, "NotifyEVChargingNeeds", payload, is_request=True)

    assert await station.call("NotifyEVChargingNeeds", payload) == {"status": "Accepted"}

    stored = await station.store.get_charging_needs(STATION, 1)
    assert stored is not None
    assert stored.soc_at_received == 0.4 and stored.min_soc == pytest.approx(0.45)
    assert stored.energy_max_request_wh == 30_000.0 and stored.min_charge_power_w == 1_500.0
    [event] = [e for e in station.events if e.kind == "ev.needs"]
    assert event.data["evse_id"] == 1 and event.data["discharge_allowed"] is True
    assert event.data["energy_request_wh"] == 24_000.0


def _ev_schedule(version: OcppVersion) -> dict[str, Any]:
    schedule: dict[str, Any] = {"id": 3, "chargingRateUnit": "W", "startSchedule": at(5), "duration": 3_600,
                                "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 7_000.0},
                                                           {"startPeriod": 1_800, "limit": 3_500.0}]}
    payload: dict[str, Any] = {"timeBase": at(5), "evseId": 1, "chargingSchedule": schedule}
    if version is V21:
        payload["selectedChargingScheduleId"] = 3
    return payload


@pytest.mark.parametrize("version", [V201, V21], ids=lambda v: str(v.value))
async def test_notify_ev_charging_schedule_is_accepted_and_published_with_its_time_base(
        version: OcppVersion) -> None:
    station = Station(version=version)
    station.clock.advance(60)
    payload = _ev_schedule(version)
    validate_payload(version, "NotifyEVChargingSchedule", payload, is_request=True)

    assert await station.call("NotifyEVChargingSchedule", payload) == {"status": "Accepted"}

    [event] = [e for e in station.events if e.kind == "ev.schedule"]
    assert event.station_id == STATION and event.at == T0 + timedelta(seconds=60)  # when it arrived
    assert event.data["evse_id"] == 1 and event.data["time_base"] == T0 + timedelta(minutes=5)
    assert [p["limit"] for p in event.data["schedule"]["chargingSchedulePeriod"]] == [7_000.0, 3_500.0]
    assert await station.store.get_charging_needs(STATION, 1) is None  # nothing stored


@pytest.mark.parametrize("version", [V201, V21], ids=lambda v: str(v.value))
async def test_notify_charging_limit_publishes_the_source_and_the_limit_schedules(version: OcppVersion) -> None:
    station = Station(version=version)
    schedule = {"id": 9, "chargingRateUnit": "W", "startSchedule": at(0), "duration": 900,
                "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 4_000.0}]}
    payload = {"evseId": 2, "chargingLimit": {"chargingLimitSource": "SO", "isGridCritical": True},
               "chargingSchedule": [schedule]}
    validate_payload(version, "NotifyChargingLimit", payload, is_request=True)

    assert await station.call("NotifyChargingLimit", payload) == {}
    assert await station.call("NotifyChargingLimit", {"chargingLimit": {"chargingLimitSource": "EMS"}}) == {}

    limits = [e for e in station.events if e.kind == "station.charging_limit"]
    assert [(e.data["evse_id"], e.data["source"], e.data["grid_critical"]) for e in limits] == [
        (2, "SO", True), (None, "EMS", None)]
    assert limits[0].data["schedules"] == [schedule] and limits[1].data["schedules"] == []
    assert limits[0].at == T0
