from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from docx import Document

from chalicelib.errors import TranscriptError
from chalicelib.report.content import CallContext
from chalicelib.report.render import ReportFormat, parse_document, render

CONTEXT = CallContext(
    transaction_id="6a1c9a3e-4b8f-4c1e-9d3a-1f2e3d4c5b6a",
    direction="inbound",
    owner_number="+15550100",
    other_number="+15550199",
    started_at="2026-11-20T14:01:05.123Z",
)


def open_docx(data: bytes) -> Any:
    return Document(io.BytesIO(data))


def headings(document: Any) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]


def test_real_output_renders_every_section(example: dict[str, Any]) -> None:
    document = open_docx(render(example, CONTEXT))
    assert headings(document) == [
        "Call with +15550199, 2026-11-20 14:01 UTC",
        "Sentiment",
        "Talk time",
        "Loudness and interruptions",
        "Categories",
        "Issues, action items and outcomes",
        "Transcript",
    ]
    charts = [s for s in document.inline_shapes]
    assert len(charts) == 4  # customer trend, quarters, talk time, loudness


def test_summary_table_holds_parties_direction_job_and_redaction(example: dict[str, Any]) -> None:
    facts = {
        row.cells[0].text: row.cells[1].text
        for row in open_docx(render(example, CONTEXT)).tables[0].rows
    }
    assert facts["Owner"] == "+15550100"
    assert facts["Other party"] == "+15550199"
    assert facts["Direction"] == "inbound"
    assert facts["Duration"] == "3:03"
    assert facts["Transcription job"] == "example-call.wav (Call Analytics)"
    assert (facts["Language"], facts["Redaction"]) == ("en-US", "Redacted (PII)")
    assert facts["Average word confidence"].endswith("%")


def test_summary_table_counts_every_turn(example: dict[str, Any]) -> None:
    facts = {
        row.cells[0].text: row.cells[1].text
        for row in open_docx(render(example, CONTEXT)).tables[0].rows
    }
    assert facts["Turns"] == str(len(example["Transcript"])) == "37"


def test_transcript_table_has_every_turn_with_speaker_and_sentiment(
    example: dict[str, Any],
) -> None:
    table = open_docx(render(example)).tables[-1]
    rows = table.rows[1:]
    assert len(rows) == 37
    assert [c.text for c in rows[0].cells[:4]] == ["0:00", "5.0 s", "Owner", "Positive"]
    assert rows[1].cells[2].text == "Other party"
    assert rows[3].cells[4].text.startswith("I'm trying to dock up my ship")


def test_low_confidence_words_are_marked(example: dict[str, Any]) -> None:
    first = open_docx(render(example)).tables[-1].rows[1].cells[4].paragraphs[0]
    marked = [run.text for run in first.runs if run.italic]
    assert marked == ["Anchor"]


def test_highlights_and_categories_tables(example: dict[str, Any]) -> None:
    tables = open_docx(render(example)).tables
    cells = [[c.text for c in row.cells] for t in tables for row in t.rows]
    assert ["No_Closing_Remark", "whole call"] in cells
    assert [
        "Issue",
        "0:11",
        "Other party",
        "I'm trying to dock up my ship and my card fell into the water so I'm hoping to get "
        "it replaced.",
    ] in cells
    assert ["Owner", "0:19", "2.1 s"] in cells  # interruption


def test_missing_optional_sections_render_without_them(example: dict[str, Any]) -> None:
    example["ConversationCharacteristics"] = {
        "NonTalkTime": {"Instances": [], "TotalTimeMillis": 0}
    }
    del example["Categories"]
    for turn in example["Transcript"]:
        turn.pop("LoudnessScores")
        for field in ("IssuesDetected", "ActionItemsDetected", "OutcomesDetected"):
            turn.pop(field, None)
    found = headings(open_docx(render(example)))
    assert "Categories" not in found
    assert "Loudness and interruptions" not in found
    assert "Issues, action items and outcomes" not in found
    assert found[-1] == "Transcript"


def test_markdown_format(example: dict[str, Any]) -> None:
    text = render(example, CONTEXT, ReportFormat.MARKDOWN).decode()
    assert text.startswith("# Call with +15550199, 2026-11-20 14:01 UTC")
    for section in (
        "## Sentiment",
        "## Talk time",
        "## Loudness and interruptions",
        "## Categories",
        "## Issues, action items and outcomes",
        "## Transcript",
    ):
        assert section in text
    assert "| Other party | -1.3 | +2.1 | +3.3 | +2.5 | +1.8 |" in text
    assert "_Anchor_" in text
    assert text.count("\n| ") > 37


