"""Frequency response over real websockets: a measured-frequency excursion, through an FCR-N droop curve, moves
the fleet's metered power by the droop's share of its reserved capacity within the activation time.

The frequency series is synthetic (the shared data has no frequency recording): 50.00 Hz, then a step to
49.90 Hz (full FCR-N activation: inject the whole up reserve) for 3 minutes, then back. FCR-N asks for full
activation within 150 s; the fleet must get there within 20 s here. On virtual time (one process, one loop whose
clock jumps ahead when every task waits): the 20 s are simulated seconds of the CSMS, the stations' response
delay and ramp, never a host's scheduling luck.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from csms.grid.droop import DroopCurve
from csms.grid.signals import FrequencySeries, RegulationSeries
from csms.scenario.fleet_run import FleetRunSpec
from csms.scenario.regulation import RegulationRunResult, run_regulation
from csms.scenario.virtual_time import run_virtual
from tests.e2e.test_regulation import SIM_CONFIG, WARMUP_S, settings_for

START = datetime(2026, 1, 14, 17, 0, tzinfo=UTC)
STEP_S = 1.0
ACTIVATION_LIMIT_S = 20.0


def test_an_fcr_n_frequency_dip_brings_full_up_response_within_the_activation_time(tmp_path: Path) -> None:
    hz = np.full(420, 50.0)
    hz[60:240] = 49.90
    frequency = FrequencySeries(START, STEP_S, hz, "synthetic step")
    droop = DroopCurve.fcr_n()
    series = RegulationSeries(START, STEP_S, droop.fractions(frequency.values), "FCR-N droop of synthetic step")
    assert series.values[100] == 1.0 and series.values[0] == 0.0

    config = tmp_path / "fleet.toml"
    config.write_text(SIM_CONFIG)
    spec = FleetRunSpec(sim_config=config, start_at=START - timedelta(seconds=WARMUP_S), speed=10.0,
                        sim_log=tmp_path / "sim.log")
    settings = settings_for(series)  # the departure guard is on (the default)
    assert settings.fleet.departure_guard
    result = run_virtual(lambda: run_regulation(series, settings, spec, signal_start_at=START, duration_s=400),
                         max_simulated_s=WARMUP_S + 1000)

    assert result.mean_reserve_up_w > 20_000
    before = (result.t_s >= 30) & (result.t_s < 58)
    assert np.all(np.abs(result.response[before]) < 0.15), _off(result, before)  # at 50 Hz: at the baseline
    after_step = (result.t_s >= 60) & (result.response >= 0.9)
    reached_s = float(result.t_s[after_step][0]) - 60.0
    assert reached_s <= ACTIVATION_LIMIT_S, f"90% of the up reserve reached after {reached_s} s"
    held = result.response[(result.t_s >= 60 + ACTIVATION_LIMIT_S) & (result.t_s < 238)]
    assert np.mean(held) > 0.9
    recovered = (result.t_s >= 240 + ACTIVATION_LIMIT_S) & (result.t_s < 400)
    assert np.all(np.abs(result.response[recovered]) < 0.15), _off(result, recovered)


def _off(result: RegulationRunResult, window: np.ndarray) -> str:
    """The samples of `window` off the baseline, with the dispatch ticks around the first, for the log."""
    off = window & (np.abs(result.response) >= 0.15)
    if not off.any():
        return ""
    first_s = float(result.t_s[off][0])
    ticks = [p for p in result.trace if abs((p.at - START).total_seconds() - first_s) <= 10]
    return f"off baseline at t_s={result.t_s[off].tolist()}: {result.response[off].round(3).tolist()}; ticks {ticks}"
