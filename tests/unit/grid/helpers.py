"""Helpers for the grid tests: real data paths (via $CSMS_DATA_DIR) and corrupted copies in tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from csms.grid.data import data_path, open_data_text
from csms.grid.errors import GridDataError

PJM_REGA = data_path("pjm", "pjm_regA_2s_2017-08-01_1600-2400.csv")
PJM_PRICES = data_path("pjm", "pjm_2017_hourly_reg_prices_and_sim_scores_gmlc.csv")
CAISO_REG = data_path("caiso", "caiso_regulation_dispatch_4s_100MW_battery_2016.csv")
ELSPOT_DK1 = data_path("nordic_dk", "elspot_dk1_2018-01_2022-03_hourly.csv")
FCR_DK2 = data_path("nordic_dk", "dk2_fcr_n_fcr_d_up_prices_2021_hourly.csv")
FCR_AUCTIONS = data_path("nordic_dk", "fcr_cooperation_auction_results_2021_regelleistung.csv")
NL_DAY_AHEAD = data_path("ev2gym_elaad", "Netherlands_day-ahead-2015-2024.csv")
TARIFFS = data_path("tariffs")
OADR_XML = data_path("openadr", "oadrDistributeEvent_openleadr_0.5.36_generated.xml")


def corrupted_copy(tmp_path: Path, source: Path, edit: Callable[[list[str]], None], *, keep: int | None = None,
                   ) -> Path:
    """Write `source` (its first `keep` lines, or all) to tmp_path after `edit` mutates the list of lines
    (line i of the file is lines[i - 1], newline included). A gzipped source is written unpacked (`x.csv`)."""
    lines = source_lines(source)
    if keep is not None:
        lines = lines[:keep]
    edit(lines)
    target = tmp_path / source.name.removesuffix(".gz")
    target.write_text("".join(lines), encoding="utf-8", newline="")
    return target


def source_lines(source: Path) -> list[str]:
    """The lines of a data file (gunzipped if `*.gz`, a BOM kept), line endings included."""
    return open_data_text(source).splitlines(keepends=True)


def set_field(lines: list[str], line: int, index: int, value: str, *, sep: str = ",") -> None:
    """Replace field `index` of 1-based `line` (keeping its line ending)."""
    text = lines[line - 1]
    body = text.rstrip("\r\n")
    fields = body.split(sep)
    fields[index] = value
    lines[line - 1] = sep.join(fields) + text[len(body):]


def assert_fails_at(call: Callable[[], object], path: Path, line: int | None, *fragments: str) -> GridDataError:
    with pytest.raises(GridDataError) as info:
        call()
    err = info.value
    assert err.source == str(path), str(err)
    assert err.line == line, str(err)
    assert str(path) in str(err)
    for fragment in fragments:
        assert fragment in str(err), str(err)
    return err
