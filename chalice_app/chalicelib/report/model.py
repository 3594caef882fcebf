"""Typed read-only views over Transcribe output documents.

:class:`CallAnalysis` reads the Call Analytics post-call output (``Transcript`` turns,
``ConversationCharacteristics``, ``Categories``, ``ContentMetadata``, optional
``ContactSummary``). Every section other than the turns is optional and reads as empty when
absent. :func:`from_standard_transcript` maps a standard transcription (the mono fallback,
with speaker labels) onto the same view, with only turns and talk time.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from chalicelib.errors import TranscriptError

LOW_CONFIDENCE = 0.5  # words below this are marked in the transcript


@dataclass(frozen=True)
class Span:
    begin_ms: int
    end_ms: int

    @property
    def duration_ms(self) -> int:
        return max(0, self.end_ms - self.begin_ms)


@dataclass(frozen=True)
class Word:
    content: str
    confidence: float | None
    is_punctuation: bool
    redacted: bool
    vocabulary_filter_match: bool = False  # VocabularyFilterMatch: masked, removed or tagged

    @property
    def low_confidence(self) -> bool:
        return (
            not self.is_punctuation
            and not self.redacted
            and self.confidence is not None
            and self.confidence < LOW_CONFIDENCE
        )


@dataclass(frozen=True)
class Highlight:
    """A detected issue, action item or outcome: a character range of one turn's text."""

    kind: str
    text: str
    turn_begin_ms: int
    role: str
    begin_char: int = 0  # CharacterOffsets into the turn's Content
    end_char: int = 0


