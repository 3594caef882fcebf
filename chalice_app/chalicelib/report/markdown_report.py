"""Lay out a :class:`ReportContent` as Markdown (the cheap second format; no charts)."""

from __future__ import annotations

from collections.abc import Sequence

from chalicelib.report.content import ReportContent, Run, clock


def render(content: ReportContent) -> str:
    lines = [f"# {content.title}", ""]
    lines += _table(("Item", "Value"), content.facts)
    for note in content.notes:
        lines += [f"> {note}", ""]
    if content.summary:
        lines += ["## Summary", "", content.summary, ""]
    if content.overall_sentiment or content.quarter_sentiment:
        lines += ["## Sentiment", ""]
        overall = dict(content.overall_sentiment)
        if content.quarter_sentiment:
            quarters = max(len(scores) for _, scores in content.quarter_sentiment)
            header = ("Speaker", *(f"Q{q + 1}" for q in range(quarters)), "Overall")
            rows = [
                (
                    who,
                    *(f"{s:+.1f}" for s in scores),
                    f"{overall[who]:+.1f}" if who in overall else "",
                )
                for who, scores in content.quarter_sentiment
            ]
            lines += _table(header, rows)
        else:
            lines += _table(("Speaker", "Overall"), [(w, f"{s:+.1f}") for w, s in overall.items()])
    if content.talk_time:
        total = sum(ms for _, ms in content.talk_time) or 1
        speed = dict(content.talk_speed)
        lines += ["## Talk time", ""]
        lines += _table(
            ("Who", "Time", "Share", "Talk speed"),
            [
                (
                    label,
                    clock(ms),
                    f"{ms / total:.0%}",
                    f"{speed[label]} wpm" if label in speed else "",
                )
                for label, ms in content.talk_time
            ],
        )
        if content.non_talk:
            lines += ["Silences (non-talk time):", "", *_table(("At", "Length"), content.non_talk)]
    if content.interruptions:
        lines += ["## Interruptions", "", content.interruption_summary, ""]
        lines += _table(("Interrupter", "At", "Length"), content.interruptions)
    if content.categories:
        lines += ["## Categories", "", *_table(("Category", "When"), content.categories)]
    if content.highlights:
        lines += ["## Issues, action items and outcomes", ""]
        lines += _table(("Kind", "At", "Speaker", "What was said"), content.highlights)
    lines += ["## Transcript", ""]
    runs = [run for row in content.transcript for run in row.runs]
    if any(run.low_confidence for run in runs):
        lines += ["Words in _italics_ were recognised with low confidence.", ""]
    if any(run.highlight for run in runs):
        lines += ["Issues, action items and outcomes are in **bold**, tagged with their kind.", ""]
    if any(row.interrupting for row in content.transcript):
        lines += ["A start time marked ⚡ begins a turn that interrupts the other speaker.", ""]
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
