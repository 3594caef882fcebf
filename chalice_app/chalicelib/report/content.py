"""What a call report says, independent of its file format.

:func:`build` turns a :class:`CallAnalysis` plus what the call record knows (parties,
direction) into plain rows and strings; the Word and Markdown renderers only lay them out.
Sections whose data is absent come out empty and the renderers leave them out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from chalicelib.report.model import CallAnalysis, Highlight, Span, Turn

ROLE_LABELS = {"AGENT": "Agent", "CUSTOMER": "Customer"}
SENTIMENT_LABELS = {
    "POSITIVE": "Positive",
    "NEGATIVE": "Negative",
    "NEUTRAL": "Neutral",
    "MIXED": "Mixed",
}


@dataclass(frozen=True)
class CallContext:
    """Facts from the call record (all optional: the CLI renders without one)."""

    transaction_id: str = ""
    direction: str = ""
    owner_number: str = ""
    other_number: str = ""
    started_at: str = ""
    recording_location: str = ""
    job_facts: tuple[tuple[str, str], ...] = ()  # from the Transcribe job (format, completion)

    @classmethod
    def from_record(
        cls,
        record: Mapping[str, Any] | None,
        transaction_id: str = "",
        job_facts: tuple[tuple[str, str], ...] = (),
        recording_started_at: str = "",
    ) -> CallContext:
        """``recording_started_at`` (the recording key's timestamp) stands in for the call's
        start when the record has none, e.g. when no call record describes the call."""
        record = record or {}
        return cls(
            job_facts=job_facts,
            transaction_id=str(record.get("transaction_id", transaction_id)),
            direction=str(record.get("direction", "")),
            owner_number=str(record.get("owner_number", "")),
            other_number=str(record.get("other_number", "")),
            started_at=str(record.get("started_at") or recording_started_at),
            recording_location=str(record.get("recording_location", "")),
        )


class Run(NamedTuple):
    """A stretch of a turn's text with one look: consecutive words of the same style joined."""

    text: str
    low_confidence: bool = False
    highlight: str = ""  # "Issue", "Action item" or "Outcome" when the text is one


@dataclass(frozen=True)
class TranscriptRow:
    start: str
    duration: str
    speaker: str
    sentiment: str
    runs: tuple[Run, ...]
    interrupting: bool = False  # this turn's speaker interrupted the other party

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass
class ReportContent:
    title: str
    facts: list[tuple[str, str]]
    notes: list[str] = field(default_factory=list)
    summary: str = ""
    talk_time: list[tuple[str, int]] = field(default_factory=list)  # label, ms (incl. Non-talk)
    talk_speed: list[tuple[str, int]] = field(default_factory=list)
    overall_sentiment: list[tuple[str, float]] = field(default_factory=list)
    quarter_sentiment: list[tuple[str, list[float]]] = field(default_factory=list)
    interruptions: list[tuple[str, str, str]] = field(default_factory=list)  # who, at, length
    interruption_summary: str = ""
    non_talk: list[tuple[str, str]] = field(default_factory=list)  # at, length
    categories: list[tuple[str, str]] = field(default_factory=list)  # name, timestamps
    highlights: list[tuple[str, str, str, str]] = field(default_factory=list)  # kind,at,who,text
    transcript: list[TranscriptRow] = field(default_factory=list)


def clock(ms: int) -> str:
    """``m:ss`` or ``h:mm:ss`` from milliseconds."""
    seconds = max(0, round(ms / 1000))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def seconds(ms: int) -> str:
    return f"{ms / 1000:.1f} s"


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role.title())


def build(analysis: CallAnalysis, context: CallContext | None = None) -> ReportContent:
    context = context or CallContext()
    content = ReportContent(title="Call report", facts=_facts(analysis, context))
    content.summary = analysis.summary
    if not analysis.is_call_analytics:
        content.notes.append(
            "This recording was mono, so it was transcribed without Call Analytics: speakers are "
            "told apart by voice and there is no sentiment, loudness, category or issue data."
        )
    talk = analysis.talk_time_ms()
    non_talk_total, non_talk_spans = analysis.non_talk()
    content.talk_time = [(role_label(role), ms) for role, ms in talk.items()]
    if non_talk_total or analysis.is_call_analytics:
        content.talk_time.append(("Non-talk", non_talk_total))
    content.talk_speed = [(role_label(r), wpm) for r, wpm in analysis.talk_speed().items()]
    content.overall_sentiment = [
        (role_label(r), score) for r, score in analysis.overall_sentiment().items()
    ]
    content.quarter_sentiment = [
        (role_label(r), [p.score for p in periods])
        for r, periods in analysis.quarter_sentiment().items()
    ]
    content.non_talk = [(clock(s.begin_ms), seconds(s.duration_ms)) for s in non_talk_spans]
    timed = [(s, role) for role, spans in analysis.interruptions().items() for s in spans]
    timed.sort(key=lambda item: item[0].begin_ms)  # on time: "1:00:16" comes after "2:04"
    content.interruptions = [
        (role_label(role), clock(s.begin_ms), seconds(s.duration_ms)) for s, role in timed
    ]
    count, total_ms = analysis.interruption_totals()
    if count:
        content.interruption_summary = f"{count} interruptions, {seconds(total_ms)} in total"
    content.categories = [
        (
            c.name,
            ", ".join(f"{clock(p.begin_ms)} to {clock(p.end_ms)}" for p in c.points)
            or "whole call",
        )
        for c in analysis.categories()
    ]
    content.highlights = [_highlight_row(h) for h in analysis.highlights()]
    interruptions = analysis.interruptions()
    content.transcript = [
        _transcript_row(turn, _interrupts(turn, interruptions.get(turn.role, [])))
        for turn in analysis.turns
    ]
    return content


