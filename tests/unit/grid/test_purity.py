"""csms.grid stays an adapter layer: it imports only csms.domain, csms.errors and itself, and never reads the
wall clock (time comes from an injected Clock)."""

from __future__ import annotations

import ast
from pathlib import Path

import csms.grid

PACKAGE = Path(csms.grid.__file__).parent


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_grid_imports_only_the_domain_the_errors_and_itself() -> None:
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] == "csms":
                    assert name.startswith(("csms.grid", "csms.domain", "csms.errors")), f"{path.name} imports {name}"


def test_grid_never_reads_the_wall_clock() -> None:
    for path in _modules():
        text = path.read_text()
        for banned in ("datetime.now", "datetime.utcnow", "time.time(", "time.monotonic(", "date.today",
                       "SystemClock"):
            assert banned not in text, f"{path.relative_to(PACKAGE)} uses {banned}"


def test_the_package_does_not_load_openleadr_unless_asked() -> None:
    import subprocess
    import sys

    code = "import sys, csms.grid, csms.grid.parsers; print('openleadr' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
