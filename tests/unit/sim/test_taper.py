"""EV battery taper: the simulator's curve is the optimizer's, and a step integrates it exactly.

Oracles: the optimizer's own `taper_limit_w` (the same curve), closed forms of the SoC along a linear piece of
the curve, and a fine independent numerical integration (RK4 on the optimizer's curve).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chargepoint_sim import messages
from chargepoint_sim.ev import Ev, delivers, step
from chargepoint_sim.evse import ChargingState, EvseSpec
from chargepoint_sim.station import SimStation, StationSpec
from csms.domain.clock import ManualClock
from csms.domain.taper import TaperPoints, lines_limit_w, taper_lines
from csms.domain.taper import taper_lines as optimizer_lines
from csms.ocpp.schemas import validate_payload
from csms.ocpp.versions import OCPP_2X
from csms.optimizer.problem import taper_limit_w as optimizer_limit_w

CHARGE_TAPER: TaperPoints = ((0.0, 11_000.0), (0.8, 11_000.0), (1.0, 1_000.0))
DISCHARGE_TAPER: TaperPoints = ((0.0, 0.0), (0.3, 9_000.0), (1.0, 9_000.0))
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def tapered(**kwargs: object) -> Ev:
    base: dict[str, object] = {"capacity_wh": 50_000.0, "soc": 0.5, "max_charge_power_w": 11_000.0,
                               "max_discharge_power_w": 11_000.0, "charge_efficiency": 0.9,
                               "discharge_efficiency": 0.95, "allow_discharge": True,
                               "charge_taper": CHARGE_TAPER, "discharge_taper": DISCHARGE_TAPER}
    return Ev(**{**base, **kwargs})  # type: ignore[arg-type]


def rk4_soc(ev: Ev, request_w: float, duration_s: float, steps: int = 20_000) -> float:
    """The SoC after `duration_s` by RK4 on the optimizer's curve (an independent oracle)."""
    charging = request_w > 0
    points = ev.charge_taper if charging else ev.discharge_taper
    rating_w = ev.max_charge_power_w if charging else ev.max_discharge_power_w
    factor = (ev.charge_efficiency if charging else -1 / ev.discharge_efficiency) / (ev.capacity_wh * 3600)

    def rate(soc: float) -> float:
        power_w = min(abs(request_w), float(optimizer_limit_w(points, rating_w, soc)))
        return factor * power_w

    soc, dt = ev.soc, duration_s / steps
    for _ in range(steps):
        k1 = rate(soc)
        k2 = rate(soc + dt / 2 * k1)
        k3 = rate(soc + dt / 2 * k2)
        k4 = rate(soc + dt * k3)
        soc += dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return min(max(soc, ev.min_soc), ev.max_soc)


@pytest.mark.parametrize("points", [CHARGE_TAPER, DISCHARGE_TAPER, ((0.5, 7_000.0),),
                                    ((0.0, 2_000.0), (0.2, 11_000.0), (0.7, 11_000.0), (1.0, 0.0))])
def test_the_limit_is_the_optimizers_curve(points: TaperPoints) -> None:
    socs = np.linspace(0.0, 1.0, 101)
    expected = optimizer_limit_w(points, 10_000.0, socs)
    mine = [lines_limit_w(taper_lines(points), 10_000.0, float(s)) for s in socs]
    assert mine == pytest.approx(list(expected), abs=1e-6)
    assert np.allclose(np.array(taper_lines(points)), np.array(optimizer_lines(points)), rtol=1e-12)


@pytest.mark.parametrize("points", [((0.5, 1.0), (0.2, 2.0)), ((0.0, -1.0),), ((0.0, 1.0), (1.2, 1.0)),
                                    ((0.0, 1_000.0), (0.5, 500.0), (1.0, 900.0))])
def test_curves_the_optimizer_refuses_are_refused(points: TaperPoints) -> None:
    with pytest.raises(ValueError):
        optimizer_lines(points)
    with pytest.raises(ValueError):
        Ev(capacity_wh=10_000, soc=0.5, max_charge_power_w=1_000, charge_taper=points)


def test_charge_power_is_capped_near_full() -> None:
    ev = tapered(soc=0.9)  # the curve allows 6 kW at 90 %
    assert ev.charge_limit_now_w == pytest.approx(6_000.0)
    result = step(ev, 11_000.0, 1.0)
    assert 5_990.0 < result.power_w <= 6_000.0  # the limit falls a little during the second
    assert step(tapered(soc=0.5), 11_000.0, 1.0).power_w == 11_000.0  # flat part: the request
    assert step(ev, 3_000.0, 60.0).power_w == 3_000.0  # below the curve: the request