def test_two_hour_call_renders_every_turn(synthetic_call: Callable[..., dict[str, Any]]) -> None:
    # Speed is bench/report.py's concern (`make bench`), not a timed test's.
    table = open_docx(render(synthetic_call(duration_s=7200, turns=3000))).tables[-1]
    assert len(table.rows) == 3001
    assert table.rows[-1].cells[0].text.startswith("1:59:")


def test_invalid_json_is_a_transcript_error() -> None:
    with pytest.raises(TranscriptError, match="not valid JSON"):
        parse_document(b"{not json")


def _shaded(run: Any) -> str | None:
    shading = run._r.find(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}shd")
    return (
        None
        if shading is None
        else shading.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}fill")
    )


def test_transcript_marks_highlights_by_their_character_offsets(example: dict[str, Any]) -> None:
    """ActionItemsDetected Begin 23 / End 64 of 'Okay I've got that and I will email ...': only
    those characters are shaded, and the cell still reads as the turn's Content."""
    rows = open_docx(render(example)).tables[-1].rows[1:]
    turn = next(t for t in example["Transcript"] if t.get("ActionItemsDetected"))
    offsets = turn["ActionItemsDetected"][0]["CharacterOffsets"]
    cell = next(r.cells[4] for r in rows if r.cells[4].text == turn["Content"])
    shaded = "".join(run.text for run in cell.paragraphs[0].runs if _shaded(run))
    assert shaded == turn["Content"][offsets["Begin"] : offsets["End"]].strip()
    issue_turn = next(r.cells[4] for r in rows if r.cells[4].text.startswith("I'm trying"))
    assert {_shaded(run) for run in issue_turn.paragraphs[0].runs} == {"FFE08A"}


def test_transcript_marks_the_turns_that_interrupt(example: dict[str, Any]) -> None:
    rows = open_docx(render(example)).tables[-1].rows[1:]
    marked = [
        r.cells[0].text for r in rows if any(run.bold for run in r.cells[0].paragraphs[0].runs)
    ]
    assert marked == ["0:19", "2:46"]  # the two AGENT interruptions at 18.74 s and 166.44 s


def test_markdown_tags_each_highlight_once(example: dict[str, Any]) -> None:
    text = render(example, report_format=ReportFormat.MARKDOWN).decode()
    assert "Okay I've got that and [Action item] **I will email you a confirmation is [PII].**" in (
        text
    )
    assert text.count("[Issue] **") == 1
    assert "| 0:19 ⚡ |" in text


def test_offsets_that_do_not_match_the_words_mark_nothing(example: dict[str, Any]) -> None:
    turn = next(t for t in example["Transcript"] if t.get("ActionItemsDetected"))
    turn["Content"] = "Something else entirely than the items say."
    rows = open_docx(render(example)).tables[-1].rows[1:]
    cell = next(r.cells[4] for r in rows if "I will email you" in r.cells[4].text)
    assert not any(_shaded(run) for run in cell.paragraphs[0].runs)


@pytest.mark.parametrize("junk", [None, 7, "text", [], {}])
def test_null_or_malformed_optional_sections_render_without_them(
    example: dict[str, Any], junk: Any
) -> None:
    """A section that is null or of the wrong type reads as absent, never a crash."""
    for key in ("Categories", "ContentMetadata", "Participants", "ContactSummary"):
        example[key] = junk
    characteristics = example["ConversationCharacteristics"]
    for key in [*characteristics, "TalkSpeed"]:
        characteristics[key] = junk
    characteristics["Sentiment"] = {"OverallSentiment": junk, "SentimentByPeriod": junk}
    for turn in example["Transcript"]:
        turn["LoudnessScores"] = junk
        turn["IssuesDetected"] = [{"CharacterOffsets": junk}]
    found = headings(open_docx(render(example)))
    assert "Loudness and interruptions" not in found
    assert found[-1] == "Transcript"
    assert render(example, report_format=ReportFormat.MARKDOWN).startswith(b"# Call report")


def test_sentiment_trend_follows_each_part_of_the_call() -> None:
    """A centred moving mean, not the running mean of the whole call: a call that turns from
    negative to positive ends on a positive trend."""
    from chalicelib.report.charts import moving_mean

    points = [(float(t), -1) for t in range(10)] + [(float(t), 1) for t in range(10, 20)]
    trend = moving_mean(points, 5)
    assert [round(v, 2) for _, v in trend[:3]] == [-1.0, -1.0, -1.0]
    assert trend[9][1] == pytest.approx(-0.2) and trend[10][1] == pytest.approx(0.2)
    assert trend[-1] == (19.0, 1.0)
    assert [t for t, _ in trend] == [t for t, _ in points]
