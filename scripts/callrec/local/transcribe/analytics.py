"""Measured conversation characteristics: voice activity, turns, talk and non-talk time,
interruptions, loudness and sentiment — the figures Call Analytics reports.

Voice activity is energy based on 20 ms frames (threshold relative to the channel's noise
floor, with hang-over), which is robust for telephone audio. Sentiment is VADER's compound
score per turn, mapped onto Transcribe's labels and its -5..5 scale.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from callrec.local import audio

FRAME_MS = 20
MIN_SPEECH_DBFS = -45.0
ABOVE_FLOOR_DB = 15.0
MERGE_GAP_MS = 650  # pauses shorter than this stay inside one turn
MIN_TURN_MS = 300  # shorter bursts (the pause/resume tones, clicks) are not turns
PAD_MS = 60
NON_TALK_MIN_MS = 3000  # mutual silence at least this long is reported as non-talk time
INTERRUPTION_MIN_MS = 300  # overlap needed before an overlap counts as an interruption
POSITIVE = 0.3
NEGATIVE = -0.3


@dataclass(frozen=True)
class Span:
    begin_ms: int
    end_ms: int

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.begin_ms


def frame_levels(samples: audio.Samples, frame_ms: int = FRAME_MS) -> list[float]:
    step = audio.RATE * frame_ms // 1000
    return [audio.rms_dbfs(samples[i : i + step]) for i in range(0, len(samples), step)]


def voiced_spans(samples: audio.Samples) -> list[Span]:
    """Turns of speech on one channel, as (begin, end) in milliseconds."""
    levels = frame_levels(samples)
    if not levels:
        return []
    floor = float(np.percentile(levels, 10))
    threshold = max(MIN_SPEECH_DBFS, floor + ABOVE_FLOOR_DB)
    spans: list[Span] = []
    start: int | None = None
    for index, level in enumerate([*levels, -120.0]):
        if level > threshold and start is None:
            start = index
        elif level <= threshold and start is not None:
            spans.append(Span(start * FRAME_MS, index * FRAME_MS))
            start = None
    merged: list[Span] = []
    for span in spans:
        if merged and span.begin_ms - merged[-1].end_ms < MERGE_GAP_MS:
            merged[-1] = Span(merged[-1].begin_ms, span.end_ms)
        else:
            merged.append(span)
    total_ms = len(samples) * 1000 // audio.RATE
    return [
        Span(max(0, s.begin_ms - PAD_MS), min(total_ms, s.end_ms + PAD_MS))
        for s in merged
        if s.duration_ms >= MIN_TURN_MS
    ]


def non_talk(spans: Sequence[Span], total_ms: int) -> list[Span]:
    """Stretches of at least NON_TALK_MIN_MS where nobody speaks."""
    gaps: list[Span] = []
    cursor = 0
    for span in sorted(spans, key=lambda s: s.begin_ms):
        if span.begin_ms - cursor >= NON_TALK_MIN_MS:
            gaps.append(Span(cursor, span.begin_ms))
        cursor = max(cursor, span.end_ms)
    if total_ms - cursor >= NON_TALK_MIN_MS:
        gaps.append(Span(cursor, total_ms))
    return gaps


def interruptions(own: Sequence[Span], other: Sequence[Span]) -> list[Span]:
    """Turns of ``own`` that start while ``other`` is talking (overlap ≥ threshold)."""
    found = []
    for turn in own:
        for theirs in other:
            if theirs.begin_ms < turn.begin_ms < theirs.end_ms:
                overlap = min(turn.end_ms, theirs.end_ms) - turn.begin_ms
                if overlap >= INTERRUPTION_MIN_MS:
                    found.append(Span(turn.begin_ms, turn.begin_ms + overlap))
                break
    return found


def loudness_scores(samples: audio.Samples, span: Span) -> list[float]:
    """One score per second of the turn (0-100; Transcribe's scale, from dBFS + 100)."""
    scores = []
    for begin in range(span.begin_ms, span.end_ms, 1000):
        end = min(span.end_ms, begin + 1000)
        piece = samples[begin * audio.RATE // 1000 : end * audio.RATE // 1000]
        scores.append(round(max(0.0, min(100.0, 100.0 + audio.rms_dbfs(piece))), 2))
    return scores


@functools.cache
def _analyser() -> Any:
    """One VADER analyser per process, built on first use (it loads a lexicon)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def compound(text: str) -> float:
    """VADER compound polarity in [-1, 1]; NaN when both polarities are strong (MIXED)."""
    scores = _analyser().polarity_scores(text)
    value: float = scores["compound"]
    if scores["pos"] >= 0.2 and scores["neg"] >= 0.2:
        return float("nan")  # both strongly present: MIXED
    return value


def sentiment_label(text: str) -> str:
    value = compound(text)
    if math.isnan(value):  # mixed polarity
        return "MIXED"
    if value >= POSITIVE:
        return "POSITIVE"
    if value <= NEGATIVE:
        return "NEGATIVE"
    return "NEUTRAL"


def score(texts_and_weights: Sequence[tuple[str, int]]) -> float:
    """Duration-weighted sentiment on Transcribe's -5..5 scale, one decimal."""
    total = sum(weight for _, weight in texts_and_weights)
    if not total:
        return 0.0
    weighted = 0.0
    for text, weight in texts_and_weights:
        value = compound(text)
        weighted += (0.0 if math.isnan(value) else value) * weight
    return round(5.0 * weighted / total, 1)


# Call summarisation (issues, action items, outcomes) is a generative model at AWS; offline it is
# a transparent cue-phrase rule per role, applied to the recognised text of each turn. A match
# marks the text from the cue to the end of the sentence, in the documented CharacterOffsets form.
SUMMARY_CUES: dict[str, dict[str, tuple[str, ...]]] = {
    "CUSTOMER": {
        "IssuesDetected": (
            "i need a new",
            "i lost",
            "lost my",
            "is broken",
            "not working",
            "doesn't work",
            "does not work",
            "fell into",
            "was stolen",
            "charged twice",
            "a problem",
            "i can't",
            "i cannot",
            "cancel my",
        ),
    },
    "AGENT": {
        "ActionItemsDetected": (
            "i will send",
            "i'll send",
            "i can send",
            "i will call",
            "i'll call",
            "i will email",
            "i am going to",
            "we will send",
            "i will make sure",
        ),
        "OutcomesDetected": (
            "it will arrive",
            "has been",
            "is now",
            "i have sent",
            "i have updated",
            "you will receive",
            "is on its way",
        ),
    },
}


def summary(role: str, content: str) -> dict[str, list[dict[str, dict[str, int]]]]:
    """``{"IssuesDetected": [{"CharacterOffsets": {"Begin", "End"}}], ...}`` for one turn."""
    found: dict[str, list[dict[str, dict[str, int]]]] = {}
    lowered = content.lower()
    for field, cues in SUMMARY_CUES.get(role, {}).items():
        begins = [lowered.find(cue) for cue in cues if cue in lowered]
        if not begins:
            continue
        begin = min(begins)
        end = len(content.rstrip(".?!"))
        found[field] = [{"CharacterOffsets": {"Begin": begin, "End": end}}]
    return found
