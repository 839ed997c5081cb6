"""Closed loop: a recorded regulation signal -> fleet controller -> OCPP setpoints -> simulated stations (mixed
OCPP 2.1 and 2.0.1, 1 s response delay, ramp) -> metering -> PJM-style score.

These runs are on virtual time (`csms.scenario.virtual_time`): the CSMS and the simulated stations share one
process and one event loop whose clock jumps ahead whenever every task waits, so a simulated quarter hour takes
seconds and cannot fail on a busy host. The stations connect in-process (`csms.ocpp.memory`: the same OCPP
sessions, no socket); `test_in_memory_and_websocket_runs_of_the_same_window_give_the_same_trace` ties that to
real websockets on loopback, and `test_virtual_and_real_time_runs_of_the_same_window_give_the_same_trace` to a
run on the real (accelerated) clock with the simulator in its own process, over websockets.

Here: the shared settings and a fleet that does not respond (20 EVs, 15 minutes); the done-means runs (100 EVs,
one hour of PJM and four CAISO days) are `tests/e2e/test_regulation_hour.py`.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from csms.grid.data import data_path
from csms.grid.parsers.regulation import parse_pjm_regulation
from csms.grid.signals import RegulationSeries
from csms.scenario.fleet_run import ClockMode, FleetRunSpec, Transport
from csms.scenario.regulation import RegulationRunResult, run_regulation
from csms.scenario.virtual_time import run_virtual
from csms.settings import Settings, load_settings

SPEED = 10.0
WARMUP_S = 420.0

SIM_CONFIG = """
stations = 20
seed = 21
kind_shares = { "v2x-2.1" = 1, "bidirectional-2.0.1" = 1 }
[station]
evses = 1
tx_updated_interval_s = 2
[station.evse]
max_power_w = 11000.0
max_discharge_power_w = 11000.0
[station.control]
response_delay_s = 1.0
ramp_w_per_s = 10000.0
[ev]
capacity_wh = [40000.0, 80000.0]
arrival_soc = [0.4, 0.6]
energy_request_wh = [500.0, 1500.0]
max_charge_power_w = [7400.0, 11000.0]
max_discharge_power_w = [7400.0, 11000.0]
allow_discharge_probability = 1.0
first_arrival_s = [0.0, 240.0]
dwell_s = [900.0, 14400.0]
visits_per_evse = 1
"""


def settings_for(series: RegulationSeries) -> Settings:
    settings = load_settings()
    return settings.model_copy(update={"fleet": settings.fleet.model_copy(update={
        "reg_up_price_per_mwh": 30.0, "reg_down_price_per_mwh": 30.0, "horizon_steps": 24,
        "dispatch_interval_s": series.interval_s, "setpoint_deadband_w": 100.0})})


def run(series: RegulationSeries, tmp_path: Path, duration_s: float, offset_s: float = 0.0,
        respond: bool = True, clock: ClockMode = "virtual", speed: float = SPEED,
        transport: Transport = "memory") -> RegulationRunResult:
    """One run of the 20-EV fleet; on virtual time unless `clock="realtime"` (simulator in a child process)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    config = tmp_path / "fleet.toml"
    config.write_text(SIM_CONFIG)
    signal_start_at = series.start_at + timedelta(seconds=offset_s)
    spec = FleetRunSpec(sim_config=config, start_at=signal_start_at - timedelta(seconds=WARMUP_S), speed=speed,
                        sim_log=tmp_path / f"sim-{clock}.log", clock=clock, transport=transport)

    async def main() -> RegulationRunResult:
        return await run_regulation(series, settings_for(series), spec, signal_start_at=signal_start_at,
                                    duration_s=duration_s, respond=respond)

    if clock == "realtime":
        return asyncio.run(main())
    return run_virtual(main, max_simulated_s=WARMUP_S + duration_s + 600)


@pytest.fixture(scope="module")
def pjm() -> RegulationSeries:
    return parse_pjm_regulation(data_path("pjm/pjm_regA_2s_2017-08-01_1600-2400.csv")).items[0]


def test_a_fleet_that_does_not_respond_scores_far_below_qualification(pjm: RegulationSeries, tmp_path: Path) -> None:
    # 20:00-20:15 local: the signal moves around zero (earlier it is pinned at -1, where an EV fleet charging
    # flat out would look like a perfect responder)
    result = run(pjm, tmp_path, duration_s=900, offset_s=14_400, respond=False)
    assert result.score.composite < 0.5, result.score  # PJM qualifies resources at 0.75


def test_virtual_time_runs_of_the_same_window_are_identical(pjm: RegulationSeries, tmp_path: Path) -> None:
    first = run(pjm, tmp_path / "a", duration_s=300, offset_s=14_400)
    second = run(pjm, tmp_path / "b", duration_s=300, offset_s=14_400)
    assert len(first.trace) > 100
    assert np.array_equal(first.response, second.response)
    assert [(p.at, p.metered_w, p.baseline_w) for p in first.trace] == \
        [(p.at, p.metered_w, p.baseline_w) for p in second.trace]


def test_in_memory_and_websocket_runs_of_the_same_window_give_the_same_trace(
    pjm: RegulationSeries, tmp_path: Path
) -> None:
    """The in-process connection is the websocket loop without its socket: on virtual time the two give the same
    response but for the order in which tasks woken at one instant run (a websocket frame needs the selector's
    turn, an in-memory message only the loop's next one)."""
    memory = run(pjm, tmp_path / "memory", duration_s=300, offset_s=14_400)
    websocket = run(pjm, tmp_path / "websocket", duration_s=300, offset_s=14_400, transport="websocket")
    assert len(memory.trace) > 100
    assert np.array_equal(memory.signal, websocket.signal)
    assert float(np.mean(np.abs(memory.response - websocket.response))) < 0.01
    assert abs(memory.score.composite - websocket.score.composite) < 0.01, (memory.score, websocket.score)
    assert memory.mean_reserve_up_w == pytest.approx(websocket.mean_reserve_up_w, rel=0.01)


@pytest.mark.realtime
def test_virtual_and_real_time_runs_of_the_same_window_give_the_same_trace(
    pjm: RegulationSeries, tmp_path: Path
) -> None:
    """The virtual-time harness is the real loop: on the real clock (10x, simulator in its own process) the same
    window gives the same response within what a few seconds of host jitter can move."""
    virtual = run(pjm, tmp_path / "virtual", duration_s=300, offset_s=14_400)
    real = run(pjm, tmp_path / "real", duration_s=300, offset_s=14_400, clock="realtime")
    assert float(np.mean(np.abs(virtual.signal - real.signal))) < 0.01  # resampled from each run's own ticks
    assert float(np.mean(np.abs(virtual.response - real.response))) < 0.1, (virtual.score, real.score)
    assert abs(virtual.score.composite - real.score.composite) < 0.05, (virtual.score, real.score)
    assert virtual.mean_reserve_up_w == pytest.approx(real.mean_reserve_up_w, rel=0.1)