class Turn:
    """One conversation turn (segment)."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw

    @property
    def role(self) -> str:
        return str(self._raw.get("ParticipantRole", "UNKNOWN"))

    @property
    def content(self) -> str:
        return str(self._raw.get("Content", ""))

    @property
    def span(self) -> Span:
        return Span(_ms(self._raw.get("BeginOffsetMillis")), _ms(self._raw.get("EndOffsetMillis")))

    @property
    def sentiment(self) -> str:
        return str(self._raw.get("Sentiment", ""))

    @property
    def loudness(self) -> list[float | None]:
        """Loudness per second of the turn (0-100), one entry per second from the turn's start.

        Transcribe writes ``null`` for a second it could not score; the gap keeps its place, so
        the seconds after it stay where they were spoken.
        """
        scores = self._raw.get("LoudnessScores")
        if not isinstance(scores, list):
            return []
        return [float(s) if isinstance(s, int | float) else None for s in scores]

    @cached_property
    def words(self) -> list[Word]:
        """The turn's items as words, built once (the report reads them for confidence, runs
        and highlights)."""
        words = []
        for item in _seq(self._raw.get("Items")):
            if not isinstance(item, Mapping):
                continue
            confidence = item.get("Confidence")
            words.append(
                Word(
                    content=str(item.get("Content", "")),
                    confidence=float(confidence) if isinstance(confidence, int | float) else None,
                    is_punctuation=item.get("Type") == "punctuation",
                    redacted="Redaction" in item,
                    vocabulary_filter_match=bool(item.get("VocabularyFilterMatch")),
                )
            )
        return words

    def highlights(self) -> list[Highlight]:
        found = []
        for field, kind in _HIGHLIGHT_FIELDS:
            for entry in _seq(self._raw.get(field)):
                offsets = _map(_map(entry).get("CharacterOffsets"))
                begin, end = _ms(offsets.get("Begin")), _ms(offsets.get("End"))
                text = self.content[begin:end].strip()
                if not text:  # offsets missing or out of range: the whole turn
                    begin, end, text = 0, len(self.content), self.content
                found.append(Highlight(kind, text, self.span.begin_ms, self.role, begin, end))
        return found


_HIGHLIGHT_FIELDS = (
    ("IssuesDetected", "Issue"),
    ("ActionItemsDetected", "Action item"),
    ("OutcomesDetected", "Outcome"),
)


@dataclass(frozen=True)
class PeriodSentiment:
    score: float
    span: Span


@dataclass(frozen=True)
class CategoryMatch:
    name: str
    points: tuple[Span, ...]


class CallAnalysis:
    """The Call Analytics output document."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        if not isinstance(raw, Mapping) or not isinstance(raw.get("Transcript"), list):
            raise TranscriptError(
                "the document has no Transcript list",
                hint="pass the JSON that Transcribe Call Analytics wrote to the output location",
            )
        self._raw = raw
        self._characteristics: Mapping[str, Any] = _map(raw.get("ConversationCharacteristics"))
        self.turns = [Turn(t) for t in raw["Transcript"] if isinstance(t, Mapping)]

    # --- job facts -------------------------------------------------------------------------
    @property
    def job_name(self) -> str:
        return str(self._raw.get("JobName", ""))

    @property
    def language_code(self) -> str:
        return str(self._raw.get("LanguageCode", ""))

    @property
    def is_call_analytics(self) -> bool:
        return not self._raw.get("_standard")

    @property
    def redaction(self) -> str:
        """``Redacted (PII)``, ``Raw`` or ``None``, from ContentMetadata."""
        metadata = _map(self._raw.get("ContentMetadata"))
        output = str(metadata.get("Output") or "")
        raw_types = metadata.get("RedactionTypes")
        types = ", ".join(str(t) for t in raw_types) if isinstance(raw_types, list) else ""
        if not output:
            return "none"
        return f"{output} ({types})" if types else output

    @property
    def roles(self) -> list[str]:
        participants = _seq(self._raw.get("Participants"))
        found = [str(p.get("ParticipantRole")) for p in participants if isinstance(p, Mapping)]
        for turn in self.turns:
            if turn.role not in found:
                found.append(turn.role)
        return found

    @property
    def summary(self) -> str:
        """Generative call summary (``ContactSummary``), when the job asked for one."""
        summary = _map(self._raw.get("ContactSummary"))
        overall = _map(_map(summary.get("AutoGenerated")).get("OverallSummary"))
        return str(overall.get("Content") or "")

    # --- conversation characteristics ------------------------------------------------------
    @property
    def duration_ms(self) -> int:
        total = self._characteristics.get("TotalConversationDurationMillis")
        if isinstance(total, int | float):
            return int(total)
        return max((t.span.end_ms for t in self.turns), default=0)

    def talk_time_ms(self) -> dict[str, int]:
        details = _map(_map(self._characteristics.get("TalkTime")).get("DetailsByParticipant"))
        if details:
            return {role: _ms(_map(v).get("TotalTimeMillis")) for role, v in details.items()}
        totals: dict[str, int] = {}
        for turn in self.turns:
            totals[turn.role] = totals.get(turn.role, 0) + turn.span.duration_ms
        return totals

    def non_talk(self) -> tuple[int, list[Span]]:
        """Total non-talk time and its instances (empty when the section is absent)."""
        section = _map(self._characteristics.get("NonTalkTime"))
        instances = [
            Span(_ms(i.get("BeginOffsetMillis")), _ms(i.get("EndOffsetMillis")))
            for i in _seq(section.get("Instances"))
            if isinstance(i, Mapping)
        ]
        total = section.get("TotalTimeMillis")
        return (
            _ms(total) if isinstance(total, int | float) else sum(s.duration_ms for s in instances)
        ), (instances)

    def talk_speed(self) -> dict[str, int]:
        details = _map(_map(self._characteristics.get("TalkSpeed")).get("DetailsByParticipant"))
        return {role: _ms(_map(v).get("AverageWordsPerMinute")) for role, v in details.items()}

    def interruptions(self) -> dict[str, list[Span]]:
        section = _map(self._characteristics.get("Interruptions"))
        by_role = _map(section.get("InterruptionsByInterrupter"))
        return {
            role: [
                Span(_ms(i.get("BeginOffsetMillis")), _ms(i.get("EndOffsetMillis")))
                for i in _seq(spans)
                if isinstance(i, Mapping)
            ]
            for role, spans in by_role.items()
        }

    def interruption_totals(self) -> tuple[int, int]:
        section = _map(self._characteristics.get("Interruptions"))
        count = section.get("TotalCount")
        spans = [s for role_spans in self.interruptions().values() for s in role_spans]
        total_ms = section.get("TotalTimeMillis")
        return (
            _ms(count) if isinstance(count, int | float) else len(spans),
            _ms(total_ms)
            if isinstance(total_ms, int | float)
            else sum(s.duration_ms for s in spans),
        )

    def overall_sentiment(self) -> dict[str, float]:
        overall = _map(_map(self._characteristics.get("Sentiment")).get("OverallSentiment"))
        return {
            role: float(score) for role, score in overall.items() if isinstance(score, int | float)
        }

    def quarter_sentiment(self) -> dict[str, list[PeriodSentiment]]:
        periods = _map(_map(self._characteristics.get("Sentiment")).get("SentimentByPeriod"))
        quarters = _map(periods.get("QUARTER"))
        return {
            role: [
                PeriodSentiment(
                    _score(p.get("Score")),
                    Span(_ms(p.get("BeginOffsetMillis")), _ms(p.get("EndOffsetMillis"))),
                )
                for p in _seq(values)
                if isinstance(p, Mapping)
            ]
            for role, values in quarters.items()
        }

    def categories(self) -> list[CategoryMatch]:
        section = _map(self._raw.get("Categories"))
        details = _map(section.get("MatchedDetails"))
        matched = section.get("MatchedCategories")
        names = [str(n).strip() for n in matched if n] if isinstance(matched, list) else []
        for name in details:
            if name.strip() not in names:
                names.append(name.strip())
        matches = []
        for name in names:
            detail = _map(details.get(name) or details.get(f" {name}"))
            points = tuple(
                Span(_ms(p.get("BeginOffsetMillis")), _ms(p.get("EndOffsetMillis")))
                for p in _seq(detail.get("PointsOfInterest"))
                if isinstance(p, Mapping)
            )
            matches.append(CategoryMatch(name, points))
        return matches

    def highlights(self) -> list[Highlight]:
        return [h for turn in self.turns for h in turn.highlights()]

    def average_confidence(self) -> float | None:
        """Mean confidence of the recognised words (punctuation and redacted words aside)."""
        scores = [
            w.confidence
            for turn in self.turns
            for w in turn.words
            if w.confidence is not None and not w.is_punctuation and not w.redacted
        ]
        return sum(scores) / len(scores) if scores else None

    def loudness_series(self, role: str) -> Iterator[tuple[float, float]]:
        """(seconds from start, loudness) for every scored second of ``role``'s turns."""
        for turn in self.turns:
            if turn.role != role:
                continue
            start = turn.span.begin_ms / 1000.0
            for offset, score in enumerate(turn.loudness):
                if score is not None:
                    yield start + offset, score

    def sentiment_trend(self, role: str) -> list[tuple[float, int]]:
        """(seconds, +1/0/-1) per turn of ``role``: the per-turn sentiment as a trend line."""
        values = {"POSITIVE": 1, "NEGATIVE": -1, "NEUTRAL": 0, "MIXED": 0}
        return [
            (t.span.begin_ms / 1000.0, values[t.sentiment])
            for t in self.turns
            if t.role == role and t.sentiment in values
        ]


