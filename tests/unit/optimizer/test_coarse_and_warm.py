"""Coarser far horizon (``csms.optimizer.coarse``) and warm-started online planning (``OnlinePlanner``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csms.optimizer import EvSpec, FleetProblem, PlannerOptions, check_plan, plan, with_topology
from csms.optimizer.coarse import time_blocks
from csms.optimizer.formulation import plan_monolithic
from csms.optimizer.io import load_site_topology
from csms.optimizer.online import OnlinePlanner
from csms.optimizer.problem import fleet_arrays
from tests.unit.optimizer.helpers import ev, problem

SITES = Path(__file__).resolve().parents[3] / "config" / "sites"
TOU = [100.0] * 16 + [300.0] * 16 + [150.0] * 16  # 12 h at 15 min: cheap, peak, shoulder ($/MWh)
TAPER = ((0.0, 11_000.0), (0.8, 11_000.0), (1.0, 2_000.0))


def _depot(evs: list[EvSpec], evses: list[str], **kw: object) -> FleetProblem:
    base = problem(evs, n=48, step_s=900, import_price=TOU, **kw)  # type: ignore[arg-type]
    topo = load_site_topology(SITES / "example_depot.toml")
    return with_topology(base, topo, {e.ev_id: evse for e, evse in zip(evs, evses, strict=True)})


def test_blocks_keep_the_first_hours_fine_then_merge_and_keep_arrivals_and_tight_departures() -> None:
    evs = [ev("slack", depart_h=10.3, add_wh=10_000),          # leaves inside a block with hours to spare
           ev("tight", depart_h=6.3, add_wh=6 * 7_000 - 500, capacity_wh=100_000),  # needs almost all its stay
           ev("later", arrive_h=3.25, depart_h=9.0, add_wh=5_000)]
    prob = problem(evs, n=48, step_s=900, import_price=100.0)
    bounds = time_blocks(prob, fleet_arrays(prob))
    assert bounds is not None
    assert list(bounds[:9]) == list(range(9))  # 2 h at 15 min
    assert 13 in bounds  # the later EV's arrival (3.25 h)
    assert 25 in bounds  # the tight EV's departure (6.3 h -> interval 25) stays exact
    assert 41 not in bounds and 40 in bounds and 42 in bounds  # slack: 10.3 h (interval 41) -> back to 10.0 h
    assert np.all(np.diff(bounds) <= 2) and bounds[-1] == 48
    # Under TOU the slack EV's last 0.25 h is shoulder-priced, cheaper than the peak earlier in its stay: kept.
    tou = replace(prob, market=problem(evs, n=48, step_s=900, import_price=TOU).market)
    assert 41 in time_blocks(tou, fleet_arrays(tou))  # type: ignore[operator]


def test_no_blocks_with_regulation_prices_a_taper_or_when_switched_off() -> None:
    evs = [ev("a", depart_h=11, add_wh=10_000)]
    reg = problem(evs, n=48, step_s=900, reg_up=5.0)
    assert time_blocks(reg, fleet_arrays(reg)) is None
    off = problem(evs, n=48, step_s=900, options=PlannerOptions(coarse_after_s=0))
    assert time_blocks(off, fleet_arrays(off)) is None
    short = problem(evs, n=8, step_s=900)  # the whole horizon is within the fine part
    assert time_blocks(short, fleet_arrays(short)) is None
    tapered = problem([replace(evs[0], charge_taper=TAPER)], n=48, step_s=900)
    assert time_blocks(tapered, fleet_arrays(tapered)) is None


def test_coarse_plan_costs_at_most_half_a_percent_more_than_the_fine_one_and_delivers_the_same() -> None:
    evs = [ev(f"e{i}", arrive_h=0.0 if i < 4 else 2.5 + i / 3, depart_h=7.0 + i * 0.6, add_wh=15_000 + 2_000 * i,
              p_ch_w=11_000, capacity_wh=80_000, soc=0.2, eta_ch=0.92) for i in range(8)]
    prob = _depot(evs, ["ac-1", "ac-2", "ac-3", "ac-4", "ac-1", "ac-2", "dc-1", "dc-2"])
    coarse, fine = plan(prob), plan_monolithic(prob)
    assert coarse.n_variables < 0.7 * fine.n_variables
    assert not [v for v in check_plan(prob, coarse) if v.safety]
    assert float(coarse.ev_shortfall_wh.sum()) == pytest.approx(float(fine.ev_shortfall_wh.sum()), abs=1.0)
    assert coarse.costs.net_cost <= fine.costs.net_cost * 1.005 + 1e-9


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["dc-1", "dc-2", "ac-1", "ac-2", "ac-3", "ac-4"]), st.booleans(),
                          st.booleans(), st.floats(0.05, 0.9), st.floats(0, 60_000), st.floats(0, 6),
                          st.floats(1, 12)), min_size=1, max_size=8),
       st.lists(st.floats(10, 300), min_size=48, max_size=48))
def test_coarse_plans_never_break_a_safety_limit_on_the_fine_grid(
        evs: list[tuple[str, bool, bool, float, float, float, float]], prices: list[float]) -> None:
    specs = [replace(ev(f"ev{i}", arrive_h=arrive, depart_h=arrive + stay, capacity_wh=80_000, soc=soc, add_wh=add,
                        v2g=v2g, p_ch_w=50_000 if evse.startswith("dc") else 11_000, p_dis_w=11_000 if v2g else 0.0,
                        eta_ch=0.93, eta_dis=0.93), charge_taper=TAPER if taper else ())
             for i, (evse, v2g, taper, soc, add, arrive, stay) in enumerate(evs)]
    base = problem(specs, n=48, step_s=900, import_price=prices, export_price=[p * 0.8 for p in prices],
                   other_w=[20_000.0] * 24 + [-15_000.0] * 24, import_limit_w=90_000, export_limit_w=30_000)
    prob = with_topology(base, load_site_topology(SITES / "example_depot.toml"),
                         {f"ev{i}": e[0] for i, e in enumerate(evs)})
    result = plan(prob)
    assert result.is_optimal
    assert not [v for v in check_plan(prob, result) if v.safety]


def _receding(prob: FleetProblem, steps: int) -> list[FleetProblem]:
    """``prob`` re-made every interval: start moved on, the EVs' SoC as the previous (cold) plan left it."""
    out = [prob]
    for _ in range(steps):
        prev = out[-1]
        result = plan(prev)
        start = prev.start_at + timedelta(seconds=prev.step_s)
        evs = tuple(replace(e, soc_initial=min(float(result.energy_wh[i, 1]) / e.capacity_wh, 1.0),
                            arrival_at=max(e.arrival_at, start),
                            target_added_energy_wh=max(e.departure_need_wh - result.energy_wh[i, 1], 0.0),
                            target_soc=None)
                    for i, e in enumerate(prev.evs) if e.departure_at > start)
        n = prev.n_intervals - 1
        out.append(replace(prev, start_at=start, n_intervals=n, evs=evs,
                           site=replace(prev.site, other_load_w=prev.site.other_load_w[1:]),
                           market=replace(prev.market, **{f: getattr(prev.market, f)[1:] for f in (
                               "import_price_per_mwh", "export_price_per_mwh", "reg_up_price_per_mwh",
                               "reg_down_price_per_mwh")})))
    return out


