"""The fleet as the planner sees it: the EV's needs (2.0.1 and the 2.1 energy requests) become EvSpec bounds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest

from csms.domain.capabilities import StationCapabilities
from csms.domain.clock import ManualClock
from csms.domain.ids import StationId, TransactionId
from csms.domain.records import ChargingNeedsRecord, TransactionRecord
from csms.handlers.smart_charging import needs_from_payload
from csms.ocpp.schemas import validate_payload
from csms.ocpp.versions import OcppVersion
from csms.ocpp.wire import v2x
from csms.optimizer.problem import EvSpec
from csms.services.charging import ChargingService
from csms.services.events import EventBus
from csms.services.fleet_view import plugged_evs
from csms.settings import FleetSettings
from csms.store.memory import MemoryStore
from tests.helpers.gateways import RecordingGateway

T0 = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)
FLEET = FleetSettings(charge_efficiency=0.9, discharge_efficiency=0.9)
DEFAULT_MIN_SOC = 0.2
S1, S2 = StationId("S1"), StationId("S2")


async def spec_for(needs: ChargingNeedsRecord | None, *, last_soc: float | None = 0.5, import_wh: float = 0.0,
                   export_wh: float = 0.0) -> EvSpec:
    store = MemoryStore()
    charging = ChargingService(RecordingGateway(), store, ManualClock(T0), EventBus())
    charging.override_capabilities(S1, 1, StationCapabilities(
        ocpp_version="ocpp2.1", discharge_supported=True, max_charge_power_w=22_000, max_discharge_power_w=22_000))
    if needs is not None:
        await store.put_charging_needs(needs)
    await store.put_transaction(TransactionRecord(
        S1, TransactionId("tx"), evse_id=1, started_at=T0 - timedelta(hours=1), last_soc=last_soc,
        import_register_min_wh=1_000.0, import_register_max_wh=1_000.0 + import_wh,
        export_register_min_wh=500.0, export_register_max_wh=500.0 + export_wh))
    [ev] = await plugged_evs(store, charging, T0, FLEET, DEFAULT_MIN_SOC)
    return ev.spec


def needs(**fields: Any) -> ChargingNeedsRecord:
    base: dict[str, Any] = {"discharge_allowed": True, "max_discharge_power_w": 11_000.0, "ev_capacity_wh": 50_000.0}
    return ChargingNeedsRecord(S1, 1, T0 - timedelta(hours=1), **{**base, **fields})


async def test_the_bottom_of_the_v2x_range_is_the_reserve_from_the_soc_when_the_needs_were_sent() -> None:
    spec = await spec_for(needs(v2x_min_energy_request_wh=-10_000.0, soc_at_received=0.7), last_soc=0.9)
    assert spec.soc_min == pytest.approx(0.5)  # 0.7 - 10 kWh / 50 kWh, whatever the SoC now
    spec = await spec_for(needs(v2x_min_energy_request_wh=-30_000.0, soc_at_received=0.7))
    assert spec.soc_min == pytest.approx(0.1)  # the EV's own reserve, even below the configured default


async def test_without_the_soc_at_the_time_the_reserve_is_placed_from_the_soc_now_less_the_energy_put_in() -> None:
    # 10 kWh imported (9 kWh into the battery) and 1.8 kWh exported (2 kWh out of it) since plug-in: +7 kWh
    spec = await spec_for(needs(v2x_min_energy_request_wh=-5_000.0), last_soc=0.8, import_wh=10_000.0,
                          export_wh=1_800.0)
    assert spec.soc_min == pytest.approx(0.8 - 7_000 / 50_000 - 5_000 / 50_000)


async def test_the_stricter_of_the_min_soc_and_the_v2x_reserve_wins_and_an_unknown_capacity_places_nothing() -> None:
    spec = await spec_for(needs(min_soc=0.35, v2x_min_energy_request_wh=-10_000.0, soc_at_received=0.5))
    assert spec.soc_min == pytest.approx(0.35)  # the V2X bottom would be 0.3
    spec = await spec_for(needs(min_soc=0.25, v2x_min_energy_request_wh=-10_000.0, soc_at_received=0.7))
    assert spec.soc_min == pytest.approx(0.5)
    spec = await spec_for(needs(ev_capacity_wh=None, v2x_min_energy_request_wh=-10_000.0, soc_at_received=0.7,
                                energy_max_request_wh=5_000.0))
    assert (spec.soc_min, spec.soc_max) == (DEFAULT_MIN_SOC, 1.0)


async def test_the_maximum_energy_request_caps_soc_max_but_never_below_the_target_soc() -> None:
    spec = await spec_for(needs(energy_max_request_wh=15_000.0, soc_at_received=0.5))
    assert spec.soc_max == pytest.approx(0.8)
    spec = await spec_for(needs(energy_max_request_wh=15_000.0, soc_at_received=0.5, target_soc=0.85))
    assert spec.soc_max == pytest.approx(0.85)


@pytest.mark.parametrize(("target_wh", "min_wh", "max_wh", "need_wh"), [
    (20_000.0, None, None, 20_000.0),
    (20_000.0, 25_000.0, None, 25_000.0),  # the minimum request must be met
    (None, 12_000.0, None, 12_000.0),
    (20_000.0, -5_000.0, None, 20_000.0),  # a negative minimum: the EV may even give energy back
    (20_000.0, None, 16_000.0, 16_000.0),  # never more than the EV can take
])
async def test_the_departure_need_is_the_target_within_the_minimum_and_maximum_requests(
        target_wh: float | None, min_wh: float | None, max_wh: float | None, need_wh: float) -> None:
    spec = await spec_for(needs(energy_request_wh=target_wh, energy_min_request_wh=min_wh,
                                energy_max_request_wh=max_wh), import_wh=4_000.0)
    assert spec.target_added_energy_wh == pytest.approx((need_wh - 4_000.0) * FLEET.charge_efficiency)


async def test_what_discharging_took_out_of_the_battery_counts_against_the_departure_need() -> None:
    # 10 kWh imported (9 kWh into the battery), 4.5 kWh exported (5 kWh out of it): 4 kWh of 18 kWh are in
    spec = await spec_for(needs(energy_request_wh=20_000.0), import_wh=10_000.0, export_wh=4_500.0)
    assert spec.target_added_energy_wh == pytest.approx(20_000.0 * 0.9 - 4_000.0)


async def test_an_ev_that_asked_for_no_energy_gets_back_what_discharging_took() -> None:
    # e.g. a stationary battery at its target SoC: 9 kWh exported = 10 kWh out of it, 1 kWh imported = 0.9 in
    spec = await spec_for(needs(energy_request_wh=0.0), last_soc=0.6, import_wh=1_000.0, export_wh=9_000.0)
    assert spec.target_added_energy_wh == pytest.approx(10_000.0 - 900.0)
    assert spec.departure_need_wh == pytest.approx(0.6 * 50_000 + 9_100.0)  # its SoC on plug-in, 78.2 %
    spec = await spec_for(needs(energy_request_wh=0.0), last_soc=0.6, import_wh=2_000.0)
    assert spec.target_added_energy_wh == 0.0  # it has charged instead: nothing owed


async def test_a_2_1_needs_message_becomes_the_planners_bounds() -> None:
    """From the wire: a DC_BPT session at 40 % of 60 kWh asking for 24 kWh, with its V2X range from 25 %."""
    payload = {"evseId": 1, "chargingNeeds": {
        "requestedEnergyTransfer": "DC_BPT", "controlMode": "DynamicControl",
        "v2xChargingParameters": {"maxChargePower": 50_000.0, "maxDischargePower": 20_000.0,
                                  "minDischargePower": 2_000.0, "evTargetEnergyRequest": 24_000.0,
                                  "evMinEnergyRequest": -9_000.0, "evMaxEnergyRequest": 33_000.0,
                                  "evMinV2XEnergyRequest": -9_000.0, "targetSoC": 80},
        "dcChargingParameters": {"evMaxCurrent": 125, "evMaxVoltage": 400, "evEnergyCapacity": 60_000,
                                 "stateOfCharge": 40}}}
    validate_payload(OcppVersion.V21, "NotifyEVChargingNeeds", payload, is_request=True)
    record = needs_from_payload(S1, cast(v2x.NotifyEVChargingNeedsRequest, payload), T0 - timedelta(hours=1))

    spec = await spec_for(record, last_soc=0.4)

    assert spec.capacity_wh == 60_000 and spec.allow_discharge
    assert (spec.max_charge_power_w, spec.max_discharge_power_w) == (22_000, 20_000)
    assert spec.soc_min == pytest.approx(0.25) and spec.soc_max == pytest.approx(0.95)
    assert spec.target_soc == 0.8 and spec.target_added_energy_wh == pytest.approx(24_000 * 0.9)


async def test_a_station_rated_below_its_evses_shares_its_rating_among_the_evs_plugged_in() -> None:
    store = MemoryStore()
    charging = ChargingService(RecordingGateway(), store, ManualClock(T0), EventBus())
    for station, rated in ((S1, True), (S2, False)):
        for evse_id in (1, 2):
            charging.override_capabilities(station, evse_id, StationCapabilities(
                ocpp_version="ocpp2.1", discharge_supported=True, max_charge_power_w=11_000,
                max_discharge_power_w=11_000, station_max_charge_power_w=11_000.0 if rated else None,
                station_max_discharge_power_w=7_000.0 if rated else None))
            await store.put_charging_needs(ChargingNeedsRecord(
                StationId(station), evse_id, T0, discharge_allowed=True, ev_capacity_wh=50_000.0,
                max_charge_power_w=11_000.0 if evse_id == 1 else 5_500.0, max_discharge_power_w=11_000.0))
            await store.put_transaction(TransactionRecord(StationId(station), TransactionId(f"{station}-{evse_id}"),
                                                          evse_id=evse_id, started_at=T0, last_soc=0.5))
    evs = {ev.ev_id: ev.spec for ev in await plugged_evs(store, charging, T0, FLEET, DEFAULT_MIN_SOC)}

    # S1: 11 + 5.5 kW asked of an 11 kW station -> 2/3 and 1/3 of it; 2 x 11 kW discharge of a 7 kW station
    assert evs["S1/1"].max_charge_power_w + evs["S1/2"].max_charge_power_w == pytest.approx(11_000.0)
    assert evs["S1/1"].max_charge_power_w == pytest.approx(2 * evs["S1/2"].max_charge_power_w)
    assert evs["S1/1"].max_discharge_power_w == evs["S1/2"].max_discharge_power_w == pytest.approx(3_500.0)
    # S2 has no station rating: each EV keeps its own limits
    assert (evs["S2/1"].max_charge_power_w, evs["S2/2"].max_charge_power_w) == (11_000.0, 5_500.0)
    assert evs["S2/1"].max_discharge_power_w == 11_000.0
