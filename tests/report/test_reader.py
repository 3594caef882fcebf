"""The report as its reader (the owner) meets it: parties by role, one time format in a chosen
zone, plurals, shares that add up, long lists cut in Word but whole in Markdown, page numbers,
transcript rows that stay on one page, and sections that both renderers share."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document

from chalicelib.errors import ConfigurationError
from chalicelib.report import content, model, sections
from chalicelib.report.blocks import Paragraph, Table
from chalicelib.report.render import ReportFormat, render

CONTEXT = content.CallContext(
    owner_number="+15550100",
    other_number="+15550199",
    started_at="2026-11-20T14:01:05.123Z",
)


def _spans(count: int, *, every_ms: int = 60_000) -> list[dict[str, int]]:
    """``count`` spans, one a minute, the n-th lasting n seconds (so the last are the longest)."""
    return [
        {"BeginOffsetMillis": i * every_ms, "EndOffsetMillis": i * every_ms + (i + 1) * 1000}
        for i in range(count)
    ]


def _table(blocks: list[Any], header_start: str) -> Table:
    return next(b for b in blocks if isinstance(b, Table) and b.header[0] == header_start)


def test_shares_add_up_to_exactly_one_hundred() -> None:
    assert content.shares([1, 1, 1]) == [34, 33, 33]
    assert sum(content.shares([104349, 63790, 3500])) == 100


def test_talk_time_table_shares_add_up_to_one_hundred(example: dict[str, Any]) -> None:
    example["ConversationCharacteristics"]["NonTalkTime"] = {
        "Instances": [{"BeginOffsetMillis": 0, "EndOffsetMillis": 1000}],
        "TotalTimeMillis": 1000,
    }
    table = _table(sections.talk_time(model.load(example), CONTEXT), "Who")
    assert sum(int(row[2].rstrip("%")) for row in table.rows) == 100


def test_one_interruption_is_singular(example: dict[str, Any]) -> None:
    example["ConversationCharacteristics"]["Interruptions"] = {
        "TotalCount": 1,
        "TotalTimeMillis": 2100,
        "InterruptionsByInterrupter": {
            "AGENT": [
                {"BeginOffsetMillis": 19000, "EndOffsetMillis": 21100, "DurationMillis": 2100}
            ]
        },
    }
    blocks = sections.loudness_and_interruptions(model.load(example), CONTEXT)
    texts = [b.text for b in blocks if isinstance(b, Paragraph)]
    assert "1 interruption, 2.1 s in total." in texts


def test_word_lists_only_the_longest_silences_in_time_order(example: dict[str, Any]) -> None:
    example["ConversationCharacteristics"]["NonTalkTime"] = {
        "Instances": _spans(25),
        "TotalTimeMillis": 1,
    }
    table = _table(sections.talk_time(model.load(example), CONTEXT), "At")
    assert len(table.rows) == sections.MAX_LISTED
    assert [row[0] for row in table.rows][:2] == ["15:00", "16:00"]  # the 10 longest: 15..24
    assert "15 more are in the Markdown report" in table.more
    assert len(table.complete_rows) == 25


def test_markdown_lists_every_silence(example: dict[str, Any]) -> None:
    example["ConversationCharacteristics"]["NonTalkTime"] = {
        "Instances": _spans(25),
        "TotalTimeMillis": 1,
    }
    text = render(example, CONTEXT, ReportFormat.MARKDOWN).decode()
    assert "| 24:00 | 25.0 s |" in text
    assert "| 0:00 | 1.0 s |" in text


def test_interruptions_past_an_hour_are_in_time_order(example: dict[str, Any]) -> None:
    spans = [
        {"BeginOffsetMillis": ms, "EndOffsetMillis": ms + 1000, "DurationMillis": 1000}
        for ms in (124_000, 3_616_000, 13_000)
    ]
    example["ConversationCharacteristics"]["Interruptions"] = {
        "TotalCount": 3,
        "TotalTimeMillis": 3000,
        "InterruptionsByInterrupter": {"CUSTOMER": spans},
    }
    blocks = sections.loudness_and_interruptions(model.load(example), CONTEXT)
    table = _table(blocks, "Interrupter")
    assert [row[1] for row in table.rows] == ["0:13", "2:04", "1:00:16"]


def test_times_are_written_in_the_report_time_zone(
    example: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORT_TIMEZONE", "Europe/Paris")
    report = content.build(model.load(example), CONTEXT)
    assert dict(report.facts)["Started"] == "2026-11-20 15:01 CET"
    assert report.title == "Call with +15550199, 2026-11-20 15:01 CET"


def test_an_unknown_time_zone_is_a_configuration_error(
    example: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORT_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ConfigurationError, match="REPORT_TIMEZONE='Mars/Olympus'"):
        content.build(model.load(example), CONTEXT)


def test_names_from_the_call_record_label_the_parties(example: dict[str, Any]) -> None:
    context = content.CallContext.from_record(
        {"owner_number": "+15550100", "owner_name": "Alex", "other_name": "Sam"}
    )
    report = content.build(model.load(example), context)
    assert dict(report.facts)["Alex (owner)"] == "+15550100"
    assert {row.speaker for row in report.transcript} == {"Alex", "Sam"}


def test_every_page_has_a_page_number(example: dict[str, Any]) -> None:
    footer = Document(io.BytesIO(render(example, CONTEXT))).sections[0].footer
    instructions = [
        field.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}instr")
        for field in footer._element.iter(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}fldSimple"
        )
    ]
    assert instructions == ["PAGE", "NUMPAGES"]


def test_transcript_rows_do_not_split_across_pages(example: dict[str, Any]) -> None:
    table = Document(io.BytesIO(render(example, CONTEXT))).tables[-1]
    body_rows = table._tbl.tr_lst[1:]
    namespace = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    assert all(row.find(f"{namespace}trPr/{namespace}cantSplit") is not None for row in body_rows)


def test_a_new_section_is_laid_out_by_both_renderers(
    example: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def follow_up(_: model.CallAnalysis, __: content.CallContext) -> list[Any]:
        return [Paragraph("Call Sam back."), Table(("When", "What"), (("Monday", "call"),))]

    extra = sections.SectionSpec("Follow-up", follow_up)
    monkeypatch.setattr(sections, "SECTIONS", (*sections.SECTIONS, extra))
    document = Document(io.BytesIO(render(example, CONTEXT)))
    assert "Follow-up" in [p.text for p in document.paragraphs]
    assert ["Monday", "call"] in [
        [c.text for c in r.cells] for t in document.tables for r in t.rows
    ]
    markdown = render(example, CONTEXT, ReportFormat.MARKDOWN).decode()
    assert "## Follow-up\n\nCall Sam back." in markdown
    assert "| Monday | call |" in markdown
