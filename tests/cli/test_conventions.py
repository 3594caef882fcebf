"""The CLI answers bad input with one line and exit 2, never a traceback; it also follows the
conventions users know (--version, - for standard output, a closed pipe is not an error)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from callrec.cli import main

ROOT = Path(__file__).resolve().parent.parent.parent
TRANSCRIPT = ROOT / "tests" / "fixtures" / "transcribe" / "example-call.json"
SCENARIO = ROOT / "scripts" / "callrec" / "scenarios" / "dtmf-pause-resume-stop.yaml"


def _one_line_error(capsys: pytest.CaptureFixture[str], argv: list[str], expected: str) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert expected in err


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("callrec 0.")


def test_demo_out_pointing_at_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "taken"
    file.write_text("")
    _one_line_error(capsys, ["demo", "--out", str(file)], "is a file")


def test_demo_out_that_cannot_be_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    _one_line_error(capsys, ["demo", "--out", str(blocker / "sub")], "cannot create")


def test_demo_opus_without_the_media_insights_path(capsys: pytest.CaptureFixture[str]) -> None:
    _one_line_error(capsys, ["demo", "--recording-format", "Opus"], "needs --path media-insights")


def test_report_into_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "absent" / "call.docx"
    _one_line_error(capsys, ["report", str(TRANSCRIPT), "-o", str(target)], "does not exist")


def test_report_started_at_that_is_not_a_timestamp(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["report", str(TRANSCRIPT), "-o", str(tmp_path / "r.docx"), "--started-at", "soon"]
    _one_line_error(capsys, argv, "is not a timestamp")


def test_report_to_standard_output(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["report", str(TRANSCRIPT), "--format", "markdown", "-o", "-"]) == 0
    assert capsysbinary.readouterr().out.startswith(b"# Call")
    assert not (tmp_path / "-").exists()


def test_a_closed_pipe_ends_quietly() -> None:
    """``callrec simulate ... | head``: the reader is gone before the first write."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    command = [sys.executable, "-m", "callrec.cli", "simulate", str(SCENARIO), "--format", "json"]
    try:
        writer = subprocess.run(
            command, stdout=write_end, stderr=subprocess.PIPE, cwd=ROOT, check=False, timeout=120
        )
    finally:
        os.close(write_end)
    assert b"Traceback" not in writer.stderr
    assert writer.returncode == 0


def test_each_demo_run_writes_its_own_folder(tmp_path: Path) -> None:
    from callrec.commands.demo import run_folder

    first, second = run_folder(tmp_path), run_folder(tmp_path)
    assert first != second
    assert first.parent == second.parent == tmp_path
    assert first.is_dir() and second.is_dir()


def test_demo_json_summary_is_one_document() -> None:
    from callrec.commands.demo import summary
    from callrec.local.demo import DemoResult

    result = DemoResult(transaction_id="tx-1", report=Path("out/x/report.docx"))
    document = summary(result)
    assert document["transaction_id"] == "tx-1"
    assert document["report"] == "out/x/report.docx"
    assert document["recorded"] is False


@pytest.mark.parametrize(
    "argv",
    [["phone-number", "list"], ["owners", "list"]],
    ids=["phone-number", "owners"],
)
def test_json_is_an_alias_of_format_json(argv: list[str]) -> None:
    from callrec.cli import build_parser

    parser = build_parser()
    assert parser.parse_args([*argv, "--json"]).format == "json"
    assert parser.parse_args([*argv, "--format", "json"]).format == "json"
    assert parser.parse_args(argv).format == "text"
