"""The suite's own runner must never let "no tests collected" pass."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT

RUNNER = REPO_ROOT / "scripts" / "run-pytest.sh"


def test_no_tests_collected_is_a_failure(tmp_path: Path) -> None:
    result = subprocess.run(
        ["bash", str(RUNNER), sys.executable, "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "collected no tests" in result.stderr


def test_no_tests_collected_by_parallel_workers_is_a_failure(tmp_path: Path) -> None:
    """`make pytest` runs pytest-xdist workers; their "nothing collected" must fail the same."""
    result = subprocess.run(
        ["bash", str(RUNNER), sys.executable, "-p", "no:cacheprovider", "-n", "2", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "2 workers [0 items]" in result.stdout
    assert result.returncode == 1
    assert "collected no tests" in result.stderr


def test_a_failing_test_keeps_its_exit_code(tmp_path: Path) -> None:
    (tmp_path / "test_fails.py").write_text("def test_fails():\n    assert False\n")
    result = subprocess.run(
        ["bash", str(RUNNER), sys.executable, "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "1 failed" in result.stdout
