"""Imports run from the operator tooling (callrec) down to the deployed app (chalicelib), never
back, and no module-level import cycle exists in either package."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGES = {
    "chalicelib": ROOT / "chalice_app" / "chalicelib",
    "callrec": ROOT / "scripts" / "callrec",
}


def _module_name(package: str, path: Path) -> str:
    parts = path.relative_to(PACKAGES[package]).with_suffix("").parts
    parts = parts[:-1] if parts[-1] == "__init__" else parts
    return ".".join((package, *parts))


def _modules() -> dict[str, Path]:
    return {
        _module_name(package, path): path
        for package, folder in PACKAGES.items()
        for path in folder.rglob("*.py")
    }


def _imports(tree: ast.Module, *, module_level_only: bool) -> Iterator[str]:
    nodes = tree.body if module_level_only else list(ast.walk(tree))
    for node in nodes:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_the_deployed_app_never_imports_the_tooling() -> None:
    offenders = [
        f"{name} imports {imported}"
        for name, path in _modules().items()
        if name.startswith("chalicelib")
        for imported in _imports(ast.parse(path.read_text()), module_level_only=False)
        if imported.split(".")[0] in {"callrec", "bench", "tests"}
    ]
    assert offenders == []


def test_no_module_level_import_cycles() -> None:
    modules = _modules()
    graph = {
        name: {
            imported
            for imported in _imports(ast.parse(path.read_text()), module_level_only=True)
            if imported in modules and imported != name
        }
        for name, path in modules.items()
    }
    cycles = []
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for follower in sorted(graph[name]):
            if state.get(follower) == "open":
                cycles.append(" -> ".join([*trail[trail.index(follower) :], follower]))
            elif follower not in state:
                visit(follower, [*trail, follower])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []
