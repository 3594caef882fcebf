"""The recording-bucket module refuses bad inputs at plan time (terraform test, offline)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.mark.infra
def test_recording_bucket_variables_are_validated(tmp_path: Path) -> None:
    from tests.infra.helpers import check

    module = tmp_path / "recording-bucket"
    shutil.copytree(
        REPO_ROOT / "infra" / "modules" / "recording-bucket",
        module,
        ignore=shutil.ignore_patterns(".terraform*", "tests"),
    )
    (module / "tests").mkdir()
    shutil.copy(FIXTURES / "validation.tftest.hcl", module / "tests" / "validation.tftest.hcl")
    report, printed = check(module, tmp_path / "build")
    assert report.ok, printed
    (test_step,) = [step for step in report.steps if step.name == "test"]
    # Every run passed: each bad input failed exactly on its validation, the good one planned.
    assert "9 passed, 0 failed" in test_step.result.output
