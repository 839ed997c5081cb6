"""Long commands: help with defaults, fresh output folders, progress only on a terminal, flat-signal notes."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from csms.scenario import cli as scenario_cli
from csms.scenario import replay_cli
from csms.scenario.progress import (
    ProgressUpdate,
    TerminalProgress,
    follow_scaled_clock,
    progress_wanted,
    run_with_progress,
)


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_wanted_on_a_terminal_only_and_never_in_ci() -> None:
    assert progress_wanted(Tty(), env={}) is True
    assert progress_wanted(Tty(), env={"CI": "true"}) is False
    assert progress_wanted(Tty(), env={"CI": "false"}) is True
    assert progress_wanted(io.StringIO(), env={}) is False


def test_the_terminal_bar_shows_simulated_time_and_is_silent_off_a_terminal() -> None:
    tty, pipe = Tty(), io.StringIO()
    with TerminalProgress("replay", total_s=720, stream=tty, enabled=True) as shown:
        shown(ProgressUpdate(360, 720, note="score 0.93 so far"))
    with TerminalProgress("replay", total_s=720, stream=pipe) as hidden:
        hidden(ProgressUpdate(360, 720))
    assert "simulated s" in tty.getvalue() and "720" in tty.getvalue() and "score 0.93" in tty.getvalue()
    assert pipe.getvalue() == ""


def test_follow_scaled_clock_reports_real_time_times_speed_then_the_end() -> None:
    now = [100.0]
    seen: list[ProgressUpdate] = []

    async def run() -> str:
        for _ in range(3):
            now[0] += 10.0
            await asyncio.sleep(0)
        return "done"

    result = asyncio.run(follow_scaled_clock(run(), seen.append, speed=5.0, total_s=120.0, interval_s=0.0,
                                             monotonic=lambda: now[0]))
    assert result == "done"
    done = [u.simulated_s for u in seen]
    assert done == sorted(done) and done[-1] == 120.0 and all(u.total_s == 120.0 for u in seen)
    assert any(50.0 <= s < 120.0 for s in done)  # 10 real s x 5 = 50 simulated s seen mid-run


def test_flat_windows_counts_the_windows_the_scorer_cannot_correlate() -> None:
    flat = np.full(150, -1.0)  # five minutes of RegA pinned at -1, 2 s steps
    moving = np.sin(np.arange(300) / 10.0)
    assert replay_cli.flat_windows(flat, 2.0) == (1, 1)
    assert replay_cli.flat_windows(np.concatenate([flat, moving[:150]]), 2.0) == (1, 2)
    assert replay_cli.flat_windows(moving, 2.0) == (0, 2)
    assert "flat" in replay_cli.flat_note(1, 1) and "--offset-s" in replay_cli.flat_note(1, 1)


@pytest.mark.parametrize("argv, default", [(["replay", "-h"], "(default: 3600.0)"),
                                           (["optimize", "-h"], "(default: None)"),
                                           (["scenario", "run", "-h"], "(default: False)")])
def test_help_shows_defaults(argv: list[str], default: str, capsys: pytest.CaptureFixture[str]) -> None:
    from csms.__main__ import main

    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 0 and default in capsys.readouterr().out


def test_scenario_run_without_out_writes_to_a_fresh_folder_not_docs(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[Path] = []

    async def fake_run(spec: Any, *, short: bool, workdir: Path | None, **_: Any) -> Any:
        year = SimpleNamespace(revenue=0, energy_cost=0, wear_cost=0, fixed_cost=0, net_value=0,
                               driver_payout_per_vehicle=0, aggregator_margin=0)
        return SimpleNamespace(settlement=SimpleNamespace(year=year, currency="USD"))

    def fake_write(result: Any, out: Path) -> dict[str, Any]:
        written.append(out)
        return {"form": "short", "window": {"simulated_h": 1, "real_s": 1}, "score": None, "dr_events": [],
                "departures": {"count": 0, "met": 0}}

    monkeypatch.setattr(scenario_cli, "run_scenario", fake_run)
    monkeypatch.setattr(scenario_cli, "write_report", fake_write)
    monkeypatch.chdir(tmp_path)
    assert scenario_cli.main(["run", "config/scenarios/ev2g.toml", "--short"]) == 0
    assert scenario_cli.main(["run", "config/scenarios/ev2g.toml", "--short"]) == 0
    first, second = written
    assert first != second
    for out in written:
        assert out.parent == Path("csms-out") and out.name.startswith("scenario-ev2g-") and (tmp_path / out).is_dir()


def test_a_run_that_takes_a_progress_keyword_reports_itself_and_others_are_followed() -> None:
    seen: list[ProgressUpdate] = []

    async def reporting(*, steps: int, progress: Any) -> int:
        for i in range(steps):
            progress(ProgressUpdate(simulated_s=10.0 * (i + 1), total_s=10.0 * steps, note=f"score {i}"))
        return steps

    async def silent(*, steps: int) -> int:
        return steps

    assert asyncio.run(run_with_progress(reporting, seen.append, speed=1.0, total_s=30.0, steps=3)) == 3
    assert [u.note for u in seen] == ["score 0", "score 1", "score 2"]  # no wall-clock estimates mixed in
    seen.clear()
    assert asyncio.run(run_with_progress(silent, seen.append, speed=1.0, total_s=30.0, steps=2)) == 2
    assert seen[-1] == ProgressUpdate(30.0, 30.0)


def test_scenario_run_says_up_front_when_plots_cannot_be_drawn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    async def fake_run(spec: Any, *, short: bool, workdir: Path | None, **_: Any) -> Any:
        raise RuntimeError("stop here: only the note before the run matters")

    monkeypatch.setattr(scenario_cli, "run_scenario", fake_run)
    monkeypatch.setattr(scenario_cli, "plots_available", lambda: False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RuntimeError, match="stop here"):
        scenario_cli.main(["run", "config/scenarios/ev2g.toml", "--short"])
    assert "pip install 'v2g-csms[report]'" in capsys.readouterr().out
