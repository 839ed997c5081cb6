"""Droop curves: FCR-N / FCR-D shapes, the regulation sign convention, and properties (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csms.grid.droop import DroopCurve

frequencies = st.floats(min_value=45.0, max_value=55.0, allow_nan=False)
deadbands = st.floats(min_value=0.0, max_value=0.09)
CURVES = [DroopCurve.fcr_n(), DroopCurve.fcr_n(deadband_hz=0.02), DroopCurve.fcr_d_up(), DroopCurve.fcr_d_down(),
          DroopCurve.fcr_continental()]


def test_fcr_n_is_linear_between_49_9_and_50_1_hz_and_positive_below_nominal() -> None:
    curve = DroopCurve.fcr_n()
    assert curve.fraction(50.0) == 0.0
    assert curve.fraction(49.9) == pytest.approx(1.0) and curve.fraction(49.0) == 1.0
    assert curve.fraction(50.1) == pytest.approx(-1.0) and curve.fraction(51.0) == -1.0
    assert curve.fraction(49.95) == pytest.approx(0.5)  # under-frequency: inject more (+)
    assert curve.fraction(50.05) == pytest.approx(-0.5)


def test_deadband_is_rescaled_so_the_curve_stays_continuous() -> None:
    curve = DroopCurve.fcr_n(deadband_hz=0.02)
    assert curve.fraction(49.985) == 0.0 and curve.fraction(50.02) == 0.0
    assert curve.fraction(49.94) == pytest.approx(0.5)  # halfway between 49.98 and 49.90
    assert curve.fraction(49.9) == pytest.approx(1.0)


def test_fcr_d_up_only_responds_below_49_9_and_is_full_at_49_5() -> None:
    curve = DroopCurve.fcr_d_up()
    assert curve.fraction(50.3) == 0.0 and curve.fraction(49.9) == 0.0
    assert curve.fraction(49.7) == pytest.approx(0.5) and curve.fraction(49.5) == pytest.approx(1.0)
    assert DroopCurve.fcr_d_down().fraction(50.3) == pytest.approx(-0.5)


@pytest.mark.parametrize("bad", [
    dict(up_start_hz=49.9, up_full_hz=None, down_start_hz=None, down_full_hz=None),
    dict(up_start_hz=49.5, up_full_hz=49.9, down_start_hz=None, down_full_hz=None),
    dict(up_start_hz=None, up_full_hz=None, down_start_hz=None, down_full_hz=None),
    dict(up_start_hz=50.2, up_full_hz=49.9, down_start_hz=50.1, down_full_hz=50.5),
])
def test_inconsistent_thresholds_are_refused(bad: dict[str, float | None]) -> None:
    with pytest.raises(ValueError):
        DroopCurve(**bad)  # type: ignore[arg-type]


@given(a=frequencies, b=frequencies, curve=st.sampled_from(CURVES))
def test_response_is_bounded_and_never_increases_with_frequency(a: float, b: float, curve: DroopCurve) -> None:
    low, high = min(a, b), max(a, b)
    assert -1.0 <= curve.fraction(high) <= curve.fraction(low) <= 1.0


@given(deadband=deadbands, offset=st.floats(min_value=-1.0, max_value=1.0))
def test_no_response_inside_the_deadband(deadband: float, offset: float) -> None:
    curve = DroopCurve.fcr_n(deadband_hz=deadband)
    assert curve.fraction(50.0 + offset * deadband) == 0.0


@given(f=frequencies, curve=st.sampled_from(CURVES))
def test_one_sided_curves_never_respond_the_other_way_and_vectorised_agrees(f: float, curve: DroopCurve) -> None:
    value = curve.fraction(f)
    if curve.down_start_hz is None:
        assert value >= 0.0
    if curve.up_start_hz is None:
        assert value <= 0.0
    assert curve.fractions(np.array([f]))[0] == pytest.approx(value, abs=1e-12)


def test_non_finite_frequencies_are_refused() -> None:
    with pytest.raises(ValueError):
        DroopCurve.fcr_n().fraction(float("nan"))
    with pytest.raises(ValueError):
        DroopCurve.fcr_n().fractions(np.array([50.0, np.inf]))
