"""CONSOLE_API=disabled leaves the console's routes (and so the REST API) out of the app, as
`callrec chalice-config` writes it for a stack without a console."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def _route_count(environment: dict[str, str]) -> int:
    code = "import app; print(len(app.app.routes))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT / "chalice_app",
        env={"PATH": "/usr/bin:/bin", **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout.strip())


def test_the_console_routes_are_registered_by_default() -> None:
    assert _route_count({}) > 0


def test_console_api_disabled_registers_no_route() -> None:
    assert _route_count({"CONSOLE_API": "disabled"}) == 0
