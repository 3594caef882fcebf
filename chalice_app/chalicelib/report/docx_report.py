"""Lay out a :class:`ReportContent` as a Word document (python-docx), charts embedded as PNG."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any, NamedTuple
from xml.sax.saxutils import escape as xml_escape

from chalicelib.report import charts
from chalicelib.report.content import ReportContent, clock
from chalicelib.report.model import CallAnalysis

LOW_CONFIDENCE_COLOUR = (0xC0, 0x50, 0x00)
INTERRUPTION_COLOUR = (0xC6, 0x28, 0x28)
HIGHLIGHT_FILLS = {  # background of issue, action item and outcome text in the transcript
    "Issue": (0xFF, 0xE0, 0x8A),
    "Action item": (0xC8, 0xE6, 0xC9),
    "Outcome": (0xE1, 0xBE, 0xE7),
}
SENTIMENT_COLOURS = {
    "Positive": (0x2E, 0x7D, 0x32),
    "Negative": (0xC6, 0x28, 0x28),
    "Mixed": (0x8E, 0x6C, 0x00),
}
CHART_WIDTH_INCHES = 6.5
TRANSCRIPT_WIDTHS = (0.55, 0.75, 0.95, 1.0, 3.25)  # inches: start, length, speaker, ...
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def render(content: ReportContent, analysis: CallAnalysis) -> bytes:
    """The report as .docx bytes."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    document.add_heading(content.title, level=0)
    _table(document, ("Item", "Value"), content.facts, widths=(2.0, 4.5))
    for note in content.notes:
        document.add_paragraph(note, style="Intense Quote")
    if content.summary:
        document.add_heading("Summary", level=1)
        document.add_paragraph(content.summary)
    _sentiment(document, content, analysis)
    _talk_time(document, content)
    _loudness(document, content, analysis)
    _categories_and_highlights(document, content)
    _transcript(document, content)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _sentiment(document: Any, content: ReportContent, analysis: CallAnalysis) -> None:
    if not (content.overall_sentiment or content.quarter_sentiment):
        return
    document.add_heading("Sentiment", level=1)
    trend = charts.sentiment_trend_chart(analysis, "CUSTOMER")
    if trend:
        document.add_paragraph("Customer sentiment over the call, turn by turn:")
        _picture(document, trend)
    if content.quarter_sentiment:
        quarters = max(len(scores) for _, scores in content.quarter_sentiment)
        overall = dict(content.overall_sentiment)
        rows = [
            (who, *(f"{s:+.1f}" for s in scores), f"{overall[who]:+.1f}" if who in overall else "")
            for who, scores in content.quarter_sentiment
        ]
        header = ("Speaker", *(f"Q{q + 1}" for q in range(quarters)), "Overall")
        _table(document, header, rows)
        chart = charts.quarter_sentiment_chart(analysis)
        if chart:
            _picture(document, chart)
    else:
        _table(
            document,
            ("Speaker", "Overall"),
            [(w, f"{s:+.1f}") for w, s in content.overall_sentiment],
        )
    document.add_paragraph().add_run(
        "Scores run from -5 (negative) to +5 (positive)."
    ).italic = True


def _talk_time(document: Any, content: ReportContent) -> None:
    if not content.talk_time:
        return
    document.add_heading("Talk time", level=1)
    total = sum(ms for _, ms in content.talk_time) or 1
    speed = dict(content.talk_speed)
    rows = [
        (label, clock(ms), f"{ms / total:.0%}", f"{speed[label]} wpm" if label in speed else "")
        for label, ms in content.talk_time
    ]
    _table(document, ("Who", "Time", "Share", "Talk speed"), rows)
    chart = charts.talk_time_chart(content.talk_time)
    if chart:
        _picture(document, chart)
    if content.non_talk:
        document.add_paragraph("Silences (non-talk time):")
        _table(document, ("At", "Length"), content.non_talk)


def _loudness(document: Any, content: ReportContent, analysis: CallAnalysis) -> None:
    chart = charts.loudness_chart(analysis)
    if not chart and not content.interruptions:
        return
    document.add_heading("Loudness and interruptions", level=1)
    if chart:
        _picture(document, chart)
    if content.interruptions:
        document.add_paragraph(content.interruption_summary or "Interruptions:")
        _table(document, ("Interrupter", "At", "Length"), content.interruptions)


def _categories_and_highlights(document: Any, content: ReportContent) -> None:
    if content.categories:
        document.add_heading("Categories", level=1)
        _table(document, ("Category", "When"), content.categories)
    if content.highlights:
        document.add_heading("Issues, action items and outcomes", level=1)
        _table(
            document,
            ("Kind", "At", "Speaker", "What was said"),
            content.highlights,
            widths=(1.1, 0.6, 0.9, 3.9),
        )


