"""Small helpers every `csms` sub-command shares: help that shows defaults, a fresh output folder per run."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

OUT_ROOT = Path("csms-out")


class HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Keeps the description's layout (module docstrings with examples) and appends each option's default."""


def fresh_out_dir(kind: str, *, root: Path = OUT_ROOT, now: datetime | None = None) -> Path:
    """A new folder `root/<kind>-<UTC timestamp>` (suffixed -2, -3 ... if taken), created; never an existing one."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    base = root / f"{kind}-{stamp}"
    candidate, n = base, 1
    while True:
        try:
            candidate.mkdir(parents=True, exist_ok=False)
            return candidate
        except FileExistsError:
            n += 1
            candidate = base.with_name(f"{base.name}-{n}")
