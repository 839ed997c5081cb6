"""Time preference, the weighted demand charge over the peak so far, and SoC-dependent power limits."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from csms.domain.taper import taper_lines
from csms.optimizer import PlannerOptions, check_plan, plan
from csms.optimizer.problem import taper_limit_w
from tests.unit.optimizer.helpers import ev, problem


def test_flat_prices_deliver_as_soon_as_possible() -> None:
    prob = problem([ev("a", depart_h=4, add_wh=7_000)], n=4, import_price=50.0)
    assert plan(prob).power_w[0] == pytest.approx([7_000.0, 0.0, 0.0, 0.0], abs=1e-6)


def test_the_time_preference_never_outweighs_a_real_price_difference() -> None:
    prob = problem([ev("a", depart_h=4, add_wh=7_000)], n=4, import_price=[50.0, 50.0, 50.0, 49.0])
    assert plan(prob).power_w[0] == pytest.approx([0.0, 0.0, 0.0, 7_000.0], abs=1e-6)


def test_without_a_time_preference_flat_prices_leave_the_timing_to_the_solver() -> None:
    opts = PlannerOptions(time_preference_per_kwh_h=0.0)
    prob = problem([ev("a", depart_h=4, add_wh=7_000)], n=4, import_price=50.0, options=opts)
    assert plan(prob).power_w[0].sum() == pytest.approx(7_000.0)


def _peaky(weight: float, floor_w: float = 0.0) -> np.ndarray:
    # 14 kWh in 2 h: at 7 kW flat, or cheaper 14 kW in the first hour (10/MWh less) at a 10/kW demand charge
    prob = problem([ev("a", depart_h=2, add_wh=14_000, p_ch_w=14_000)], n=2, import_price=[40.0, 50.0],
                   demand_charge_per_kw=10.0, options=PlannerOptions(peak_weight=weight))
    prob = replace(prob, site=replace(prob.site, peak_floor_w=floor_w))
    return np.asarray(plan(prob).power_w[0])


def test_the_peak_weight_trades_the_demand_charge_against_energy_cost() -> None:
    assert _peaky(1.0) == pytest.approx([7_000.0, 7_000.0], abs=1e-3)
    assert _peaky(0.0) == pytest.approx([14_000.0, 0.0], abs=1e-3)


def test_a_peak_already_paid_this_month_is_not_paid_again() -> None:
    assert _peaky(1.0, floor_w=14_000.0) == pytest.approx([14_000.0, 0.0], abs=1e-3)


CHARGE_TAPER = ((0.0, 10_000.0), (0.8, 10_000.0), (1.0, 2_000.0))


def test_taper_curve_is_the_minimum_of_its_segments() -> None:
    assert taper_limit_w(CHARGE_TAPER, 7_000.0, np.array([0.5, 0.9, 1.0])) == pytest.approx([7_000, 6_000, 2_000])
    with pytest.raises(ValueError, match="concave"):
        taper_lines(((0.0, 1_000.0), (0.5, 500.0), (1.0, 900.0)))


def test_the_plan_follows_the_charge_taper_and_the_checker_holds_it_to_it() -> None:
    spec = replace(ev("a", depart_h=4, capacity_wh=20_000, soc=0.7, target_soc=1.0, p_ch_w=10_000),
                   charge_taper=CHARGE_TAPER)
    prob = problem([spec], n=4, step_s=900, import_price=50.0)
    result = plan(prob)
    assert not check_plan(prob, result)
    soc_end = result.energy_wh[0, 1:] / 20_000
    assert np.all(result.power_w[0] <= taper_limit_w(CHARGE_TAPER, 10_000.0, soc_end) + 1e-3)
    assert result.power_w[0, 0] < 10_000.0 - 100  # the first 15 min would pass 80 % at full power
    flat = replace(result, power_w=np.array([[10_000.0, 2_000.0, 0.0, 0.0]]))  # ends at 0.85: over the taper
    assert {(v.kind, v.interval) for v in check_plan(prob, flat) if v.safety} == {("power_down", 0)}


def test_the_checker_holds_a_discharge_to_its_taper_near_empty() -> None:
    taper = ((0.0, 0.0), (0.3, 9_000.0), (1.0, 9_000.0))
    spec = replace(ev("a", depart_h=1, capacity_wh=20_000, soc=0.4, v2g=True, p_dis_w=9_000),
                   discharge_taper=taper)
    prob = problem([spec], n=1, import_price=50.0, export_price=50.0)
    result = plan(prob)
    assert not [v for v in check_plan(prob, result) if v.safety]
    deep = replace(result, power_w=np.array([[-6_000.0]]))  # ends at soc 0.1: at most 3 kW there
    assert {v.kind for v in check_plan(prob, deep) if v.safety} == {"power_up"}


def test_the_decomposition_keeps_the_taper_too() -> None:
    evs = [replace(ev(f"ev{i}", depart_h=4, capacity_wh=20_000, soc=0.6 + 0.05 * i, target_soc=1.0,
                      p_ch_w=10_000), charge_taper=CHARGE_TAPER) for i in range(4)]
    mono = problem(evs, n=4, step_s=900, import_price=[50.0, 40.0, 60.0, 30.0], import_limit_w=25_000,
                   options=PlannerOptions(method="monolithic"))
    deco = replace(mono, options=PlannerOptions(method="decomposed", chunk_evs=2))
    a, b = plan(mono), plan(deco)
    assert b.method == "decomposed" and not [v for v in check_plan(deco, b) if v.safety]
    assert b.objective == pytest.approx(a.objective, abs=1e-2)


def test_the_need_left_for_after_the_horizon_counts_the_taper() -> None:
    from csms.optimizer.problem import fleet_arrays

    spec = ev("a", depart_h=3, capacity_wh=20_000, soc=0.5, target_soc=1.0, p_ch_w=10_000)
    flat = problem([spec], n=2)  # 1 h after the 2-h horizon: 10 kWh could come then at 10 kW
    tapered = problem([replace(spec, charge_taper=CHARGE_TAPER)], n=2)  # only 2 kW at full
    assert fleet_arrays(flat).required_energy_wh[0] == pytest.approx(10_000.0)
    assert fleet_arrays(tapered).required_energy_wh[0] == pytest.approx(18_000.0)
