"""Site topology: compiled currents, the one network rule in planner and checker, netting, acnportal's sites."""

from __future__ import annotations

import cmath
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csms.domain.topology import (
    EvseAttachment,
    Node,
    SiteTopology,
    TopologyError,
    compile_topology,
    topology_evse_id,
    topology_from_mapping,
)
from csms.optimizer import EvSpec, FleetProblem, check_plan, plan, with_topology
from csms.optimizer.io import load_site_topology
from csms.optimizer.network import NetworkRule
from tests.unit.optimizer.helpers import ev, problem

SITES = Path(__file__).resolve().parents[3] / "config" / "sites"


def _panel(limit_a: float, *connections: tuple[str, str, float]) -> SiteTopology:
    """One panel under the root with a per-phase limit; EVSEs (id, connection, voltage)."""
    return compile_topology((Node("panel", phase_limit_a=limit_a),),
                            tuple(EvseAttachment(e, v, node_id="panel", connection=c) for e, c, v in connections))


def _on(evse_id: str, spec: EvSpec) -> EvSpec:
    return replace(spec, evse_id=evse_id)


def test_a_line_to_line_evse_adds_to_one_line_and_subtracts_from_the_other() -> None:
    topo = _panel(100.0, ("ab", "AB", 208.0))
    rule = NetworkRule(topo, ["ab"])
    currents = dict(zip(rule.names, rule.currents_a(np.array([208.0 * 32])), strict=True))
    assert set(currents) == {"panel/A", "panel/B"}
    assert currents["panel/A"] == pytest.approx(cmath.rect(32.0, math.radians(30)))
    assert currents["panel/B"] == pytest.approx(-cmath.rect(32.0, math.radians(30)))


def test_a_balanced_three_phase_evse_draws_power_over_root3_volts_on_every_line() -> None:
    topo = compile_topology((Node("t", limit_va=100_000, voltage_v=400),),
                            (EvseAttachment("dc", 400.0, node_id="t", connection="ABC"),))
    rule = NetworkRule(topo, ["dc"])
    assert rule.limit_a == pytest.approx([100_000 / (math.sqrt(3) * 400)] * 3)
    assert np.abs(rule.currents_a(np.array([50_000.0]))) == pytest.approx([50_000 / (math.sqrt(3) * 400)] * 3)


def test_bad_descriptions_are_refused() -> None:
    with pytest.raises(TopologyError):
        compile_topology((Node("a", parent="b"),), ())
    with pytest.raises(TopologyError):
        topology_from_mapping({"evse": [{"id": "x"}]})  # no voltage
    with pytest.raises(ValueError, match="not in the site topology"):
        _problem_with_topology([ev("a")], _panel(10.0, ("x", "A", 230.0)))


def _problem_with_topology(evs: list[EvSpec], topo: SiteTopology, **kw: Any) -> FleetProblem:
    return replace(problem(evs, **kw), topology=topo)


def test_planner_keeps_a_single_phase_limit_exactly_and_the_checker_agrees() -> None:
    topo = _panel(40.0, ("x", "A", 230.0), ("y", "A", 230.0))
    evs = [_on("x", ev("a", add_wh=20_000, p_ch_w=7_360)), _on("y", ev("b", add_wh=20_000, p_ch_w=7_360))]
    prob = _problem_with_topology(evs, topo)
    result = plan(prob)
    assert check_plan(prob, result) == [v for v in check_plan(prob, result) if v.kind == "departure"]
    # one angle: the row is exact, both hours deliver the full 40 A x 230 V
    assert result.power_w.sum(axis=0) == pytest.approx([9_200.0, 9_200.0], rel=1e-6)


def test_planner_keeps_three_phase_limits_with_at_most_the_polygon_margin() -> None:
    topo = _panel(40.0, ("ab", "AB", 208.0), ("bc", "BC", 208.0), ("ca", "CA", 208.0), ("ab2", "AB", 208.0))
    evs = [_on(e, ev(f"ev-{e}", add_wh=30_000, p_ch_w=6_656)) for e in ("ab", "bc", "ca", "ab2")]
    prob = _problem_with_topology(evs, topo)
    result = plan(prob)
    assert not [v for v in check_plan(prob, result) if v.kind.startswith("network")]
    rule = NetworkRule(topo, ["ab", "bc", "ca", "ab2"])
    worst = np.abs(rule.currents_a(result.power_w)).max(axis=0)
    assert worst == pytest.approx([40.0, 40.0], rel=0.002)  # binding, within 1 - cos(3°) of the limit


