"""Run every benchmark module of this package, each in its own process (so peak RSS is its own)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def benchmark_modules() -> list[str]:
    """Modules of this package that define a top-level ``main`` function."""
    found = []
    for path in sorted(HERE.glob("*.py")):
        if path.stem.startswith("_"):
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        if any(isinstance(node, ast.FunctionDef) and node.name == "main" for node in tree.body):
            found.append(path.stem)
    return found


def main() -> int:
    failures = []
    for name in benchmark_modules():
        print(f"== bench.{name}", flush=True)
        done = subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=HERE.parent, check=False)
        if done.returncode:
            failures.append(name)
    if failures:
        print(f"benchmarks that missed their targets: {', '.join(failures)}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
