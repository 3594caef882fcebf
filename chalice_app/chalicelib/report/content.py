"""What a call report says, independent of its file format.

:func:`build` turns a :class:`CallAnalysis` plus what the call record knows (parties,
direction, names) into a title, facts, the sections of :mod:`chalicelib.report.sections` and the
transcript rows; the Word and Markdown renderers only lay them out. Sections whose data is absent
are left out.

The reader is the owner (a journalist, a clinician, a salesperson), so parties are named by
their role on this call: the owner and the other party. Call Analytics' AGENT is always the owner
(the transcription Lambda maps the owner's channel to AGENT) and CUSTOMER the other party; those
names appear only as a secondary label.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chalicelib import settings
from chalicelib.errors import ConfigurationError
from chalicelib.report.blocks import Section
from chalicelib.report.model import CallAnalysis, Span, Turn

TIMEZONE_ENV = "REPORT_TIMEZONE"
ROLE_LABELS = {"AGENT": "Owner", "CUSTOMER": "Other party"}
# Job facts (from the Transcribe job description) whose values are clock times: shown in the
# report's zone and format like the call's start.
TIME_FACTS = frozenset({"Transcribed"})
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
    owner_name: str = ""  # from the owner directory, when the call record carries it
    other_name: str = ""

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
            owner_name=str(record.get("owner_name", "")),
            other_name=str(record.get("other_name", "")),
        )

    def speaker(self, role: str) -> str:
        """The label of a Call Analytics role on this call: the owner's or the other party's
        name when known, else "Owner" / "Other party"; standard jobs' "SPEAKER n" as they are."""
        name = {"AGENT": self.owner_name, "CUSTOMER": self.other_name}.get(role, "")
        return name or role_label(role)

    def party(self, role: str) -> str:
        """``speaker`` plus what that is, for the facts table: "Alex (owner)"."""
        label = self.speaker(role)
        plain = role_label(role)
        return f"{label} ({plain.lower()})" if label != plain else plain


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
    sections: list[Section] = field(default_factory=list)
    transcript: list[TranscriptRow] = field(default_factory=list)


def clock(ms: int) -> str:
    """``m:ss`` or ``h:mm:ss`` from milliseconds."""
    seconds = max(0, round(ms / 1000))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def seconds(ms: int) -> str:
    return f"{ms / 1000:.1f} s"


def plural(count: int, noun: str, many: str = "") -> str:
    """``1 interruption``, ``2 interruptions`` (``many`` for irregular plurals)."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"


def shares(values: Sequence[int]) -> list[int]:
    """Whole percentages of ``values`` that add up to exactly 100 (largest remainder method), so a
    talk-time table never shows 33% + 33% + 33%."""
    total = sum(values)
    if total <= 0:
        return [0 for _ in values]
    exact = [value * 100 / total for value in values]
    whole = [int(share) for share in exact]
    by_remainder = sorted(range(len(values)), key=lambda i: exact[i] - whole[i], reverse=True)
    for index in by_remainder[: 100 - sum(whole)]:
        whole[index] += 1
    return whole


def report_timezone() -> ZoneInfo:
    """The zone the report's times are written in (``REPORT_TIMEZONE``, an IANA name; UTC)."""
    name = settings.optional(TIMEZONE_ENV, "UTC") or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigurationError(
            f"{TIMEZONE_ENV}={name!r} is not a time zone",
            hint="use an IANA name such as UTC, Europe/London or America/New_York",
        ) from error


def local_time(iso: str, zone: ZoneInfo) -> str:
    """An ISO 8601 time as ``2026-11-20 14:01 UTC`` in ``zone``: the one format of the report's
    clock times; text that is not a time is shown as it is."""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role.title())


def build(analysis: CallAnalysis, context: CallContext | None = None) -> ReportContent:
    from chalicelib.report.sections import build_sections

    context = context or CallContext()
    zone = report_timezone()
    content = ReportContent(title=_title(context, zone), facts=_facts(analysis, context, zone))
    if not analysis.is_call_analytics:
        content.notes.append(
            "This recording was mono, so it was transcribed without Call Analytics: speakers are "
            "told apart by voice and there is no sentiment, loudness, category or issue data."
        )
    content.sections = build_sections(analysis, context)
    interruptions = analysis.interruptions()
    content.transcript = [
        _transcript_row(turn, context, _interrupts(turn, interruptions.get(turn.role, [])))
        for turn in analysis.turns
    ]
    return content


def _title(context: CallContext, zone: ZoneInfo) -> str:
    """``Call with +15550199, 2026-11-20 14:01 UTC`` (the other party's name when known)."""
    other = context.other_name or context.other_number
    title = f"Call with {other}" if other else "Call report"
    if context.owner_name:
        title += f" ({context.owner_name})"
    return f"{title}, {local_time(context.started_at, zone)}" if context.started_at else title


def _facts(analysis: CallAnalysis, context: CallContext, zone: ZoneInfo) -> list[tuple[str, str]]:
    return [
        *_call_facts(analysis, context, zone),
        *_transcription_facts(analysis),
        *(
            (name, local_time(value, zone) if name in TIME_FACTS else value)
            for name, value in context.job_facts
        ),
        *_location_facts(context),
    ]


def _call_facts(
    analysis: CallAnalysis, context: CallContext, zone: ZoneInfo
) -> list[tuple[str, str]]:
    facts: list[tuple[str, str]] = []
    if context.owner_number or context.owner_name:
        facts.append((context.party("AGENT"), context.owner_number or "unknown"))
    if context.other_number or context.other_name:
        facts.append((context.party("CUSTOMER"), context.other_number or "unknown"))
    if context.direction:
        facts.append(("Direction", context.direction))
    if context.started_at:
        facts.append(("Started", local_time(context.started_at, zone)))
    facts.append(("Duration", clock(analysis.duration_ms)))
    facts.append(("Turns", str(len(analysis.turns))))
    return facts


def _transcription_facts(analysis: CallAnalysis) -> list[tuple[str, str]]:
    facts: list[tuple[str, str]] = []
    if analysis.job_name:
        kind = "Call Analytics" if analysis.is_call_analytics else "standard (mono)"
        facts.append(("Transcription job", f"{analysis.job_name} ({kind})"))
    if analysis.is_call_analytics:
        facts.append(("Speaker roles", "owner = AGENT, other party = CUSTOMER (Call Analytics)"))
    if analysis.language_code:
        facts.append(("Language", analysis.language_code))
    facts.append(("Redaction", analysis.redaction))
    confidence = analysis.average_confidence()
    if confidence is not None:
        facts.append(("Average word confidence", f"{confidence:.1%}"))
    return facts


def _location_facts(context: CallContext) -> list[tuple[str, str]]:
    facts: list[tuple[str, str]] = []
    if context.transaction_id:
        facts.append(("Transaction", context.transaction_id))
    if context.recording_location:
        facts.append(("Recording", context.recording_location))
    return facts


def _transcript_row(turn: Turn, context: CallContext, interrupting: bool = False) -> TranscriptRow:
    span = turn.span
    return TranscriptRow(
        start=clock(span.begin_ms),
        duration=seconds(span.duration_ms),
        speaker=context.speaker(turn.role),
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
