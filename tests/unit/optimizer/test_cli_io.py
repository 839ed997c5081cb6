"""Problem files, result JSON and the ``optimize`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from csms.optimizer.cli import main
from csms.optimizer.io import problem_from_dict

EXAMPLE = Path(__file__).resolve().parents[3] / "config" / "problems" / "two_evs_dr.toml"


def test_cli_solves_example_toml_and_writes_a_checked_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "plan.json"
    assert main([str(EXAMPLE), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "status            optimal" in printed
    result = json.loads(out.read_text())
    assert result["status"] == "optimal"
    assert result["violations"] == []
    assert [e["ev_id"] for e in result["evs"]] == ["van-1", "car-2"]
    assert all(len(e["power_w"]) == 24 for e in result["evs"])
    assert result["dr_shortfall_w"] == {"oadr-evt-1": 0.0}


def test_cli_json_problem_with_unreachable_need_exits_1_with_shortfall(tmp_path: Path) -> None:
    problem = {
        "start_at": "2024-01-01T00:00:00+00:00", "step_s": 3600, "n_intervals": 2,
        "site": {"import_limit_w": 1e6, "export_limit_w": 0},
        "market": {"import_price_per_mwh": [50, 60]},
        "evs": [{"ev_id": "a", "arrival_at": "2024-01-01T00:00:00Z", "departure_at": "2024-01-01T01:00:00Z",
                 "capacity_wh": 50000, "soc_initial": 0.2, "target_soc": 0.8, "max_charge_power_w": 7000,
                 "charge_efficiency": 1.0}],
    }
    path = tmp_path / "p.json"
    path.write_text(json.dumps(problem))
    out = tmp_path / "r.json"
    assert main([str(path), "--out", str(out)]) == 1
    result = json.loads(out.read_text())
    assert result["evs"][0]["shortfall_wh"] == pytest.approx(23_000.0)
    assert [v["kind"] for v in result["violations"]] == ["departure"]


def test_cli_bad_file_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"start_at": "2024-01-01T00:00:00", "step_s": 900, "n_intervals": 1}')
    assert main([str(path)]) == 2


def test_naive_timestamps_and_unknown_keys_are_rejected() -> None:
    base = {"start_at": "2024-01-01T00:00:00", "step_s": 900, "n_intervals": 1,
            "site": {"import_limit_w": 1}, "market": {"import_price_per_mwh": 1}}
    with pytest.raises(ValueError, match="offset"):
        problem_from_dict(base)
    with pytest.raises(ValueError, match="unknown keys"):
        problem_from_dict(base | {"start_at": "2024-01-01T00:00:00Z", "site": {"import_limit_w": 1, "foo": 2}})