def _transcript(document: Any, content: ReportContent) -> None:
    """The turn-by-turn table, written as WordprocessingML directly: python-docx's per-cell API
    costs about a millisecond a row, far too slow for a two-hour call's thousands of turns."""
    document.add_heading("Transcript", level=1)
    _transcript_legend(document, content)
    widths = TRANSCRIPT_WIDTHS
    table = _table(document, ("Start", "Length", "Speaker", "Sentiment", "Text"), [], widths=widths)
    _repeat_as_header(table.rows[0])
    twips = [str(int(w * 1440)) for w in widths]
    low = _hex(LOW_CONFIDENCE_COLOUR)
    interrupting = _hex(INTERRUPTION_COLOUR)
    fills = {kind: _hex(fill) for kind, fill in HIGHLIGHT_FILLS.items()}
    rows = []
    for row in content.transcript:
        sentiment_colour = SENTIMENT_COLOURS.get(row.sentiment)
        cells: list[list[_Style]] = [
            [_Style(row.start, interrupting if row.interrupting else None, bold=row.interrupting)],
            [_Style(row.duration)],
            [_Style(row.speaker)],
            [_Style(row.sentiment, _hex(sentiment_colour) if sentiment_colour else None)],
            [
                _Style(
                    run.text,
                    low if run.low_confidence else None,
                    italic=run.low_confidence,
                    fill=fills.get(run.highlight),
                )
                for run in row.runs
            ],
        ]
        rows.append(_row_xml(twips, cells))
    _append_rows(table._tbl, rows)


def _transcript_legend(document: Any, content: ReportContent) -> None:
    """Say what the transcript's marks mean, naming only the marks that occur."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    runs = [run for row in content.transcript for run in row.runs]
    kinds = [kind for kind in HIGHLIGHT_FILLS if any(run.highlight == kind for run in runs)]
    low = any(run.low_confidence for run in runs)
    interrupting = any(row.interrupting for row in content.transcript)
    if not (kinds or low or interrupting):
        return
    legend = document.add_paragraph("Marks: ")
    parts: list[tuple[str, Any]] = []
    if low:
        parts.append(("low-confidence words", "low"))
    parts += [(kind.lower(), kind) for kind in kinds]
    if interrupting:
        parts.append(("start of a turn that interrupts", "interrupting"))
    for index, (label, mark) in enumerate(parts):
        if index:
            legend.add_run(", ")
        run = legend.add_run(label)
        if mark == "low":
            run.italic = True
            run.font.color.rgb = RGBColor(*LOW_CONFIDENCE_COLOUR)
        elif mark == "interrupting":
            run.bold = True
            run.font.color.rgb = RGBColor(*INTERRUPTION_COLOUR)
        else:
            shading = OxmlElement("w:shd")
            shading.set(qn("w:val"), "clear")
            shading.set(qn("w:fill"), _hex(HIGHLIGHT_FILLS[mark]))
            run._r.get_or_add_rPr().append(shading)
    legend.add_run(".")


class _Style(NamedTuple):
    text: str
    colour: str | None = None
    italic: bool = False
    bold: bool = False
    fill: str | None = None


def _row_xml(twips: Sequence[str], cells: Sequence[Sequence[_Style]]) -> str:
    """One ``w:tr`` as text: building strings and parsing once is far cheaper than lxml calls."""
    parts = ["<w:tr>"]
    for width, runs in zip(twips, cells, strict=True):
        parts.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p>')
        for run in runs:
            # w:rPr children in the schema's order: b, i, color, shd
            properties = (
                ("<w:b/>" if run.bold else "")
                + ("<w:i/>" if run.italic else "")
                + (f'<w:color w:val="{run.colour}"/>' if run.colour else "")
                + (f'<w:shd w:val="clear" w:color="auto" w:fill="{run.fill}"/>' if run.fill else "")
            )
            run_properties = f"<w:rPr>{properties}</w:rPr>" if properties else ""
            safe = xml_escape(_XML_UNSAFE.sub("", run.text))
            parts.append(f'<w:r>{run_properties}<w:t xml:space="preserve">{safe}</w:t></w:r>')
        parts.append("</w:p></w:tc>")
    parts.append("</w:tr>")
    return "".join(parts)


def _append_rows(tbl: Any, rows: Sequence[str]) -> None:
    from docx.oxml.ns import nsdecls
    from docx.oxml.parser import parse_xml

    fragment = parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(rows)}</w:tbl>")
    tbl.extend(list(fragment))


def _repeat_as_header(row: Any) -> None:
    """Repeat this row at the top of every page the table runs onto."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _hex(colour: tuple[int, int, int]) -> str:
    return "{:02X}{:02X}{:02X}".format(*colour)


def _table(
    document: Any,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float] | None = None,
) -> Any:
    from docx.shared import Inches

    table = document.add_table(rows=1, cols=len(header))
    table.style = "Light Grid Accent 1"
    for cell, title in zip(table.rows[0].cells, header, strict=True):
        cell.text = title
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=False):
            cell.text = str(value)
    if widths:  # Word and LibreOffice read each cell's width, not only the grid's
        for column, width in zip(table.columns, widths, strict=False):
            column.width = Inches(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=False):
                cell.width = Inches(width)
    document.add_paragraph()  # keep the next table or chart off this one
    return table


def _picture(document: Any, png: bytes) -> None:
    from docx.shared import Inches

    document.add_picture(io.BytesIO(png), width=Inches(CHART_WIDTH_INCHES))
