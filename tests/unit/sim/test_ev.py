"""EV battery physics: bounds, energy conservation with efficiency both ways, sign consistency."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chargepoint_sim.ev import Ev, step


@st.composite
def evs(draw: st.DrawFn) -> Ev:
    min_soc = draw(st.floats(0.0, 1.0))
    max_soc = draw(st.floats(min_soc, 1.0))
    return Ev(
        capacity_wh=draw(st.floats(1_000.0, 200_000.0)),
        soc=draw(st.floats(0.0, 1.0)),
        max_charge_power_w=draw(st.floats(0.0, 350_000.0)),
        max_discharge_power_w=draw(st.floats(0.0, 350_000.0)),
        min_soc=min_soc,
        max_soc=max_soc,
        charge_efficiency=draw(st.floats(0.5, 1.0)),
        discharge_efficiency=draw(st.floats(0.5, 1.0)),
        allow_discharge=draw(st.booleans()),
    )


powers = st.floats(-500_000.0, 500_000.0)
durations = st.floats(0.0, 86_400.0)


@given(evs(), powers, durations)
def test_soc_stays_within_bounds_or_moves_towards_them(ev: Ev, power_w: float, duration_s: float) -> None:
    new = step(ev, power_w, duration_s).ev
    assert 0.0 <= new.soc <= 1.0
    assert min(ev.soc, ev.min_soc) <= new.soc <= max(ev.soc, ev.max_soc)
    if power_w > 0:
        assert new.soc >= ev.soc
    if power_w < 0:
        assert new.soc <= ev.soc


@given(evs(), powers, durations)
def test_energy_is_conserved_with_efficiency_both_ways(ev: Ev, power_w: float, duration_s: float) -> None:
    result = step(ev, power_w, duration_s)
    battery_delta_wh = (result.ev.soc - ev.soc) * ev.capacity_wh
    assert math.isclose(result.battery_energy_wh, battery_delta_wh, rel_tol=1e-9, abs_tol=1e-6)
    assert math.isclose(result.grid_energy_wh, result.power_w * duration_s / 3600, rel_tol=1e-9, abs_tol=1e-9)
    if result.grid_energy_wh > 0:
        assert math.isclose(result.battery_energy_wh, result.grid_energy_wh * ev.charge_efficiency, rel_tol=1e-9)
    elif result.grid_energy_wh < 0:
        assert math.isclose(result.grid_energy_wh, result.battery_energy_wh * ev.discharge_efficiency, rel_tol=1e-9)


@given(evs(), powers, durations)
def test_delivered_power_has_the_requested_sign_and_respects_limits(ev: Ev, power_w: float,
                                                                    duration_s: float) -> None:
    delivered_w = step(ev, power_w, duration_s).power_w
    assert delivered_w == 0 or (delivered_w > 0) == (power_w > 0)
    assert abs(delivered_w) <= abs(power_w) * (1 + 1e-12)
    assert delivered_w <= ev.max_charge_power_w * (1 + 1e-12)
    assert -delivered_w <= ev.discharge_limit_w * (1 + 1e-12)


def test_charging_past_full_lands_exactly_on_max_soc_with_reduced_average_power() -> None:
    ev = Ev(capacity_wh=10_000, soc=0.9, max_soc=0.95, max_charge_power_w=10_000, charge_efficiency=0.9)
    result = step(ev, 10_000, 3_600)
    assert result.ev.soc == 0.95
    assert math.isclose(result.battery_energy_wh, 500.0)
    assert math.isclose(result.grid_energy_wh, 500.0 / 0.9)
    assert math.isclose(result.power_w, 500.0 / 0.9)


def test_discharging_stops_exactly_at_min_soc_and_grid_gets_less_than_the_battery_gives() -> None:
    ev = Ev(capacity_wh=10_000, soc=0.5, min_soc=0.4, max_charge_power_w=0, max_discharge_power_w=5_000,
            discharge_efficiency=0.8, allow_discharge=True)
    result = step(ev, -5_000, 3_600)
    assert result.ev.soc == 0.4
    assert math.isclose(result.battery_energy_wh, -1_000.0)
    assert math.isclose(result.grid_energy_wh, -800.0)


def test_discharge_not_allowed_by_driver_delivers_nothing() -> None:
    ev = Ev(capacity_wh=10_000, soc=0.8, max_charge_power_w=7_000, max_discharge_power_w=7_000)
    assert step(ev, -7_000, 600).power_w == 0.0


def test_energy_request_becomes_a_target_soc_capped_at_max_soc() -> None:
    ev = Ev(capacity_wh=50_000, soc=0.2, max_soc=0.9, max_charge_power_w=11_000, energy_request_wh=20_000)
    assert ev.target_soc == pytest.approx(0.6)
    assert ev.energy_to_target_wh == pytest.approx(20_000)
    greedy = Ev(capacity_wh=50_000, soc=0.2, max_soc=0.9, max_charge_power_w=11_000, energy_request_wh=90_000)
    assert greedy.target_soc == 0.9


@pytest.mark.parametrize("kwargs", [{"capacity_wh": 0}, {"soc": 1.5}, {"min_soc": 0.8, "max_soc": 0.5},
                                    {"charge_efficiency": 0.0}, {"max_charge_power_w": -1}])
def test_invalid_ev_is_refused(kwargs: dict[str, float]) -> None:
    base: dict[str, float] = {"capacity_wh": 10_000, "soc": 0.5, "max_charge_power_w": 1_000}
    with pytest.raises(ValueError):
        Ev(**{**base, **kwargs})  # type: ignore[arg-type]