def test_a_discharge_on_a_phase_makes_room_for_a_charge_on_it() -> None:
    topo = _panel(10.0, ("x", "A", 230.0), ("y", "A", 230.0))
    giver = _on("x", ev("giver", depart_h=2, soc=0.8, v2g=True, p_dis_w=7_000))
    taker = _on("y", ev("taker", depart_h=2, add_wh=7_000, p_ch_w=7_000))
    prob = _problem_with_topology([giver, taker], topo)
    base = plan(prob)
    netted = replace(base, power_w=np.array([[-7_000.0, 2_000.0], [7_000.0, 0.0]]))  # 30 A each, 0 A net
    assert not [v for v in check_plan(prob, netted) if v.safety]
    both = replace(base, power_w=np.array([[7_000.0, 0.0], [7_000.0, 0.0]]))
    assert {v.kind for v in check_plan(prob, both) if v.safety} == {"network"}


def test_checker_rejects_a_plan_over_a_phase_limit_and_one_whose_full_call_would_be() -> None:
    topo = _panel(40.0, ("x", "A", 230.0), ("y", "A", 230.0))
    evs = [_on("x", ev("a", add_wh=5_000)), _on("y", ev("b", add_wh=5_000))]
    prob = _problem_with_topology(evs, topo)
    good = plan(prob)
    assert not check_plan(prob, good)
    over = replace(good, power_w=np.full_like(good.power_w, 5_000.0))  # 2 x 21.7 A on a 40 A phase
    kinds = {(v.kind, v.subject) for v in check_plan(prob, over)}
    assert ("network", "panel/A") in kinds
    called = replace(good, power_w=np.full_like(good.power_w, 4_000.0),
                     reserve_down_w=np.full_like(good.power_w, 1_000.0))
    violations = check_plan(prob, called)
    assert {v.kind for v in violations if v.safety} == {"network_call"}


def test_caltech_site_from_config_matches_acnportal_rules_by_hand() -> None:
    topo = load_site_topology(SITES / "caltech_acn.toml")
    assert len(topo.evse_ids) == 54 and len(topo.limits) == 8
    rule = NetworkRule(topo, list(topo.evse_ids))
    power = np.zeros(54)
    power[topo.evse_ids.index("CA-308")] = 32 * 208.0  # an AB EVSE: +I on secondary A, -I on B, 0 on C
    current = dict(zip(rule.names, np.abs(rule.currents_a(power)), strict=True))
    assert current["Secondary A"] == pytest.approx(32.0)
    assert current["Secondary B"] == pytest.approx(32.0)
    assert current["Secondary C"] == pytest.approx(0.0)
    assert current["Primary A"] == pytest.approx(8.0)  # (I3a - I3c) / 4


def test_our_currents_equal_acnportals_for_its_caltech_and_jpl_networks() -> None:
    from bench.bench_acn_common import acn_network, topology_from_acn

    rng = np.random.default_rng(7)
    for site in ("caltech", "jpl"):
        network = acn_network(site)
        topo = topology_from_acn(network, site)
        rates_a = rng.uniform(0, 32, size=(len(network.station_ids), 5))
        theirs = np.abs(network.constraint_current(rates_a))
        volts = np.array([network.voltages[s] for s in network.station_ids])[:, None]
        ours = np.abs(NetworkRule(topo, list(topo.evse_ids)).currents_a(rates_a * volts))
        assert ours == pytest.approx(theirs, rel=1e-9)
        assert load_site_topology(SITES / f"{site}_acn.toml").limits == topo.limits


def test_with_topology_attaches_evs_and_tightens_the_connection_limits() -> None:
    topo = load_site_topology(SITES / "example_depot.toml")
    assert topology_evse_id(topo, "ac-1", 1) == "ac-1" and topology_evse_id(topo, "nowhere", 1) is None
    prob = with_topology(problem([ev("a", capacity_wh=100_000, add_wh=50_000, p_ch_w=22_000)], import_limit_w=1e6),
                         topo, {"a": "ac-1"})
    assert prob.evs[0].evse_id == "ac-1" and prob.site.import_limit_w == 250_000
    result = plan(prob)
    assert not [v for v in check_plan(prob, result) if v.safety]
    assert result.power_w[0] == pytest.approx([63 * 230.0] * 2, rel=1e-6)  # panel-1's 63 A on phase A


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["dc-1", "dc-2", "ac-1", "ac-2", "ac-3", "ac-4"]), st.booleans(),
                          st.floats(0.1, 0.9), st.floats(0, 60_000), st.floats(1, 6)), min_size=1, max_size=8),
       st.lists(st.floats(10, 200), min_size=6, max_size=6), st.booleans())
