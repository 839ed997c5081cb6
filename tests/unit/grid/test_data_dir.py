"""The data directory: $CSMS_DATA_DIR, defaulting to the repository's own data/ (gzipped files found by their
plain name); a missing file is one line naming it and the setting."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from csms.grid.data import (
    DATA_DIR_ENV,
    DataFileMissing,
    data_dir,
    data_path,
    open_data_text,
    require_data_file,
)
from csms.grid.errors import GridDataError
from csms.grid.parsers.regulation import parse_pjm_regulation

REPO = Path(__file__).resolve().parents[3]


def test_env_var_overrides_the_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    assert data_dir() == tmp_path and data_path("pjm", "x.csv") == tmp_path / "pjm" / "x.csv"


def test_default_is_the_repository_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    assert data_dir().resolve() == REPO / "data"
    assert "shared" not in data_dir().resolve().parts


def test_a_gzipped_file_is_found_by_its_plain_name_and_read_unpacked(monkeypatch: pytest.MonkeyPatch,
                                                                    tmp_path: Path) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    (tmp_path / "plain.csv").write_text("a,b\n", encoding="utf-8")
    with gzip.open(tmp_path / "packed.csv.gz", "wt", encoding="utf-8") as handle:
        handle.write("c,d\n")
    assert data_path("plain.csv") == tmp_path / "plain.csv"
    assert data_path("packed.csv") == tmp_path / "packed.csv.gz"
    assert open_data_text(data_path("packed.csv")) == "c,d\n" and open_data_text(data_path("plain.csv")) == "a,b\n"


def test_a_missing_file_is_one_line_naming_the_file_and_the_setting(monkeypatch: pytest.MonkeyPatch,
                                                                    tmp_path: Path) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    with pytest.raises(DataFileMissing) as info:
        require_data_file("pjm", "nowhere.csv")
    message = str(info.value)
    assert "\n" not in message and str(tmp_path / "pjm" / "nowhere.csv") in message and DATA_DIR_ENV in message
    with pytest.raises(GridDataError) as parse_info:
        parse_pjm_regulation(data_path("pjm", "nowhere.csv"))
    assert "\n" not in str(parse_info.value) and DATA_DIR_ENV in str(parse_info.value)


def test_the_data_readme_lists_exactly_the_files_the_folder_holds() -> None:
    readme = (REPO / "data" / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#+ .*?`([\w./-]+\.(?:csv|gz|json|xml))`", readme, flags=re.MULTILINE))
    held = {str(p.relative_to(REPO / "data")) for p in (REPO / "data").rglob("*") if p.is_file()} - {"README.md"}
    assert listed == held


def test_nothing_outside_the_repository_is_read_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    for parts in (("pjm", "pjm_regA_2s_2017-08-01_1600-2400.csv"),
                  ("caiso", "caiso_apr2016_hourly_price_profile_gmlc.csv"),
                  ("tariffs", "sce_tou_ev_4_march_2019.json")):
        assert require_data_file(*parts).resolve().is_relative_to(REPO / "data")
