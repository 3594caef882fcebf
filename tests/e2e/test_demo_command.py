"""`callrec demo` as a command: exit codes and the failing stage on stderr."""

from __future__ import annotations

from pathlib import Path

import pytest

from callrec.cli import main

pytestmark = pytest.mark.slow


def test_failing_stage_exits_1_and_names_the_stage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = "arn:aws:chime:us-east-1:111122223333:sma/another-application"
    code = main(["demo", "--out", str(tmp_path), "--recording-writer", other])
    assert code == 1
    assert "stage call failed" in capsys.readouterr().err


def test_unknown_scenario_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["demo", "--scenario", str(tmp_path / "none.yaml")]) == 2
