"""A simulated station rated below the sum of its EVSEs: it reports the rating (ChargingStation.Power /
DischargePower, characteristic maxLimit) and never draws or feeds in more than it, whatever its EVSEs are told;
without a rating nothing changes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chargepoint_sim.config import FleetConfig, StationConfig
from chargepoint_sim.evse import EvseSpec
from chargepoint_sim.fleet import station_spec
from chargepoint_sim.station import SimStation, StationSpec
from csms.domain.clock import ManualClock
from csms.domain.records import VariableRecord
from csms.ocpp.versions import OcppVersion
from csms.services.capabilities import capabilities_from_variables
from tests.unit.sim.test_smart_charging import profile, start_tx

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
BIDI = (EvseSpec(1, 11_000.0, 11_000.0), EvseSpec(2, 11_000.0, 11_000.0))


def rated_station(clock: ManualClock, *, max_power_w: float | None = 11_000.0,
                  max_discharge_power_w: float | None = None,
                  evses: tuple[EvseSpec, ...] = BIDI) -> SimStation:
    spec = StationSpec("SIM-0001", "0123456789abcdef0123", versions=(OcppVersion.V201,), evses=evses,
                       max_power_w=max_power_w, max_discharge_power_w=max_discharge_power_w)
    return SimStation(spec, clock)


def station_entries(station: SimStation) -> dict[str, dict[str, Any]]:
    return {str(e["variable"]["name"]): e for e in station.device_model.report("FullInventory")
            if e["component"]["name"] == "ChargingStation"}


def records(station: SimStation) -> list[VariableRecord]:
    """The report as the CSMS stores it (with each variable's maxLimit)."""
    return [VariableRecord(component=e["component"]["name"], variable=e["variable"]["name"],
                           evse_id=e["component"].get("evse", {}).get("id"), attribute_type=a["type"],
                           value=a.get("value", ""), max_limit=e["variableCharacteristics"].get("maxLimit"))
            for e in station.device_model.report("FullInventory") for a in e["variableAttribute"]]


def test_two_evses_charging_at_full_power_share_the_station_rating() -> None:
    clock = ManualClock(T0)
    station = rated_station(clock)
    for evse_id in (1, 2):
        start_tx(station, evse_id)

    clock.advance(3_600)
    station.advance_to(clock.now())

    assert [e.power_w for e in station.evses.values()] == [5_500.0, 5_500.0]
    assert station.power_w == 11_000.0
    imported_wh = sum(tx.import_wh for tx in station.transactions.values())
    assert imported_wh == pytest.approx(11_000.0)  # one hour at the station's rating, not at 22 kW


def test_setpoints_within_the_rating_are_kept_and_a_later_one_is_shared_from_when_it_starts() -> None:
    clock = ManualClock(T0)
    station = rated_station(clock)
    tx1, tx2 = start_tx(station, 1), start_tx(station, 2)
    station.set_charging_profile(1, profile(1, [{"startPeriod": 0, "limit": 8_000.0}], transactionId=tx1),
                                 OcppVersion.V201)
    station.set_charging_profile(2, profile(2, [{"startPeriod": 0, "limit": 2_000.0},
                                                {"startPeriod": 1_800, "limit": 8_000.0}], transactionId=tx2),
                                 OcppVersion.V201)

    clock.advance(1_800)
    station.advance_to(clock.now())
    first_half_wh = {tx.evse_id: tx.import_wh for tx in station.transactions.values()}
    clock.advance(1_800)
    station.advance_to(clock.now())

    assert first_half_wh == pytest.approx({1: 4_000.0, 2: 1_000.0})  # 10 kW together: as commanded
    assert [e.power_w for e in station.evses.values()] == [5_500.0, 5_500.0]  # 16 kW asked: 11 kW shared
    assert {tx.evse_id: tx.import_wh for tx in station.transactions.values()} == pytest.approx(
        {1: 4_000.0 + 2_750.0, 2: 1_000.0 + 2_750.0})


def test_discharge_is_capped_by_the_discharge_rating() -> None:
    clock = ManualClock(T0)
    station = rated_station(clock, max_discharge_power_w=6_000.0)
    for pid, evse_id in ((1, 1), (2, 2)):
        tx_id = start_tx(station, evse_id, soc=0.8)
        station.set_charging_profile(evse_id, profile(pid, [{"startPeriod": 0, "limit": -11_000.0}],
                                                      transactionId=tx_id), OcppVersion.V201)

    clock.advance(600)
    station.advance_to(clock.now())

    assert [e.power_w for e in station.evses.values()] == [-3_000.0, -3_000.0]
    assert sum(tx.export_wh for tx in station.transactions.values()) == pytest.approx(1_000.0)


def test_without_a_rating_each_evse_runs_at_its_own() -> None:
    clock = ManualClock(T0)
    station = rated_station(clock, max_power_w=None)
    for evse_id in (1, 2):
        start_tx(station, evse_id)

    clock.advance(60)
    station.advance_to(clock.now())

    assert station.power_w == 22_000.0
    assert station_entries(station).keys() == {"VendorName", "Model", "AvailabilityState"}


def test_the_rating_is_reported_as_the_station_power_max_limit_and_read_by_the_csms() -> None:
    clock = ManualClock(T0)
    station = rated_station(clock, max_discharge_power_w=6_000.0)
    start_tx(station, 1)
    clock.advance(10)
    station.advance_to(clock.now())

    entries = station_entries(station)
    power, discharge = entries["Power"], entries["DischargePower"]
    assert power["variableCharacteristics"] == {"dataType": "decimal", "supportsMonitoring": False, "unit": "W",
                                                "maxLimit": 11_000.0}
    assert power["variableAttribute"][0]["value"] == "11000.0"  # Actual: what the station draws now
    assert discharge["variableCharacteristics"]["maxLimit"] == 6_000.0
    assert entries["AvailabilityState"]["variableAttribute"][0]["value"] == "Available"
    caps = capabilities_from_variables("ocpp2.0.1", records(station), 2)
    assert (caps.station_max_charge_power_w, caps.station_max_discharge_power_w) == (11_000.0, 6_000.0)


def test_a_charge_only_station_reports_no_discharge_rating() -> None:
    station = rated_station(ManualClock(T0), evses=(EvseSpec(1, 11_000.0), EvseSpec(2, 11_000.0)))

    assert "DischargePower" not in station_entries(station)
    caps = capabilities_from_variables("ocpp2.0.1", records(station), 1)
    assert (caps.station_max_charge_power_w, caps.station_max_discharge_power_w) == (11_000.0, None)


def test_the_fleet_config_passes_the_rating_on_and_leaves_it_out_by_default() -> None:
    assert station_spec(FleetConfig(stations=1), 1).max_power_w is None
    config = FleetConfig(stations=1, station=StationConfig(max_power_w=11_000.0, max_discharge_power_w=7_000.0))
    spec = station_spec(config, 1)
    assert (spec.max_power_w, spec.max_discharge_power_w) == (11_000.0, 7_000.0)
    assert spec.station_discharge_w == 7_000.0
    assert StationSpec("S", "p", max_power_w=9_000.0).station_discharge_w == 9_000.0
