"""What an installed `csms` needs from the package itself: bundled config and data, one version, the sub-commands."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from csms import __main__ as cli
from csms.bundled import CONFIG_DIR, find_config_file
from csms.cli_util import fresh_out_dir
from csms.grid.data import BUNDLED_DATA_DIR
from csms.settings import DEFAULT_CONFIG_PATH

REPO = Path(__file__).resolve().parents[2]


def test_bundled_config_and_data_are_the_repository_folders_in_a_checkout() -> None:
    assert CONFIG_DIR.resolve() == REPO / "config" and BUNDLED_DATA_DIR.resolve() == REPO / "data"
    assert DEFAULT_CONFIG_PATH.resolve() == REPO / "config" / "csms.toml"


def test_package_data_globs_cover_every_bundled_file() -> None:
    globs = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["csms"]
    package = REPO / "csms"
    covered = {p.resolve() for pattern in globs for p in package.glob(pattern) if p.is_file()}
    wanted = {p for folder in ("config", "data") for p in (REPO / folder).rglob("*") if p.is_file()}
    assert wanted and wanted <= covered


def test_a_relative_config_path_falls_back_to_the_bundled_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               ) -> None:
    monkeypatch.chdir(tmp_path)
    assert find_config_file(Path("config/problems/two_evs_dr.toml")) == CONFIG_DIR / "problems" / "two_evs_dr.toml"
    assert find_config_file(Path("config/nope.toml")) == Path("config/nope.toml")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "mine.toml").write_text("")
    assert find_config_file(Path("config/mine.toml")) == Path("config/mine.toml")


def test_fresh_out_dir_never_reuses_a_folder(tmp_path: Path) -> None:
    first = fresh_out_dir("replay", root=tmp_path)
    second = fresh_out_dir("replay", root=tmp_path)
    assert first != second and first.is_dir() and second.is_dir() and first.parent == tmp_path


def test_version_and_sim_are_on_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert capsys.readouterr().out.startswith("csms ")
    with pytest.raises(SystemExit) as info:
        cli.main(["sim", "-h"])
    assert info.value.code == 0 and "usage: csms sim" in capsys.readouterr().out


def test_a_missing_data_file_is_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CSMS_DATA_DIR", str(tmp_path))
    assert cli.main(["replay", "--duration-s", "10"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pjm_regA_2s_2017-08-01_1600-2400.csv" in err and "CSMS_DATA_DIR" in err
    assert "Traceback" not in err


def test_the_serve_banner_says_where_the_token_comes_from(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CSMS_API__TOKEN", raising=False)
    monkeypatch.delenv("CSMS_CONFIG", raising=False)
    told = cli.token_source("dev-admin-token")
    assert "CSMS_API__TOKEN" in told and "development default" in told and str(DEFAULT_CONFIG_PATH) in told
    assert cli.token_source("s3cret") == f"bearer token: api.token in {DEFAULT_CONFIG_PATH}"
    monkeypatch.setenv("CSMS_API__TOKEN", "s3cret")
    assert cli.token_source("s3cret") == "bearer token from CSMS_API__TOKEN"


def test_a_run_whose_loop_fell_behind_says_its_score_is_invalid_and_exits_3(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from csms.grid.errors import LoopBehindError
    from csms.scenario import replay_cli

    def behind(argv: list[str]) -> int:
        raise LoopBehindError("a sample reached the controller 3 steps late")

    monkeypatch.setattr(replay_cli, "main", behind)
    assert cli.main(["replay", "--duration-s", "10"]) == 3
    err = capsys.readouterr().err
    assert err == "csms: score INVALID: a sample reached the controller 3 steps late\n"
