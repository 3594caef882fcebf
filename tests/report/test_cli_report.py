from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

from callrec.cli import main

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "transcribe" / "example-call.json"


def test_report_writes_a_word_document(tmp_path: Path) -> None:
    out = tmp_path / "call.docx"
    code = main(["report", str(FIXTURE), "-o", str(out), "--other-number", "+15550199"])
    assert code == 0
    document = Document(io.BytesIO(out.read_bytes()))
    assert len(document.tables[-1].rows) == 38
    facts = {r.cells[0].text: r.cells[1].text for r in document.tables[0].rows}
    assert facts["Other party"] == "+15550199"


def test_report_markdown_defaults_next_to_input(tmp_path: Path) -> None:
    source = tmp_path / "call.json"
    source.write_bytes(FIXTURE.read_bytes())
    assert main(["report", str(source), "--format", "markdown"]) == 0
    text = (tmp_path / "call.md").read_text()
    assert "## Transcript" in text and "No_Closing_Remark" in text


def test_unreadable_input_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2")
    assert main(["report", str(bad)]) == 2
    assert "not valid JSON" in capsys.readouterr().err


def test_missing_input_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path / "absent.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
