"""Files the package carries so that `csms ...` runs from any folder: the default config and the data folder.

In a checkout, `csms/_bundled/config` and `csms/_bundled/data` are links to the repository's `config/` and
`data/`; a wheel (`pip install .`) holds copies of both as package data. Code reads them through these paths
(settings, the simulator and the CLIs) or through `csms.grid.data` (data files, `$CSMS_DATA_DIR` overrides).
"""

from __future__ import annotations

from pathlib import Path

BUNDLED_DIR = Path(__file__).resolve().parent / "_bundled"
CONFIG_DIR = BUNDLED_DIR / "config"


def config_file(*parts: str) -> Path:
    """A file under the bundled `config/`, e.g. `config_file("sim", "regulation.toml")`."""
    return CONFIG_DIR.joinpath(*parts)


def find_config_file(path: Path) -> Path:
    """`path` if it exists; else, for a relative `config/...` path, the bundled copy when there is one (so the
    README's `csms optimize config/problems/two_evs_dr.toml` works from any folder); else `path` unchanged."""
    if path.exists() or path.is_absolute() or not path.parts or path.parts[0] != "config":
        return path
    bundled = CONFIG_DIR.joinpath(*path.parts[1:])
    return bundled if bundled.exists() else path
