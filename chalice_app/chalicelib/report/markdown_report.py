"""Lay out a :class:`ReportContent` as Markdown (the cheap second format; no charts)."""

from __future__ import annotations

from collections.abc import Sequence

from chalicelib.report.blocks import Block, Paragraph, ParagraphKind, Table
from chalicelib.report.content import ReportContent, Run


def render(content: ReportContent) -> str:
    lines = [f"# {content.title}", ""]
    lines += _table(("Item", "Value"), content.facts)
    for note in content.notes:
        lines += [f"> {note}", ""]
    for section in content.sections:
        lines += [f"## {section.title}", ""]
        for block in section.blocks:
            lines += _block(block)
    lines += ["## Transcript", ""]
    lines += _legend(content)
    lines += _table(
        ("Start", "Length", "Speaker", "Sentiment", "Text"),
        [
            (
                f"{row.start} ⚡" if row.interrupting else row.start,
                row.duration,
                row.speaker,
                row.sentiment,
                _text(row.runs),
            )
            for row in content.transcript
        ],
    )
    return "\n".join(lines)


def _block(block: Block) -> list[str]:
    """Markdown has no pictures here: charts are left out, tables keep every row."""
    if isinstance(block, Paragraph):
        text = _mark(block.text, "_") if block.kind is ParagraphKind.CAPTION else block.text
        return [f"> {text}" if block.kind is ParagraphKind.NOTE else text, ""]
    if isinstance(block, Table):
        return _table(block.header, block.complete_rows)
    return []


def _legend(content: ReportContent) -> list[str]:
    runs = [run for row in content.transcript for run in row.runs]
    lines: list[str] = []
    if any(run.low_confidence for run in runs):
        lines += ["Words in _italics_ were recognised with low confidence.", ""]
    if any(run.highlight for run in runs):
        lines += ["Issues, action items and outcomes are in **bold**, tagged with their kind.", ""]
    if any(row.interrupting for row in content.transcript):
        lines += ["A start time marked ⚡ begins a turn that interrupts the other speaker.", ""]
    return lines


def _text(runs: Sequence[Run]) -> str:
    """A turn's text: low-confidence words in italics, highlights in bold, each highlight tagged
    with its kind once where it starts."""
    parts = []
    previous = ""
    for run in runs:
        text = _mark(run.text, "_") if run.low_confidence else run.text
        if run.highlight:
            tag = f"[{run.highlight}] " if run.highlight != previous else ""
            text = _mark(text, "**", tag)
        if run.text.strip():
            previous = run.highlight
        parts.append(text)
    return "".join(parts)


def _mark(text: str, marker: str, tag: str = "") -> str:
    stripped = text.strip()
    return text.replace(stripped, f"{tag}{marker}{stripped}{marker}") if stripped else text


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return [*out, ""]


def _cell(value: str) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")
