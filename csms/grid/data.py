"""Where the real third-party data lives: `$CSMS_DATA_DIR`, else the repository's own `data/` folder.

The repository carries the files its tests, demos and scenarios use (`data/README.md`: source, licence, how each
was cut); large text files are stored gzipped (`name.csv.gz`). `data_path("pjm", "x.csv")` names `x.csv` when it
exists and `x.csv.gz` otherwise, and the parsers read either (`open_data_bytes`). An installed package carries
the same folder as package data (`csms/_bundled/data`, a link to `data/` in a checkout).
Readers take explicit paths; this helper only resolves names (never copies data).
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

from csms.errors import CsmsError

DATA_DIR_ENV = "CSMS_DATA_DIR"
BUNDLED_DATA_DIR = Path(__file__).resolve().parents[1] / "_bundled" / "data"


class DataFileMissing(CsmsError):
    """A data file is not where the data directory says; the message is one line naming file and setting."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(missing_file_message(path))


def missing_file_message(path: Path | str) -> str:
    """One line naming the missing file and how to point the project at another data folder."""
    return f"data file not found: {path} ({data_dir_hint()})"


def data_dir_hint() -> str:
    """Where data files are looked up and how to change it, e.g. for an error message."""
    source = os.environ.get(DATA_DIR_ENV)
    where = f"{DATA_DIR_ENV}={source}" if source else f"{DATA_DIR_ENV} is unset, so {BUNDLED_DATA_DIR} is used"
    return f"{where}; set {DATA_DIR_ENV} to a folder holding the data files"


def data_dir() -> Path:
    """The data directory: `$CSMS_DATA_DIR` if set, else the repository's (or installed package's) `data/`."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    return BUNDLED_DATA_DIR


def data_path(*parts: str) -> Path:
    """A path under `data_dir()`, e.g. `data_path("pjm", "pjm_regA_2s_2017-08-01_1600-2400.csv")`: the name
    itself if it exists, else its gzipped `.gz` sibling if that exists, else the name as asked."""
    path = data_dir().joinpath(*parts)
    if not path.exists():
        packed = path.with_name(path.name + ".gz")
        if packed.exists():
            return packed
    return path


def require_data_file(*parts: str) -> Path:
    """`data_path(*parts)`, raising `DataFileMissing` (one line) when neither it nor its `.gz` exists."""
    path = data_path(*parts)
    if not path.is_file():
        raise DataFileMissing(path)
    return path


def open_data_bytes(path: Path | str) -> bytes:
    """A data file's bytes, gunzipped when its name ends in `.gz` (raises OSError like `Path.read_bytes`)."""
    path = Path(path)
    if path.suffix == ".gz":
        with gzip.open(path, "rb") as handle:
            return handle.read()
    return path.read_bytes()


def open_data_text(path: Path | str) -> str:
    """A data file's UTF-8 text (a BOM kept), gunzipped when its name ends in `.gz`."""
    return open_data_bytes(path).decode("utf-8")
