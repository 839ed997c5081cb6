"""The checker catches each kind of violation: one hand-corrupted plan per kind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest

from csms.optimizer import DrCommitment, FleetPlan, FleetProblem, check_plan, plan
from tests.unit.optimizer.helpers import at, ev, problem

# Two 4-hour EVs, 7 kW both ways (b may discharge), 10 kWh to add to a; site 20 kW import, 10 kW export;
# a 2 kW DR reduction below a 10 kW baseline in hour 3; regulation prices in every hour.
_DR = DrCommitment("dr", at(2), at(3), reduction_w=2_000.0, baseline_w=10_000.0)


def _problem() -> FleetProblem:
    return problem([ev("a", depart_h=4, capacity_wh=40_000, soc=0.5, p_ch_w=7_000, add_wh=10_000, soc_min=0.2),
                    ev("b", depart_h=4, capacity_wh=40_000, soc=0.5, p_ch_w=7_000, v2g=True, p_dis_w=7_000,
                       soc_min=0.2, soc_max=0.9)],
                   n=4, import_price=[50, 20, 80, 30], reg_up=10.0, reg_down=10.0, import_limit_w=20_000,
                   export_limit_w=10_000, dr=(_DR,))


def _set(name: str, ev: int, k: int | slice, value: float) -> Callable[[FleetPlan], FleetPlan]:
    def corrupt(p: FleetPlan) -> FleetPlan:
        arr = getattr(p, name).copy()
        arr[ev, k] = value
        return replace(p, **{name: arr})
    return corrupt


def _reported(shortfall_wh: float) -> Callable[[FleetPlan], FleetPlan]:
    def corrupt(p: FleetPlan) -> FleetPlan:
        short = p.ev_shortfall_wh.copy()
        short[0] = shortfall_wh
        return replace(p, ev_shortfall_wh=short)
    return corrupt


def test_the_reference_plan_has_no_violation() -> None:
    pb = _problem()
    assert check_plan(pb, plan(pb)) == []


CASES: dict[str, Callable[[FleetPlan], FleetPlan]] = {
    "power_down": _set("power_w", 0, 1, 7_500.0),
    "power_up": _set("power_w", 1, 1, -7_500.0),
    "reserve_sign": _set("reserve_up_w", 1, 0, -100.0),
    "soc_min": _set("power_w", 1, slice(None), -7_000.0),  # 28 kWh out of a 20 kWh battery, 8 kWh reserve
    "soc_max": _set("power_w", 1, slice(None), 7_000.0),  # b charges past 90 %
    "call_up_soc": _set("reserve_up_w", 1, 0, 14_000.0),
    "call_down_soc": _set("reserve_down_w", 0, 3, 30_000.0),
    "site_import": lambda p: _set("power_w", 1, 0, 7_000.0)(_set("power_w", 0, 0, 7_000.0)(p)),
    "site_export": lambda p: _set("reserve_up_w", 1, 0, 12_000.0)(_set("power_w", 1, 0, -7_000.0)(p)),
    "departure": _set("power_w", 0, slice(None), 0.0),
    "call_departure": lambda p: _set("reserve_up_w", 0, 3, 7_000.0)(_set("power_w", 0, slice(None), 2_500.0)(p)),
    "dr": _set("power_w", 0, 2, 7_000.0),
    "report": _reported(-5_000.0),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_each_kind_of_violation_is_reported(kind: str) -> None:
    pb = _problem()
    good = plan(pb)
    bad = CASES[kind](good)
    assert kind in {v.kind for v in check_plan(pb, bad)}


def test_power_outside_the_plug_in_window_is_reported() -> None:
    pb = problem([ev("a", arrive_h=1, depart_h=2, p_ch_w=7_000)], n=3)
    good = plan(pb)
    bad = replace(good, power_w=np.where(np.arange(3) == 0, 1_000.0, good.power_w))
    assert [v.kind for v in check_plan(pb, bad)] == ["unplugged"]


def test_a_plan_of_the_wrong_shape_is_reported_and_nothing_else() -> None:
    pb = _problem()
    bad = replace(plan(pb), power_w=np.zeros((2, 3)))
    assert [v.kind for v in check_plan(pb, bad)] == ["shape"]
