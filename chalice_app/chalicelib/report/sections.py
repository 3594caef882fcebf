"""The report's sections, as data: one list that both renderers walk.

Each :class:`SectionSpec` is a title and a function from the analysed call (and what the call
record says of its parties) to blocks; a section with no blocks is left out of the report. To add
a section, write its builder here and add it to :data:`SECTIONS`: the Word and Markdown renderers
lay it out without a change. The transcript is not a section: it has its own fast renderer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from chalicelib.report import charts
from chalicelib.report.blocks import Block, Chart, Paragraph, ParagraphKind, Section, Table
from chalicelib.report.content import CallContext, clock, plural, seconds, shares
from chalicelib.report.model import CallAnalysis, Span

# The Word report lists at most this many silences and interruptions (the longest, in time
# order); the Markdown form lists them all. A long call has hundreds of each, and listing them
# pushed the transcript twenty pages down.
MAX_LISTED = 10
NON_TALK = "Non-talk"

Builder = Callable[[CallAnalysis, CallContext], list[Block]]


@dataclass(frozen=True)
class SectionSpec:
    title: str
    build: Builder


def summary(analysis: CallAnalysis, _: CallContext) -> list[Block]:
    return [Paragraph(analysis.summary)] if analysis.summary else []


def sentiment(analysis: CallAnalysis, context: CallContext) -> list[Block]:
    overall = {role: score for role, score in analysis.overall_sentiment().items()}
    quarters = {r: [p.score for p in ps] for r, ps in analysis.quarter_sentiment().items() if ps}
    if not (overall or quarters):
        return []
    other = context.speaker("CUSTOMER")
    blocks: list[Block] = [
        Paragraph(f"{other}'s sentiment over the call, turn by turn:"),
        Chart(lambda: charts.sentiment_trend_chart(analysis, "CUSTOMER", other)),
    ]
    if quarters:
        count = max(len(scores) for scores in quarters.values())
        rows = tuple(
            (
                context.speaker(role),
                *(f"{score:+.1f}" for score in scores),
                f"{overall[role]:+.1f}" if role in overall else "",
            )
            for role, scores in quarters.items()
        )
        header = ("Speaker", *(f"Q{q + 1}" for q in range(count)), "Overall")
        labels = {role: context.speaker(role) for role in quarters}
        blocks += [
            Table(header, rows),
            Chart(lambda: charts.quarter_sentiment_chart(analysis, labels)),
        ]
    else:
        rows = tuple((context.speaker(r), f"{s:+.1f}") for r, s in overall.items())
        blocks.append(Table(("Speaker", "Overall"), rows))
    blocks.append(
        Paragraph(
            "Scores run from -5 (negative) to +5 (positive); each quarter is a quarter of the "
            "call's length.",
            ParagraphKind.CAPTION,
        )
    )
    return blocks


def talk_time(analysis: CallAnalysis, context: CallContext) -> list[Block]:
    talk = [(context.speaker(role), ms) for role, ms in analysis.talk_time_ms().items()]
    non_talk_total, non_talk_spans = analysis.non_talk()
    if non_talk_total or analysis.is_call_analytics:
        talk.append((NON_TALK, non_talk_total))
    if not talk:
        return []
    speed = {context.speaker(role): wpm for role, wpm in analysis.talk_speed().items()}
    percentages = shares([ms for _, ms in talk])
    rows = tuple(
        (label, clock(ms), f"{share}%", f"{speed[label]} words/min" if label in speed else "")
        for (label, ms), share in zip(talk, percentages, strict=True)
    )
    blocks: list[Block] = [
        Table(("Who", "Time", "Share", "Talk speed"), rows),
        Chart(lambda: charts.talk_time_chart(talk)),
    ]
    if non_talk_spans:
        blocks += [
            Paragraph(f"Silences (non-talk time): {plural(len(non_talk_spans), 'silence')}."),
            _span_table(("At", "Length"), non_talk_spans, lambda span: ()),
        ]
    return blocks


def loudness_and_interruptions(analysis: CallAnalysis, context: CallContext) -> list[Block]:
    spans = [(role, span) for role, found in analysis.interruptions().items() for span in found]
    has_loudness = any(any(turn.loudness) for turn in analysis.turns)
    if not (has_loudness or spans):
        return []
    labels = {role: context.speaker(role) for role in analysis.roles}
    blocks: list[Block] = []
    if has_loudness:
        blocks += [
            Chart(lambda: charts.loudness_chart(analysis, labels)),
            Paragraph(
                "Loudness is Call Analytics' normalised speech level (0 to 100, louder is "
                "higher), one dot per second of speech.",
                ParagraphKind.CAPTION,
            ),
        ]
    if spans:
        count, total_ms = analysis.interruption_totals()
        who = {id(span): labels.get(role, role) for role, span in spans}
        blocks += [
            Paragraph(f"{plural(count, 'interruption')}, {seconds(total_ms)} in total."),
            _span_table(
                ("Interrupter", "At", "Length"),
                [span for _, span in spans],
                lambda span: (who[id(span)],),
            ),
        ]
    return blocks


def categories(analysis: CallAnalysis, _: CallContext) -> list[Block]:
    rows = tuple(
        (
            match.name,
            ", ".join(f"{clock(p.begin_ms)} to {clock(p.end_ms)}" for p in match.points)
            or "whole call",
        )
        for match in analysis.categories()
    )
    return [Table(("Category", "When"), rows)] if rows else []


def highlights(analysis: CallAnalysis, context: CallContext) -> list[Block]:
    rows = tuple(
        (h.kind, clock(h.turn_begin_ms), context.speaker(h.role), h.text)
        for h in analysis.highlights()
    )
    if not rows:
        return []
    return [Table(("Kind", "At", "Speaker", "What was said"), rows, widths=(1.1, 0.6, 0.9, 3.9))]


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("Summary", summary),
    SectionSpec("Sentiment", sentiment),
    SectionSpec("Talk time", talk_time),
    SectionSpec("Loudness and interruptions", loudness_and_interruptions),
    SectionSpec("Categories", categories),
    SectionSpec("Issues, action items and outcomes", highlights),
)


def build_sections(analysis: CallAnalysis, context: CallContext) -> list[Section]:
    built = ((spec.title, spec.build(analysis, context)) for spec in SECTIONS)
    return [Section(title, tuple(blocks)) for title, blocks in built if blocks]


def _span_table(
    header: Sequence[str],
    spans: Sequence[Span],
    prefix: Callable[[Span], tuple[str, ...]],
) -> Table:
    """Spans in time order (by time, not by the displayed text: ``1:00:16`` comes after
    ``2:04``); the Word rows are the :data:`MAX_LISTED` longest of them."""
    ordered = sorted(spans, key=lambda span: span.begin_ms)
    longest = sorted(ordered, key=lambda span: span.duration_ms, reverse=True)[:MAX_LISTED]
    kept = sorted(longest, key=lambda span: span.begin_ms)

    def row(span: Span) -> tuple[str, ...]:
        return (*prefix(span), clock(span.begin_ms), seconds(span.duration_ms))

    left_out = len(ordered) - len(kept)
    more = (
        f"The {len(kept)} longest are listed; {left_out} more are in the Markdown report."
        if left_out
        else ""
    )
    return Table(
        tuple(header),
        tuple(row(span) for span in kept),
        all_rows=tuple(row(span) for span in ordered),
        more=more,
    )
