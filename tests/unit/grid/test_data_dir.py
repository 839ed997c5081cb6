"""The shared data directory is found through $CSMS_DATA_DIR, defaulting to ../shared/data next to the repo."""

from __future__ import annotations

from pathlib import Path

import pytest

from csms.grid.data import DATA_DIR_ENV, data_dir, data_path


def test_env_var_overrides_the_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    assert data_dir() == tmp_path and data_path("pjm", "x.csv") == tmp_path / "pjm" / "x.csv"


def test_default_is_shared_data_next_to_the_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    repo = Path(__file__).resolve().parents[3]
    assert data_dir() == repo.parent / "shared" / "data"
