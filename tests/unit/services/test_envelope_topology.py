"""Safety envelope: the site topology's limits (the planner's and checker's rule), netting, taper."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from csms.domain.capabilities import StationCapabilities
from csms.domain.ids import StationId
from csms.domain.records import ChargingNeedsRecord
from csms.domain.schedule import PowerSchedule, SchedulePeriod
from csms.domain.topology import EvseAttachment, Node, compile_topology
from csms.optimizer.io import load_site_topology
from csms.optimizer.network import NetworkRule
from csms.services.envelope import EvseEnvelope, SiteLimits, clamp_schedule, envelope_for
from csms.services.envelope_site import SiteLedger, TopologyLedger, segments_of

T0 = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)
NOW_S = T0.timestamp()
ENV = EvseEnvelope(max_charge_w=11_000, max_discharge_w=11_000, discharge_energy_wh=None)
SITES = Path(__file__).resolve().parents[3] / "config" / "sites"


def _sched(power_w: float, evse_id: int = 1) -> PowerSchedule:
    return PowerSchedule(evse_id, T0, 900, (SchedulePeriod(0, power_w),))


def _ask(power_w: float, *, site: SiteLimits | None = None, ledger: SiteLedger | None = None,
         topo: TopologyLedger | None = None, evse: str = "y") -> float:
    def shift(windows: object) -> list[tuple[float, float]]:
        return [(NOW_S + a, NOW_S + b) for a, b in windows]  # type: ignore[attr-defined]

    clamped = clamp_schedule(
        _sched(power_w), ENV, site,
        site_others=None if ledger is None else (lambda w: ledger.others(evse, shift(w))),
        topology_room=None if topo is None else (lambda w: topo.room(evse, shift(w))))
    return clamped.schedule.periods[0].power_w


def test_a_firm_charge_makes_room_for_a_discharge_under_the_export_limit() -> None:
    site = SiteLimits(import_limit_w=50_000, export_limit_w=2_000)
    ledger = SiteLedger()
    ledger.advance(NOW_S)
    ledger.set("x", segments_of(_sched(5_000)))  # a bound only: the EV may take nothing
    assert _ask(-7_000, site=site, ledger=ledger) == -2_000
    ledger.set("x", segments_of(_sched(5_000), firm_w=5_000))  # metered drawing 5 kW
    assert _ask(-7_000, site=site, ledger=ledger) == -7_000


def _phase_a(limit_a: float) -> TopologyLedger:
    topo = compile_topology((Node("panel", phase_limit_a=limit_a),),
                            (EvseAttachment("x", 230.0, node_id="panel", connection="A"),
                             EvseAttachment("y", 230.0, node_id="panel", connection="A")))
    ledger = TopologyLedger(topo)
    ledger.advance(NOW_S)
    return ledger


def test_the_topology_limits_a_charge_by_what_the_others_on_the_phase_may_draw() -> None:
    topo = _phase_a(16.0)
    assert abs(_ask(7_000, topo=topo) - 16 * 230) < 1.0  # alone on the phase: 3,680 W (the row is exact)
    topo.set("x", segments_of(_sched(3_000)))
    assert abs(_ask(7_000, topo=topo) - (16 * 230 - 3_000)) < 1.0


def test_on_a_phase_a_firm_charge_makes_room_for_a_discharge() -> None:
    topo = _phase_a(16.0)
    topo.set("x", segments_of(_sched(3_000)))
    assert _ask(-7_000, topo=topo) >= -16 * 230 - 1.0  # a bound only: no credit
    topo.set("x", segments_of(_sched(3_000), firm_w=3_000))
    assert abs(_ask(-7_000, topo=topo) + (16 * 230 + 3_000)) < 1.0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 53), st.floats(0, 6_656)), min_size=1, max_size=60))
def test_whatever_is_asked_the_envelope_keeps_caltech_within_the_checkers_rule(asks: list[tuple[int, float]]) -> None:
    topo = load_site_topology(SITES / "caltech_acn.toml")
    ids = list(topo.evse_ids)
    ledger = TopologyLedger(topo, charge_only=ids[::2])
    ledger.advance(NOW_S)
    power = np.zeros(len(ids))
    for j, want_w in asks:
        got_w = _ask(want_w, topo=ledger, evse=ids[j])
        assert 0.0 <= got_w <= want_w + 1e-9
        ledger.set(ids[j], segments_of(_sched(got_w)))
        power[j] = got_w
    assert np.all(NetworkRule(topo, ids).excess_a(power) <= 1e-6)


def test_the_envelope_applies_the_evs_taper_at_the_soc_read() -> None:
    caps = StationCapabilities(discharge_supported=True, max_charge_power_w=11_000, max_discharge_power_w=11_000)
    needs = ChargingNeedsRecord(StationId("S"), 1, T0, discharge_allowed=True, min_soc=0.1, ev_capacity_wh=40_000)
    taper = ((0.0, 11_000.0), (0.8, 11_000.0), (1.0, 1_000.0))
    assert envelope_for(caps, needs, soc=0.5, charge_taper=taper).max_charge_w == 11_000
    assert abs(envelope_for(caps, needs, soc=0.9, charge_taper=taper).max_charge_w - 6_000) < 1e-6


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 53), st.floats(-6_656, 6_656)), min_size=1, max_size=60))
def test_charges_and_discharges_through_the_envelope_keep_caltech_within_the_rule(
        asks: list[tuple[int, float]]) -> None:
    topo = load_site_topology(SITES / "caltech_acn.toml")
    ids = list(topo.evse_ids)
    ledger = TopologyLedger(topo)  # every EVSE may discharge
    ledger.advance(NOW_S)
    power = np.zeros(len(ids))
    for j, want_w in asks:
        got_w = _ask(want_w, topo=ledger, evse=ids[j])
        assert min(0.0, want_w) - 1e-9 <= got_w <= max(0.0, want_w) + 1e-9
        ledger.set(ids[j], segments_of(_sched(got_w)))
        power[j] = got_w
    assert np.all(NetworkRule(topo, ids).excess_a(power) <= 1e-6)