def test_energy_integrates_exactly_across_the_knee() -> None:
    """From 70 % at 11 kW the SoC rises linearly to the knee at 80 %, then along p = 51,000 - 50,000 soc (W):
    soc(t) = 1.02 - (1.02 - 0.8) exp(-50,000 k t), k = efficiency / (capacity x 3600)."""
    ev = tapered(soc=0.7)
    k = 0.9 / (50_000.0 * 3600)
    to_knee_s = 0.1 / (11_000.0 * k)
    duration_s = 3_600.0
    expected_soc = 1.02 - 0.22 * math.exp(-50_000.0 * k * (duration_s - to_knee_s))
    result = step(ev, 11_000.0, duration_s)
    assert result.ev.soc == pytest.approx(expected_soc, rel=1e-12)
    assert result.battery_energy_wh == pytest.approx((expected_soc - 0.7) * 50_000.0, rel=1e-9)
    assert result.grid_energy_wh == pytest.approx(result.battery_energy_wh / 0.9, rel=1e-12)
    assert result.power_w == pytest.approx(result.grid_energy_wh, rel=1e-12)  # one hour: average W = Wh
    assert result.ev.soc == pytest.approx(rk4_soc(ev, 11_000.0, duration_s), abs=1e-9)


def test_many_short_steps_integrate_to_one_long_step() -> None:
    ev = one = tapered(soc=0.75)
    grid_wh = 0.0
    for _ in range(3_600):
        result = step(ev, 11_000.0, 1.0)
        ev, grid_wh = result.ev, grid_wh + result.grid_energy_wh
    long = step(one, 11_000.0, 3_600.0)
    assert ev.soc == pytest.approx(long.ev.soc, abs=1e-12)
    assert grid_wh == pytest.approx(long.grid_energy_wh, rel=1e-9)


def test_discharge_tapers_near_the_minimum_soc_and_stops_exactly_there() -> None:
    ev = tapered(soc=0.2, min_soc=0.1)  # the curve allows 6 kW at 20 %, 3 kW at the 10 % reserve
    assert ev.discharge_limit_now_w == pytest.approx(6_000.0)
    short = step(ev, -11_000.0, 1.0)
    assert -6_000.0 <= short.power_w < -5_990.0
    assert short.grid_energy_wh == pytest.approx(short.battery_energy_wh * 0.95, rel=1e-12)
    long = step(ev, -11_000.0, 7_200.0)  # p = 30,000 soc: soc(t) = 0.2 exp(-30,000 t / (0.95 C 3600))
    reaches_min_s = math.log(2.0) * 0.95 * 50_000.0 * 3600 / 30_000.0
    assert reaches_min_s < 7_200.0
    assert long.ev.soc == 0.1
    assert long.battery_energy_wh == pytest.approx(-5_000.0)
    assert long.grid_energy_wh == pytest.approx(-4_750.0)
    assert long.power_w == pytest.approx(-4_750.0 / 2)  # the average over the two hours
    part = step(ev, -11_000.0, reaches_min_s / 2)
    assert part.ev.soc == pytest.approx(0.2 * math.exp(-math.log(2.0) / 2), rel=1e-12)
    assert part.ev.soc == pytest.approx(rk4_soc(ev, -11_000.0, reaches_min_s / 2), abs=1e-9)


def test_an_ev_on_a_curve_that_ends_at_zero_power_suspends_there() -> None:
    ev = tapered(soc=0.9, charge_taper=((0.0, 11_000.0), (0.5, 11_000.0), (0.9, 0.0)))
    assert not delivers(ev, 11_000.0)
    assert step(ev, 11_000.0, 600.0).grid_energy_wh == 0.0
    assert delivers(ev, -1_000.0)


@st.composite
def tapered_evs(draw: st.DrawFn) -> Ev:
    knee = draw(st.floats(0.05, 0.95))
    flat_w = draw(st.floats(1_000.0, 150_000.0))
    end_w = draw(st.floats(0.0, 1.0)) * flat_w
    min_soc = draw(st.floats(0.0, 0.5))
    return Ev(capacity_wh=draw(st.floats(5_000.0, 150_000.0)), soc=draw(st.floats(0.0, 1.0)),
              max_charge_power_w=draw(st.floats(0.0, 200_000.0)), max_discharge_power_w=draw(st.floats(0.0, 200_000.0)),
              min_soc=min_soc, max_soc=draw(st.floats(min_soc, 1.0)), charge_efficiency=draw(st.floats(0.5, 1.0)),
              discharge_efficiency=draw(st.floats(0.5, 1.0)), allow_discharge=draw(st.booleans()),
              charge_taper=((0.0, flat_w), (knee, flat_w), (1.0, end_w)),
              discharge_taper=((0.0, end_w), (knee, flat_w), (1.0, flat_w)))


