"""Chalice's real `chalice package` output for the fixture app, generated once per session."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from callrec.commands.package import run_chalice_package, stage_project

FIXTURE_APP = Path(__file__).resolve().parent / "fixtures" / "app"


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("chalice-package")
    staged = stage_project(FIXTURE_APP, base / "app", "dev")
    run_chalice_package(staged, base / "out", "dev")
    document: dict[str, Any] = json.loads((base / "out" / "chalice.tf.json").read_text())
    return document
