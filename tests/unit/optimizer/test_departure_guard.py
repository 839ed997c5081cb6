"""The dispatcher's departure guard: however the regulation signal runs, an EV keeps a path to its driver's need."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from csms.optimizer.dispatch import FleetSnapshot, departure_floor_w, dispatch_regulation, with_floor

A = np.array


def test_no_floor_while_full_power_later_still_reaches_the_need() -> None:
    # 10 kWh short, 2 h left at 11 kW x 0.95: plenty of time -> no floor in the next 4 s
    floor = departure_floor_w(A([30_000.0]), A([40_000.0]), A([7200.0]), 4.0, A([11_000.0]), A([0.95]), A([0.95]))
    assert floor[0] < -11_000.0  # any discharge the EV can do in 4 s is fine


def test_the_floor_rises_as_departure_nears_and_is_capped_at_full_power() -> None:
    energy, need, p_max, eta = A([30_000.0] * 3), A([40_000.0] * 3), A([11_000.0] * 3), A([0.95] * 3)
    # exactly enough time at full power -> full power; less -> still full power; a bit more -> part power
    just_enough_s = 10_000.0 / (11_000.0 * 0.95) * 3600.0
    floor = departure_floor_w(energy, need, A([just_enough_s, just_enough_s - 600, just_enough_s + 2.0]), 4.0,
                              p_max, eta, eta)
    assert np.allclose(floor[:2], 11_000.0)
    assert 0.0 < floor[2] < 11_000.0


def test_a_negative_floor_limits_discharge_and_a_positive_one_forces_charging() -> None:
    snap = FleetSnapshot(A([0.0, 0.0, 0.0]), A([5_000.0] * 3), A([5_000.0] * 3), A([-7_000.0] * 3), A([7_000.0] * 3))
    guarded = with_floor(snap, A([-50_000.0, -3_000.0, 2_000.0]))
    assert guarded.min_power_w.tolist() == [-7_000.0, -3_000.0, 2_000.0]
    assert dispatch_regulation(guarded, 1.0).setpoint_w.tolist() == [-7_000.0, -3_000.0, 2_000.0]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1.0, 1.0), min_size=10, max_size=400), st.floats(0.0, 4_000.0))
def test_an_ev_under_any_signal_with_the_guard_leaves_with_its_need(signal: list[float], spare_s: float) -> None:
    """One EV, 11 kW both ways, 4 s ticks, departure after the signal ends: with the guard it always reaches its
    need when the need was reachable at the start (spare_s of slack at full power)."""
    step_s, p_max, eta = 4.0, 11_000.0, 0.95
    need = 30_000.0
    discharged = False
    departure_s = len(signal) * step_s
    energy = need - p_max * eta * max(departure_s - spare_s, 0.0) / 3600.0  # reachable with spare_s to spare
    for k, s in enumerate(signal):
        to_departure = departure_s - k * step_s
        snap = FleetSnapshot(A([0.0]), A([p_max]), A([p_max]), A([-p_max]), A([p_max]))
        snap = with_floor(snap, departure_floor_w(A([energy]), A([need]), A([to_departure]), step_s, A([p_max]),
                                                  A([eta]), A([eta])))
        power = float(dispatch_regulation(snap, s).setpoint_w[0])
        discharged = discharged or power < 0
        energy += (power * eta if power > 0 else power / eta) * step_s / 3600.0
    assert energy >= need - 1e-6
    if spare_s > 600 and signal[0] > 0.5:  # slack at the start: the first up call is answered by discharging
        assert discharged
