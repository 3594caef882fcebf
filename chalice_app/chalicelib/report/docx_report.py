"""Lay out a :class:`ReportContent` as a Word document (python-docx), charts embedded as PNG."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any, NamedTuple
from xml.sax.saxutils import escape as xml_escape

from chalicelib.report.blocks import Block, Paragraph, ParagraphKind, Table
from chalicelib.report.content import ReportContent
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


def render(content: ReportContent, analysis: CallAnalysis | None = None) -> bytes:
    """The report as .docx bytes: facts, then each section's blocks, then the transcript.

    ``analysis`` is accepted for callers of the older signature; the charts close over it.
    """
    from docx import Document
    from docx.shared import Pt

    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    _page_numbers(document)
    document.add_heading(content.title, level=0)
    _table(document, ("Item", "Value"), content.facts, widths=(2.0, 4.5))
    for note in content.notes:
        document.add_paragraph(note, style="Intense Quote")
    for section in content.sections:
        document.add_heading(section.title, level=1)
        for block in section.blocks:
            _block(document, block)
    _transcript(document, content)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _block(document: Any, block: Block) -> None:
    if isinstance(block, Paragraph):
        _paragraph(document, block)
    elif isinstance(block, Table):
        _table(document, block.header, block.rows, widths=block.widths)
        if block.more:
            document.add_paragraph().add_run(block.more).italic = True
    else:
        png = block.draw()
        if png:
            _picture(document, png)


def _paragraph(document: Any, block: Paragraph) -> None:
    if block.kind is ParagraphKind.NOTE:
        document.add_paragraph(block.text, style="Intense Quote")
    elif block.kind is ParagraphKind.CAPTION:
        document.add_paragraph().add_run(block.text).italic = True
    else:
        document.add_paragraph(block.text)


def _page_numbers(document: Any) -> None:
    """ "Page N of M" centred in the footer of every page (Word fields, updated on open)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    footer = document.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")


def _field(paragraph: Any, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"  # shown until the reader's word processor updates the field
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


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
    # cantSplit: a turn's row moves whole to the next page instead of breaking across two.
    parts = ["<w:tr><w:trPr><w:cantSplit/></w:trPr>"]
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
