"""Where the real third-party data lives: `$CSMS_DATA_DIR`, by default `../shared/data` next to the repo.

Readers take explicit paths; this helper only resolves names under the data directory (never copies data).
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "CSMS_DATA_DIR"


def data_dir() -> Path:
    """The shared data directory: `$CSMS_DATA_DIR` if set, else `<repo>/../shared/data`."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[3] / "shared" / "data"


def data_path(*parts: str) -> Path:
    """A path under `data_dir()`, e.g. `data_path("pjm", "pjm_regA_2s_2017-08-01_1600-2400.csv")`."""
    return data_dir().joinpath(*parts)
