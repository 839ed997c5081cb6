"""The plan guard: an unsafe plan never reaches the controller."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from csms.optimizer import FleetPlan, FleetProblem, PlannerOptions, check_plan, is_safe, plan, plan_checked
from tests.unit.optimizer.helpers import ev, problem


def _problem() -> FleetProblem:
    return problem([ev("a", p_ch_w=7_000, add_wh=5_000), ev("b", p_ch_w=7_000, v2g=True, p_dis_w=7_000)],
                   n=2, reg_up=20.0, reg_down=20.0, import_limit_w=20_000)


def _over_power(pb: FleetProblem) -> FleetPlan:
    """A plan that commands 3x EV a's charge power (a safety violation the checker must catch)."""
    good = plan(pb)
    power = good.power_w.copy()
    power[0, 0] = 21_000.0
    return replace(good, power_w=power)


def test_a_safe_plan_passes_through_unchanged() -> None:
    pb = _problem()
    guarded = plan_checked(pb)
    assert guarded.rejected == () and guarded.fallback is None
    assert np.array_equal(guarded.plan.power_w, plan(pb).power_w)


def test_an_unsafe_plan_is_replaced_by_the_monolithic_plan() -> None:
    pb = replace(_problem(), options=PlannerOptions(method="decomposed", chunk_evs=1))
    solved_by: list[str] = []

    def fallback(p: FleetProblem) -> FleetPlan:
        solved_by.append(p.options.method)
        return plan(p)

    guarded = plan_checked(pb, solve=_over_power, fallback=fallback)
    assert solved_by == ["monolithic"]
    assert guarded.fallback == "monolithic"
    assert "power_down" in {v.kind for v in guarded.rejected}
    assert is_safe(check_plan(pb, guarded.plan))
    assert guarded.plan.power_w[0, 0] <= 7_000.0 + 1e-6


def test_when_the_fallback_is_unsafe_too_the_fleet_idles() -> None:
    pb = _problem()
    guarded = plan_checked(pb, solve=_over_power, fallback=_over_power)
    assert guarded.fallback == "idle" and guarded.plan.status == "idle_unsafe_plan"
    assert not guarded.plan.power_w.any() and not guarded.plan.reserve_up_w.any()
    assert not guarded.plan.reserve_down_w.any()
    assert is_safe(check_plan(pb, guarded.plan))
    assert guarded.plan.ev_shortfall_wh[0] == 5_000.0  # idling leaves EV a short, and the plan says so