def test_online_planner_warm_starts_every_plan_after_the_first_and_finds_the_same_optimum() -> None:
    evs = [ev(f"e{i}", depart_h=8.0 + i * 0.5, add_wh=20_000 + 3_000 * i, p_ch_w=11_000, capacity_wh=80_000,
              soc=0.2) for i in range(6)]
    stream = _receding(_depot(evs, ["ac-1", "ac-2", "ac-3", "ac-4", "ac-1", "ac-2"]), 6)
    online = OnlinePlanner()
    for prob in stream:
        warm, cold = online.plan(prob), plan(prob)
        assert warm.is_optimal
        assert warm.objective == pytest.approx(cold.objective, rel=1e-7, abs=1e-6)
        assert not [v for v in check_plan(prob, warm) if v.safety]
    assert (online.warm.cold_solves, online.warm.warm_solves) == (1, len(stream) - 1)


def test_a_basis_from_another_site_and_fleet_only_changes_the_start() -> None:
    online = OnlinePlanner()
    first = _depot([ev("x", depart_h=9, add_wh=30_000, p_ch_w=11_000, capacity_wh=80_000)], ["ac-1"])
    online.plan(first)
    other = problem([ev("y", depart_h=6, add_wh=12_000, p_ch_w=7_000), ev("z", depart_h=11, add_wh=9_000)],
                    n=48, step_s=900, import_price=TOU, import_limit_w=9_000)
    assert online.plan(other).objective == pytest.approx(plan(other).objective, rel=1e-7, abs=1e-6)
    assert online.warm.warm_solves == 1


def test_plans_made_at_odd_times_share_the_basis_of_the_interval_they_overlap_most() -> None:
    evs = [ev(f"e{i}", depart_h=9.0 + i, add_wh=25_000, p_ch_w=11_000, capacity_wh=80_000, soc=0.2) for i in range(3)]
    first = _depot(evs, ["ac-1", "ac-2", "ac-3"])
    later = replace(first, start_at=first.start_at + timedelta(seconds=900 + 100))  # a controller's clock
    online = OnlinePlanner()
    online.plan(replace(first, start_at=first.start_at + timedelta(seconds=37)))
    online.plan(later)
    assert online.warm.last_matched > 0.8