def from_standard_transcript(raw: Mapping[str, Any]) -> CallAnalysis:
    """View a standard transcription (mono fallback) as turns, one per speaker change."""
    results = raw.get("results") if isinstance(raw, Mapping) else None
    if not isinstance(results, Mapping):
        raise TranscriptError(
            "the document has no results section", hint="pass a Transcribe transcription output"
        )
    turns: list[dict[str, Any]] = []
    for segment in _standard_segments(results):
        speaker = segment["speaker"]
        if turns and turns[-1]["_speaker"] == speaker:
            turn = turns[-1]
        else:
            turn = {"_speaker": speaker, "Items": [], "Content": "", "BeginOffsetMillis": None}
            turns.append(turn)
        for item in segment["items"]:
            _add_standard_item(turn, item)
    speakers = sorted({t["_speaker"] for t in turns})
    for turn in turns:
        turn["ParticipantRole"] = _speaker_name(turn["_speaker"], speakers)
        turn["BeginOffsetMillis"] = turn["BeginOffsetMillis"] or 0
        turn.setdefault("EndOffsetMillis", turn["BeginOffsetMillis"])
    document = {
        "JobName": raw.get("jobName", ""),
        "JobStatus": raw.get("status", ""),
        "LanguageCode": results.get("language_code", ""),
        "Transcript": turns,
        "_standard": True,
    }
    return CallAnalysis(document)


def _add_standard_item(turn: dict[str, Any], item: Mapping[str, Any]) -> None:
    """Append one standard-transcript item to ``turn`` as a Call Analytics ``Items`` entry."""
    alternative = (item.get("alternatives") or [{}])[0]
    content = str(alternative.get("content", ""))
    is_punctuation = item.get("type") == "punctuation"
    entry: dict[str, Any] = {
        "Type": "punctuation" if is_punctuation else "pronunciation",
        "Content": content,
    }
    if alternative.get("confidence") not in (None, ""):
        entry["Confidence"] = float(alternative["confidence"])
    if alternative.get("redactions"):  # a PII-redacted word of a redacted transcript
        entry["Redaction"] = alternative["redactions"]
    if item.get("vocabularyFilterMatch"):
        entry["VocabularyFilterMatch"] = True
    if "start_time" in item:
        begin = round(float(item["start_time"]) * 1000)
        if turn["BeginOffsetMillis"] is None:
            turn["BeginOffsetMillis"] = begin
        turn["EndOffsetMillis"] = round(float(item["end_time"]) * 1000)
    turn["Items"].append(entry)
    joiner = "" if is_punctuation or not turn["Content"] else " "
    turn["Content"] += joiner + content


def load(raw: Mapping[str, Any]) -> CallAnalysis:
    """Either output format: Call Analytics (``Transcript``) or standard (``results``)."""
    if isinstance(raw, Mapping) and "results" in raw and "Transcript" not in raw:
        return from_standard_transcript(raw)
    return CallAnalysis(raw)


def _standard_segments(results: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    items: Sequence[Mapping[str, Any]] = results.get("items") or []
    speakers = {}
    labels = results.get("speaker_labels") or {}
    for segment in labels.get("segments") or []:
        for item in segment.get("items") or []:
            speakers[(item.get("start_time"), item.get("end_time"))] = item.get("speaker_label")
    current = "spk_0"
    for item in items:
        if "start_time" in item:
            current = str(
                item.get("speaker_label")
                or speakers.get((item.get("start_time"), item.get("end_time")))
                or current
            )
        yield {"speaker": current, "items": [item]}


def _speaker_name(label: str, speakers: list[str]) -> str:
    return f"SPEAKER {speakers.index(label) + 1}"


def _ms(value: Any) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def _score(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _map(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else an empty one: a null or malformed section reads as
    absent, as a missing one does."""
    return value if isinstance(value, Mapping) else {}


def _seq(value: Any) -> list[Any]:
    """``value``'s JSON objects if it is a list, else none (entries of other types are skipped)."""
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []
