"""The DR baseline counts unmanaged charging from plug-in, so deferring charging cannot inflate it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from csms.domain.ids import StationId
from csms.optimizer.problem import EvSpec
from csms.scenario.dr_baseline import PlugIns, unmanaged_w
from csms.services.events import TransactionEnded, TransactionStarted, TransactionUpdated
from csms.services.fleet_view import PluggedEv

T0 = datetime(2031, 6, 4, 0, 0, tzinfo=UTC)
CAPACITY_WH = 22_000.0
POWER_W = 6_000.0
EFFICIENCY = 0.9


def _ev(tx: str, soc_now: float, *, need_wh: float = 0.5 * CAPACITY_WH, hours_left: float = 12.0,
        station: str = "CF-I3-1") -> PluggedEv:
    """A plugged vehicle at `soc_now` that wants `need_wh` in its battery at departure."""
    spec = EvSpec(ev_id=f"{station}/1", arrival_at=T0, departure_at=T0 + timedelta(hours=hours_left),
                  capacity_wh=CAPACITY_WH, soc_initial=soc_now, max_charge_power_w=POWER_W,
                  target_soc=need_wh / CAPACITY_WH, charge_efficiency=EFFICIENCY)
    return PluggedEv(spec.ev_id, StationId(station), 1, tx, spec, None)


def _started(tx: str, at: datetime, soc: float | None, import_wh: float = 0.0) -> TransactionStarted:
    return TransactionStarted(station_id=StationId("CF-I3-1"), at=at, transaction_id=tx, evse_id=1, soc=soc,
                              energy_import_wh=import_wh, energy_export_wh=0.0)


def _baseline_w(evs: list[PluggedEv], plug_ins: PlugIns, now: datetime, start: datetime, end: datetime,
                vehicles: bool = True) -> float:
    return unmanaged_w(evs, plug_ins, lambda ev_id: None, lambda ev_id: vehicles, now, start, end)


def test_a_deferred_vehicle_counts_from_its_plug_in_not_from_the_notice() -> None:
    # plugged in at T0 with 20 % and a need of 50 %: unmanaged, 6.6 kWh at 6 kW x 0.9 -> full at T0 + 4,400 s
    plug_ins = PlugIns()
    plug_ins.on_event(_started("tx1", T0, 0.2))
    deferred = _ev("tx1", soc_now=0.2)  # the CSMS has not charged it yet
    notice = T0 + timedelta(hours=2)
    later = (notice + timedelta(minutes=30), notice + timedelta(minutes=90))
    assert _baseline_w([deferred], plug_ins, notice, *later) == 0.0  # it would have been full by then
    # in the first hour it would have charged all the time: the full 6 kW
    assert _baseline_w([deferred], plug_ins, notice, T0, T0 + timedelta(hours=1)) == pytest.approx(POWER_W)
    # the half hour around the end: charging until T0 + 4400 s, so 800 of 1800 s
    start = T0 + timedelta(seconds=3600)
    assert _baseline_w([deferred], plug_ins, notice, start, start + timedelta(seconds=1800)) == pytest.approx(
        POWER_W * 800 / 1800)


def test_energy_charged_before_the_first_soc_reading_is_taken_back_out() -> None:
    plug_ins = PlugIns()
    plug_ins.on_event(_started("tx1", T0, None))  # Started without a SoC
    # first SoC 10 minutes later, after 1 kWh from the grid (0.9 kWh into the battery): arrived with 20 %
    plug_ins.on_event(TransactionUpdated(station_id=StationId("CF-I3-1"), at=T0 + timedelta(minutes=10),
                                         transaction_id="tx1", evse_id=1, soc=(0.2 * CAPACITY_WH + 900.0) / CAPACITY_WH,
                                         energy_import_wh=1_000.0, energy_export_wh=0.0))
    plug_in = plug_ins.get("tx1")
    assert plug_in is not None and plug_in.started_at == T0
    ev = _ev("tx1", soc_now=0.4)
    window = (T0 + timedelta(seconds=3600), T0 + timedelta(seconds=5400))
    assert _baseline_w([ev], plug_ins, T0 + timedelta(hours=1), *window) == pytest.approx(POWER_W * 800 / 1800)
    # later readings do not move the plug-in state; the transaction's end does not either
    plug_ins.on_event(TransactionEnded(station_id=StationId("CF-I3-1"), at=T0 + timedelta(hours=3),
                                       transaction_id="tx1", evse_id=1, soc=0.9, energy_import_wh=9_000.0,
                                       energy_export_wh=0.0))
    assert plug_ins.get("tx1") == plug_in


def test_a_vehicle_without_a_reading_counts_from_now_and_departure_cuts_the_charging() -> None:
    ev = _ev("tx9", soc_now=0.2, hours_left=0.5)  # leaves at T0 + 30 min, long before it would be full
    now = T0 + timedelta(minutes=10)
    assert _baseline_w([ev], PlugIns(), now, now, now + timedelta(minutes=40)) == pytest.approx(POWER_W * 20 / 40)


def test_storage_and_vehicles_with_no_need_add_nothing() -> None:
    plug_ins = PlugIns()
    plug_ins.on_event(_started("tx1", T0, 0.6))
    full = _ev("tx1", soc_now=0.6, need_wh=0.5 * CAPACITY_WH)  # arrived above its need
    window = (T0, T0 + timedelta(hours=1))
    assert _baseline_w([full], plug_ins, T0, *window) == 0.0
    plug_ins.on_event(_started("tx2", T0, 0.2))
    assert _baseline_w([_ev("tx2", soc_now=0.2)], plug_ins, T0, *window, vehicles=False) == 0.0