def test_plans_on_a_three_phase_depot_never_break_its_limits(
        evs: list[tuple[str, bool, float, float, float]], prices: list[float], reserves: bool) -> None:
    topo = load_site_topology(SITES / "example_depot.toml")
    specs = [ev(f"ev{i}", depart_h=stay, capacity_wh=80_000, soc=soc, add_wh=add, v2g=v2g,
                p_ch_w=50_000 if evse.startswith("dc") else 11_000, p_dis_w=11_000 if v2g else 0.0)
             for i, (evse, v2g, soc, add, stay) in enumerate(evs)]
    base = problem(specs, n=6, import_price=prices, export_price=[p * 0.9 for p in prices],
                   reg_up=5.0 if reserves else 0.0, reg_down=5.0 if reserves else 0.0)
    prob = with_topology(base, topo, {f"ev{i}": e[0] for i, e in enumerate(evs)})
    result = plan(prob)
    assert result.is_optimal
    assert not [v for v in check_plan(prob, result) if v.safety]


def test_a_topology_that_can_bind_is_always_solved_as_one_lp() -> None:
    from csms.optimizer import PlannerOptions
    from csms.optimizer.decomposition import plan_decomposed
    from csms.optimizer.planner import use_decomposition

    topo = _panel(40.0, ("x", "A", 230.0), ("y", "A", 230.0))
    evs = [_on("x", ev("a", add_wh=20_000, p_ch_w=7_360)), _on("y", ev("b", add_wh=20_000, p_ch_w=7_360))]
    prob = replace(_problem_with_topology(evs, topo), options=PlannerOptions(method="decomposed"))
    assert not use_decomposition(prob)
    assert use_decomposition(replace(prob, topology=None))
    result = plan_decomposed(prob)
    assert result.method == "monolithic" and not [v for v in check_plan(prob, result) if v.safety]
    loose = _panel(1_000.0, ("x", "A", 230.0), ("y", "A", 230.0))
    assert use_decomposition(replace(prob, topology=loose))  # cannot bind: the decomposition may run


def test_dispatch_under_a_topology_stays_within_the_planned_reserves() -> None:
    from csms.optimizer import dispatch, snapshot_from_plan

    topo = _panel(40.0, ("x", "A", 230.0), ("y", "A", 230.0))
    evs = [_on("x", ev("a", add_wh=4_000)), _on("y", ev("b", add_wh=4_000))]
    prob = _problem_with_topology(evs, topo, reg_up=20.0, reg_down=20.0)
    result = plan(prob)
    assert not [v for v in check_plan(prob, result) if v.safety]
    snap = snapshot_from_plan(prob, result, 0, np.array([25_000.0, 25_000.0]), 3_600)
    out = dispatch(snap, 30_000.0)  # far above what the phase (9.2 kW) allows
    assert np.all(out.setpoint_w <= result.power_w[:, 0] + result.reserve_down_w[:, 0] + 1e-6)
    rule = NetworkRule(topo, ["x", "y"])
    assert np.all(rule.excess_a(out.setpoint_w) <= 1e-6) and out.unmet_w > 0


def test_a_problem_file_names_its_site_file_and_the_plan_keeps_its_panels() -> None:
    from csms.optimizer.io import load_problem

    prob = load_problem(SITES.parent / "problems" / "depot_topology.toml")
    assert prob.topology is not None and prob.topology.name == "example_depot"
    assert prob.evs[0].charge_taper == ((0.0, 150_000.0), (0.5, 150_000.0), (1.0, 40_000.0))
    result = plan(prob)
    assert not check_plan(prob, result)
    assert result.power_w[0, 0] == pytest.approx(125 * math.sqrt(3) * 400, rel=1e-6)  # panel-2
    assert result.power_w[1, 0] == pytest.approx(63 * 230, rel=1e-6)  # panel-1, phase A
