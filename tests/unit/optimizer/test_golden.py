"""Golden cases with answers that can be checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from csms.optimizer import DrCommitment, PlannerOptions, check_plan, is_safe, plan
from tests.unit.optimizer.helpers import at, ev, problem


def test_one_ev_two_prices_charges_in_the_cheap_hour() -> None:
    pb = problem([ev(add_wh=5_000)], import_price=[100.0, 50.0])
    result = plan(pb)
    assert result.status == "optimal"
    np.testing.assert_allclose(result.power_w[0], [0.0, 5_000.0], atol=1e-6)
    assert result.costs.energy_import_cost == pytest.approx(5.0 * 50.0 / 1000)
    assert result.energy_wh[0, -1] == pytest.approx(30_000.0)
    assert check_plan(pb, result) == []


def test_dr_window_is_met_by_discharging() -> None:
    # Site draws 5 kW; commitment: 3 kW below a 5 kW baseline in hour 1. Only the EV can provide it.
    dr = DrCommitment("evt", at(1), at(2), reduction_w=3_000, baseline_w=5_000)
    pb = problem([ev(v2g=True, p_dis_w=7_000, depart_h=3)], n=3, other_w=5_000, dr=(dr,))
    result = plan(pb)
    assert result.status == "optimal"
    assert result.power_w[0, 1] == pytest.approx(-3_000.0, abs=1e-6)
    assert result.site_net_power_w[1] == pytest.approx(2_000.0, abs=1e-6)
    assert result.dr_shortfall_w == {"evt": 0.0}
    assert check_plan(pb, result) == []


def test_dr_without_v2g_reports_shortfall_instead_of_failing() -> None:
    dr = DrCommitment("evt", at(0), at(1), reduction_w=3_000, baseline_w=5_000)
    pb = problem([ev()], n=2, other_w=5_000, dr=(dr,))
    result = plan(pb)
    assert result.status == "optimal"
    assert result.dr_shortfall_w["evt"] == pytest.approx(3_000.0, abs=1e-3)
    assert result.dr_shortfall_wh["evt"] == pytest.approx(3_000.0, abs=1e-3)
    assert [v.kind for v in check_plan(pb, result)] == ["dr"]


def test_unreachable_target_returns_plan_with_hand_computed_shortfall() -> None:
    # Needs 20 kWh in 1 h at 7 kW and 90 % charge efficiency: best is 6.3 kWh, shortfall 13.7 kWh.
    pb = problem([ev(add_wh=20_000, depart_h=1, eta_ch=0.9)], n=2)
    result = plan(pb)
    assert result.status == "optimal"
    assert result.power_w[0, 0] == pytest.approx(7_000.0)
    assert result.ev_shortfall_wh[0] == pytest.approx(13_700.0, abs=1e-3)
    violations = check_plan(pb, result)
    assert is_safe(violations)
    assert [v.kind for v in violations] == ["departure"]


def test_discharge_not_allowed_never_exports_even_when_export_pays() -> None:
    pb = problem([ev(p_dis_w=7_000, v2g=False)], import_price=[500.0, 500.0], export_price=[500.0, 500.0])
    result = plan(pb)
    assert result.power_w.min() >= -1e-9
    assert check_plan(pb, result) == []


def test_v2g_arbitrage_respects_reserve_and_departure_target() -> None:
    # Sell at 300 in hour 0, buy back at 10 in hour 1; reserve 40 %, leave with 50 % again.
    e = ev(v2g=True, p_dis_w=10_000, p_ch_w=10_000, soc=0.5, soc_min=0.4, target_soc=0.5)
    pb = problem([e], import_price=[300.0, 10.0], export_price=[300.0, 10.0])
    result = plan(pb)
    np.testing.assert_allclose(result.power_w[0], [-5_000.0, 5_000.0], atol=1e-6)
    assert result.energy_wh[0].min() == pytest.approx(20_000.0)
    assert check_plan(pb, result) == []


def test_regulation_reserve_fills_power_headroom_without_breaking_site_limit() -> None:
    # Charge 5 kWh in 2 h; reg-down price pays to keep headroom: r_down = P_ch - p, capped by the site limit.
    pb = problem([ev(add_wh=10_000, p_ch_w=7_000)], reg_down=[20.0, 20.0], import_limit_w=9_000)
    result = plan(pb)
    assert result.status == "optimal"
    np.testing.assert_allclose(result.power_w[0] + result.reserve_down_w[0], [7_000.0, 7_000.0], atol=1e-6)
    assert result.power_w[0].sum() == pytest.approx(10_000.0)
    assert check_plan(pb, result) == []


def test_sustained_calls_reserve_less_than_single_interval_calls() -> None:
    e = ev(v2g=True, p_dis_w=7_000, soc=0.3, soc_min=0.2, capacity_wh=20_000, depart_h=4)
    single = plan(problem([e], n=4, reg_up=30.0))
    sustained = plan(problem([e], n=4, reg_up=30.0, options=PlannerOptions(sustained_calls=True)))
    # 2 kWh above reserve: one interval may reserve 2 kW... 7 kW; four sustained intervals share 2 kWh.
    assert single.reserve_up_w.sum() > sustained.reserve_up_w.sum()
    assert sustained.reserve_up_w.sum() * 1.0 == pytest.approx(2_000.0, rel=1e-6)


def test_departure_after_horizon_keeps_need_reachable() -> None:
    # Horizon 2 h, departs at 4 h needing 20 kWh more at 5 kW max: 10 kWh must be in before the horizon ends.
    e = ev(add_wh=20_000, p_ch_w=5_000, depart_h=4)
    result = plan(problem([e], import_price=[10.0, 10.0]))
    assert result.energy_wh[0, -1] == pytest.approx(25_000.0 + 10_000.0)
    assert result.ev_shortfall_wh[0] == 0.0


def test_demand_charge_flattens_the_peak() -> None:
    evs = [ev("a", add_wh=8_000, p_ch_w=8_000, depart_h=2), ev("b", add_wh=8_000, p_ch_w=8_000, depart_h=2)]
    flat = plan(problem(evs, import_price=[10.0, 20.0], demand_charge_per_kw=5.0))
    peaky = plan(problem(evs, import_price=[10.0, 20.0]))
    assert peaky.site_net_power_w.max() == pytest.approx(16_000.0)
    assert flat.site_net_power_w.max() == pytest.approx(8_000.0)


def test_ev_not_plugged_gets_no_power_outside_its_window() -> None:
    pb = problem([ev(arrive_h=1.5, depart_h=3.5, add_wh=1_000)], n=4, import_price=[1.0, 1.0, 50.0, 50.0])
    result = plan(pb)
    # Plugged only in interval 2 (whole intervals only): [2 h, 3 h).
    assert result.power_w[0, [0, 1, 3]].tolist() == [0.0, 0.0, 0.0]
    assert result.power_w[0, 2] == pytest.approx(1_000.0)


def test_site_limit_below_other_load_is_reported_not_raised() -> None:
    # The EV discharges its 2 kW (site limit outranks the driver's energy), 1 kW stays over the limit,
    # and the EV leaves 4 kWh below the energy it arrived with (its need when no target is given).
    pb = problem([ev(v2g=True, p_dis_w=2_000, depart_h=2)], other_w=10_000, import_limit_w=7_000)
    result = plan(pb)
    np.testing.assert_allclose(result.site_import_excess_w, [1_000.0, 1_000.0], atol=1e-6)
    assert result.ev_shortfall_wh[0] == pytest.approx(4_000.0)
    kinds = {v.kind for v in check_plan(pb, result)}
    assert kinds == {"site_import", "departure"}
