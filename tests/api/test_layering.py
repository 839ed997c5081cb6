"""The picture in DESIGN.md stays true: the API and observability never import the websocket server (the
composition root hands them callables) nor the simulator; observability does not import the API."""

from __future__ import annotations

import ast
from pathlib import Path

import csms

ROOT = Path(csms.__file__).parent


def imported(package: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        out[str(path.relative_to(ROOT))] = names
    return out


def test_api_imports_neither_the_server_nor_the_simulator() -> None:
    for module, names in imported("api").items():
        assert not any(n.startswith(("csms.server", "chargepoint_sim", "csms.app")) for n in names), (module, names)


def test_observability_imports_neither_server_api_nor_simulator() -> None:
    for module, names in imported("observability").items():
        assert not any(n.startswith(("csms.server", "csms.api", "chargepoint_sim")) for n in names), (module, names)