def _facts(analysis: CallAnalysis, context: CallContext) -> list[tuple[str, str]]:
    facts: list[tuple[str, str]] = []
    if context.owner_number:
        facts.append(("Agent (owner)", context.owner_number))
    if context.other_number:
        facts.append(("Customer (other party)", context.other_number))
    if context.direction:
        facts.append(("Direction", context.direction))
    if context.started_at:
        facts.append(("Started", context.started_at))
    facts.append(("Duration", clock(analysis.duration_ms)))
    facts.append(("Turns", str(len(analysis.turns))))
    if analysis.job_name:
        kind = "Call Analytics" if analysis.is_call_analytics else "standard (mono)"
        facts.append(("Transcription job", f"{analysis.job_name} ({kind})"))
    if analysis.language_code:
        facts.append(("Language", analysis.language_code))
    facts.append(("Redaction", analysis.redaction))
    confidence = analysis.average_confidence()
    if confidence is not None:
        facts.append(("Average word confidence", f"{confidence:.1%}"))
    facts.extend(context.job_facts)
    if context.transaction_id:
        facts.append(("Transaction", context.transaction_id))
    if context.recording_location:
        facts.append(("Recording", context.recording_location))
    return facts


def _highlight_row(highlight: Highlight) -> tuple[str, str, str, str]:
    return (
        highlight.kind,
        clock(highlight.turn_begin_ms),
        role_label(highlight.role),
        highlight.text,
    )


def _transcript_row(turn: Turn, interrupting: bool = False) -> TranscriptRow:
    span = turn.span
    return TranscriptRow(
        start=clock(span.begin_ms),
        duration=seconds(span.duration_ms),
        speaker=role_label(turn.role),
        sentiment=SENTIMENT_LABELS.get(turn.sentiment, turn.sentiment.title()),
        runs=_runs(turn),
        interrupting=interrupting,
    )


def _interrupts(turn: Turn, spans: list[Span]) -> bool:
    """True when one of the speaker's interruptions starts during this turn."""
    span = turn.span
    return any(span.begin_ms <= s.begin_ms <= span.end_ms for s in spans)


def _runs(turn: Turn) -> tuple[Run, ...]:
    """The turn's words as styled runs: low-confidence words and highlighted ranges marked.

    Words are joined as Transcribe joins them into ``Content`` (a space before each word, none
    before punctuation), so a highlight's CharacterOffsets select the same words here.
    """
    highlights = [(h.begin_char, h.end_char, h.kind) for h in turn.highlights()]
    words = turn.words
    if not words:
        kind = highlights[0][2] if highlights else ""
        return (Run(turn.content, False, kind),) if turn.content else ()
    pieces: list[tuple[str, str, bool]] = []  # (separator, word, low confidence)
    for word in words:
        separator = "" if word.is_punctuation or not pieces else " "
        pieces.append((separator, word.content, word.low_confidence))
    if highlights and "".join(a + b for a, b, _ in pieces) != turn.content:
        highlights = []  # the words do not rebuild the text: offsets would select wrong words
    runs: list[list[Any]] = []
    position = 0
    for separator, text, low in pieces:
        begin = position + len(separator)
        position = begin + len(text)
        kind = next((k for b, e, k in highlights if b < position and begin < e), "")
        style = (low, kind)
        if runs and (runs[-1][1], runs[-1][2]) == style:
            runs[-1][0] += separator + text
        elif not low and not kind:  # the separator joins the plain run
            runs.append([separator + text, low, kind])
        else:
            if runs and not runs[-1][1] and not runs[-1][2]:
                runs[-1][0] += separator
            elif separator:
                runs.append([separator, False, ""])
            runs.append([text, low, kind])
    return tuple(Run(str(text), bool(low), str(kind)) for text, low, kind in runs)
