"""Closed loop through the live Modbus link: the same PJM window drives the 20-EV fleet once through the
in-process replay and once through `csms serve`'s Modbus TCP regulation server, written by an EMS client on
loopback that reads the telemetry back. Both on virtual time: the link must not change the score."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from csms.grid.data import data_path
from csms.grid.parsers.regulation import parse_pjm_regulation
from csms.grid.signals import RegulationSeries
from csms.scenario.fleet_run import ClockMode, FleetRunSpec
from csms.scenario.regulation import RegulationRunResult, run_regulation
from csms.scenario.virtual_time import run_virtual
from tests.e2e.test_regulation import SIM_CONFIG, SPEED, WARMUP_S, settings_for

PJM = "pjm/pjm_regA_2s_2017-08-01_1600-2400.csv"
DURATION_S = 300.0
OFFSET_S = 14_400.0  # 20:00 local: the signal moves around zero


def _run(series: RegulationSeries, tmp_path: Path, via: str, clock: ClockMode = "virtual") -> RegulationRunResult:
    tmp_path.mkdir(parents=True, exist_ok=True)
    config = tmp_path / "fleet.toml"
    config.write_text(SIM_CONFIG)
    signal_start_at = series.start_at + timedelta(seconds=OFFSET_S)
    spec = FleetRunSpec(sim_config=config, start_at=signal_start_at - timedelta(seconds=WARMUP_S), speed=SPEED,
                        sim_log=tmp_path / "sim.log", clock=clock)
    ems = [sys.executable, "-m", "csms.grid.ems_cli", "--file", str(data_path(PJM)), "--offset-s", str(OFFSET_S)]

    async def main() -> RegulationRunResult:
        return await run_regulation(series, settings_for(series), spec, signal_start_at=signal_start_at,
                                    duration_s=DURATION_S, via=via, ems_command=ems)  # type: ignore[arg-type]

    if clock == "realtime":
        return asyncio.run(main())
    return run_virtual(main, max_simulated_s=WARMUP_S + DURATION_S + 600)


def test_the_fleet_follows_a_modbus_fed_signal_with_the_score_of_the_in_process_replay(tmp_path: Path) -> None:
    series = parse_pjm_regulation(data_path(PJM)).items[0]
    replay = _run(series, tmp_path / "replay", "replay")
    modbus = _run(series, tmp_path / "modbus", "modbus")
    assert len(modbus.trace) > 100
    assert float(np.max(np.abs(replay.signal - modbus.signal))) < 1e-3  # the registers carry 1e-4 steps
    assert modbus.score.composite == pytest.approx(replay.score.composite, abs=0.01), (replay.score, modbus.score)
    assert modbus.mean_reserve_up_w == pytest.approx(replay.mean_reserve_up_w, rel=0.01)


@pytest.mark.realtime
def test_an_ems_in_its_own_process_drives_the_fleet_over_modbus_on_the_real_clock(tmp_path: Path) -> None:
    """`python -m csms.grid.ems_cli` on the run's shared clock (10x) writes the signal into the Modbus server;
    the simulator is in its own process too. Compared with the in-process replay on virtual time, the score
    moves by no more than the host's jitter moves a real-clock run (test_regulation.py allows 0.05)."""
    series = parse_pjm_regulation(data_path(PJM)).items[0]
    virtual = _run(series, tmp_path / "virtual", "replay")
    real = _run(series, tmp_path / "real", "modbus-process", clock="realtime")
    assert float(np.mean(np.abs(virtual.signal - real.signal))) < 0.01
    assert abs(virtual.score.composite - real.score.composite) < 0.05, (virtual.score, real.score)
    print(f"composite: in-process replay (virtual) {virtual.score.composite:.4f}, "
          f"EMS process over Modbus (10x real clock) {real.score.composite:.4f}")