@given(tapered_evs(), st.floats(-300_000.0, 300_000.0), st.floats(0.0, 86_400.0))
def test_tapered_steps_keep_the_bounds_the_limits_and_the_energy_balance(ev: Ev, power_w: float,
                                                                         duration_s: float) -> None:
    result = step(ev, power_w, duration_s)
    new = result.ev
    assert min(ev.soc, ev.min_soc) <= new.soc <= max(ev.soc, ev.max_soc)
    assert result.power_w == 0 or (result.power_w > 0) == (power_w > 0)
    assert abs(result.power_w) <= abs(power_w) * (1 + 1e-9)
    assert result.power_w <= ev.max_charge_power_w * (1 + 1e-9)
    assert -result.power_w <= ev.discharge_limit_w * (1 + 1e-9)
    assert result.battery_energy_wh == pytest.approx((new.soc - ev.soc) * ev.capacity_wh, abs=1e-6)
    if duration_s > 0:
        assert result.grid_energy_wh == pytest.approx(result.power_w * duration_s / 3600, rel=1e-9, abs=1e-9)
    if result.grid_energy_wh > 0:
        assert result.battery_energy_wh == pytest.approx(result.grid_energy_wh * ev.charge_efficiency, rel=1e-9)
    assert (result.power_w != 0) <= delivers(ev, power_w)


@pytest.mark.parametrize("power_w", [7_000.0, -7_000.0])
def test_a_subnormal_step_duration_moves_nothing_and_does_not_divide_by_zero(power_w: float) -> None:
    """Hypothesis found duration_s=5e-324 (hours underflow to 0): the tapered step divided by zero."""
    result = step(tapered(), power_w, 5e-324)
    assert result.power_w == 0 or (abs(result.power_w) <= 7_000.0 and (result.power_w > 0) == (power_w > 0))
    assert result.ev.soc == pytest.approx(0.5, abs=1e-12)


def test_a_tiny_constant_maximum_binds_below_a_larger_taper_line() -> None:
    """Hypothesis found max_discharge_power_w=1.18e-256 at soc=1.07e-159: an absolute tie tolerance took the
    taper line (3e-155 W there) as tied with the maximum and discharged 1e99 times above it."""
    ev = tapered(max_discharge_power_w=1.18e-256, soc=1.07e-159, min_soc=0.0)
    result = step(ev, -1.0, 1.0)
    assert -result.power_w <= ev.discharge_limit_w * (1 + 1e-9)


def test_a_plan_that_ignores_the_taper_falls_short_on_the_station() -> None:
    """A station charging an EV at 11 kW for the hour a flat-power plan needs from 80 % to full delivers what
    the curve allows, metered exactly, and reports the EV as charging throughout (on the injected clock)."""
    clock = ManualClock(T0)
    spec = StationSpec(station_id="SIM-0001", password="0123456789abcdef0123",
                       evses=(EvseSpec(1, 11_000.0, 11_000.0),), tx_updated_interval_s=60)
    station = SimStation(spec, clock)
    station.set_online(True)
    ev = tapered(soc=0.8, arrival_at=T0, departure_at=T0 + timedelta(hours=3), id_token="TOKEN-1")
    station.schedule_ev(1, ev)
    station.advance_to(clock.now())
    tx = station.authorization_result(1, "TOKEN-1", "Accepted")
    assert tx is not None
    plan_s = 0.2 * 50_000.0 / (11_000.0 * 0.9) * 3600  # 10 kWh into the battery at a flat 11 kW
    clock.advance(plan_s)
    station.advance_to(clock.now())
    k = 0.9 / (50_000.0 * 3600)
    expected_soc = 1.02 - 0.22 * math.exp(-50_000.0 * k * plan_s)
    assert tx.soc == pytest.approx(expected_soc, rel=1e-9)
    assert tx.soc < 0.95  # the flat plan promised 100 %
    assert tx.battery_energy_wh == pytest.approx((expected_soc - 0.8) * 50_000.0, rel=1e-9)
    assert tx.import_wh == pytest.approx(tx.battery_energy_wh / 0.9, rel=1e-9)
    assert station.evses[1].import_register_wh == pytest.approx(tx.import_wh, rel=1e-12)
    assert tx.charging_state is ChargingState.CHARGING


def test_the_charging_needs_carry_the_curves_for_the_csms() -> None:
    for version in OCPP_2X:
        needs = messages.charging_needs(EvseSpec(1, 11_000.0, 11_000.0), tapered(), version)
        validate_payload(version, "NotifyEVChargingNeeds", needs, is_request=True)
        custom = needs["chargingNeeds"]["customData"]
        assert custom["chargeTaper"] == [[0.0, 11_000.0], [0.8, 11_000.0], [1.0, 1_000.0]]
        assert custom["dischargeTaper"] == [[0.0, 0.0], [0.3, 9_000.0], [1.0, 9_000.0]]
    plain = messages.charging_needs(EvseSpec(1), Ev(capacity_wh=10_000, soc=0.5, max_charge_power_w=1_000),
                                    OCPP_2X[0])
    assert "chargeTaper" not in plain["chargingNeeds"]["customData"]
