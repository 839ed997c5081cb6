"""Closed loop over real websockets: a recorded regulation signal -> fleet controller -> OCPP setpoints ->
simulated stations (mixed OCPP 2.1 and 2.0.1, 1 s response delay, ramp) -> metering -> PJM-style score.

Here: the shared settings and a fleet that does not respond (20 EVs, 15 minutes); the done-means runs (100 EVs,
one hour of PJM and three CAISO days) are `tests/e2e/test_regulation_hour.py`.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from csms.grid.data import data_path
from csms.grid.parsers.regulation import parse_pjm_regulation
from csms.grid.signals import RegulationSeries
from csms.scenario.fleet_run import FleetRunSpec
from csms.scenario.regulation import RegulationRunResult, run_regulation
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


async def run(series: RegulationSeries, tmp_path: Path, duration_s: float, offset_s: float = 0.0,
              respond: bool = True) -> RegulationRunResult:
    config = tmp_path / "fleet.toml"
    config.write_text(SIM_CONFIG)
    signal_start_at = series.start_at + timedelta(seconds=offset_s)
    spec = FleetRunSpec(sim_config=config, start_at=signal_start_at - timedelta(seconds=WARMUP_S), speed=SPEED,
                        sim_log=tmp_path / "sim.log")
    return await run_regulation(series, settings_for(series), spec, signal_start_at=signal_start_at,
                                duration_s=duration_s, respond=respond)


@pytest.fixture(scope="module")
def pjm() -> RegulationSeries:
    return parse_pjm_regulation(data_path("pjm/pjm_regA_2s_2017-08-01_1600-2400.csv")).items[0]


async def test_a_fleet_that_does_not_respond_scores_far_below_qualification(
    pjm: RegulationSeries, tmp_path: Path
) -> None:
    # 20:00-20:15 local: the signal moves around zero (earlier it is pinned at -1, where an EV fleet charging
    # flat out would look like a perfect responder)
    result = await run(pjm, tmp_path, duration_s=900, offset_s=14_400, respond=False)
    assert result.score.composite < 0.5, result.score  # PJM qualifies resources at 0.75
