"""The optimizer stays pure: no asyncio, no redis, no wall-clock reads, no imports from the rest of csms."""

from __future__ import annotations

import ast
from pathlib import Path

import csms.optimizer

PACKAGE = Path(csms.optimizer.__file__).parent
ALLOWED_ROOTS = {"numpy", "scipy", "highspy", "csms", "__future__", "dataclasses", "math", "time", "typing",
                 "datetime", "json", "tomllib", "pathlib", "argparse", "sys", "concurrent", "collections", "itertools"}


def _modules() -> list[Path]:
    return sorted(PACKAGE.glob("*.py"))


def test_optimizer_imports_only_allowed_packages() -> None:
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] in ALLOWED_ROOTS, f"{path.name} imports {name}"
                if name.startswith("csms."):
                    assert name.startswith(("csms.optimizer", "csms.domain")), f"{path.name} imports {name}"


def test_optimizer_never_reads_the_wall_clock() -> None:
    for path in _modules():
        text = path.read_text()
        for banned in ("datetime.now", "datetime.utcnow", "time.time(", "date.today"):
            assert banned not in text, f"{path.name} uses {banned}"


def _internal_imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("csms.optimizer."):
            out.add(node.module.rsplit(".", 1)[1])
    return out


def test_optimizer_modules_import_each_other_without_a_cycle() -> None:
    graph = {path.stem: _internal_imports(path) for path in _modules() if path.stem != "__init__"}
    done: set[str] = set()

    def visit(module: str, stack: tuple[str, ...]) -> None:
        assert module not in stack, f"import cycle: {' -> '.join((*stack, module))}"
        if module in done:
            return
        for imported in graph.get(module, set()):
            visit(imported, (*stack, module))
        done.add(module)

    for module in graph:
        visit(module, ())
    assert "planner" in graph["guard"] and "planner" not in graph["decomposition"]
