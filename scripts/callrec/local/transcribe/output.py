"""The documents Transcribe writes: the Call Analytics output and the standard transcript.

Shapes follow the Transcribe developer guide ("Call Analytics output", "Transcription output")
and the real sample in tests/fixtures/transcribe/example-call.json.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from callrec.local.transcribe import analytics
from callrec.local.transcribe.analytics import Span
from callrec.local.transcribe.asr import Word

QUARTERS = 4


@dataclass(frozen=True)
class Turn:
    role: str
    channel: int
    span: Span
    words: tuple[Word, ...]
    loudness: tuple[float, ...]

    @property
    def content(self) -> str:
        return sentence([w.text for w in self.words])


def sentence(words: Sequence[str]) -> str:
    fixed = ["I" + w[1:] if w == "i" or w.startswith("i'") else w for w in words]
    if not fixed:
        return ""
    text = " ".join(fixed)
    return text[0].upper() + text[1:] + "."


def _word_content(text: str, first: bool) -> str:
    if text == "i" or text.startswith("i'"):
        return "I" + text[1:]
    return text[:1].upper() + text[1:] if first else text


def _items(turn: Turn) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [
        {
            "Type": "pronunciation",
            "Confidence": word.confidence,
            "Content": _word_content(word.text, index == 0),
            "BeginOffsetMillis": word.begin_ms,
            "EndOffsetMillis": word.end_ms,
        }
        for index, word in enumerate(turn.words)
    ]
    items.append({"Type": "punctuation", "Confidence": 0.0, "Content": "."})
    return items


def _transcript_entry(turn: Turn) -> dict[str, Any]:
    return {
        "LoudnessScores": list(turn.loudness),
        "Content": turn.content,
        "Items": _items(turn),
        "Id": str(uuid.uuid4()),
        "BeginOffsetMillis": turn.words[0].begin_ms,
        "EndOffsetMillis": turn.words[-1].end_ms,
        "Sentiment": analytics.sentiment_label(turn.content),
        "ParticipantRole": turn.role,
        **analytics.summary(turn.role, turn.content),
    }


def _instances(spans: Sequence[Span]) -> list[dict[str, int]]:
    return [
        {
            "BeginOffsetMillis": s.begin_ms,
            "EndOffsetMillis": s.end_ms,
            "DurationMillis": s.duration_ms,
        }
        for s in spans
    ]


def call_analytics_document(
    *,
    job_name: str,
    account_id: str,
    roles: Mapping[int, str],
    turns: Sequence[Turn],
    duration_ms: int,
    language_code: str = "en-US",
) -> dict[str, Any]:
    """The Call Analytics output JSON for measured ``turns`` over ``duration_ms``."""
    ordered = sorted((t for t in turns if t.words), key=lambda t: t.words[0].begin_ms)
    role_names = [roles[channel] for channel in sorted(roles)]
    spans_by_role = {
        role: [Span(t.words[0].begin_ms, t.words[-1].end_ms) for t in ordered if t.role == role]
        for role in role_names
    }
    talk = {role: sum(s.duration_ms for s in spans) for role, spans in spans_by_role.items()}
    quiet = analytics.non_talk([s for spans in spans_by_role.values() for s in spans], duration_ms)
    by_interrupter: dict[str, list[dict[str, int]]] = {}
    for role in role_names:
        others = [s for r, spans in spans_by_role.items() if r != role for s in spans]
        found = analytics.interruptions(spans_by_role[role], others)
        if found:
            by_interrupter[role] = _instances(found)
    all_interruptions = [i for v in by_interrupter.values() for i in v]
    return {
        "JobStatus": "COMPLETED",
        "LanguageCode": language_code,
        "Transcript": [_transcript_entry(t) for t in ordered],
        "AccountId": account_id,
        "Categories": {"MatchedCategories": [], "MatchedDetails": {}},
        "Channel": "VOICE",
        "JobName": job_name,
        "Participants": [{"ParticipantRole": role} for role in role_names],
        "ConversationCharacteristics": {
            "NonTalkTime": {
                "Instances": _instances(quiet),
                "TotalTimeMillis": sum(s.duration_ms for s in quiet),
            },
            "Interruptions": {
                "TotalCount": len(all_interruptions),
                "TotalTimeMillis": sum(i["DurationMillis"] for i in all_interruptions),
                "InterruptionsByInterrupter": by_interrupter,
            },
            "TotalConversationDurationMillis": duration_ms,
            "Sentiment": _sentiment(ordered, role_names, duration_ms),
            "TalkSpeed": {"DetailsByParticipant": _talk_speed(ordered, role_names, talk)},
            "TalkTime": {
                "DetailsByParticipant": {
                    role: {"TotalTimeMillis": talk[role]} for role in role_names
                },
                "TotalTimeMillis": sum(talk.values()),
            },
        },
        "ContentMetadata": {"Output": "Raw"},
    }


def _sentiment(turns: Sequence[Turn], roles: Sequence[str], duration_ms: int) -> dict[str, Any]:
    def weighted(selection: Sequence[Turn]) -> list[tuple[str, int]]:
        return [(t.content, t.words[-1].end_ms - t.words[0].begin_ms) for t in selection]

    overall = {
        role: analytics.score(weighted([t for t in turns if t.role == role])) for role in roles
    }
    bounds = [round(duration_ms * q / QUARTERS) for q in range(QUARTERS + 1)]
    quarters: dict[str, list[dict[str, Any]]] = {}
    for role in roles:
        periods = []
        for begin, end in itertools.pairwise(bounds):
            inside = [
                t
                for t in turns
                if t.role == role and begin <= (t.words[0].begin_ms + t.words[-1].end_ms) // 2 < end
            ]
            periods.append(
                {
                    "Score": analytics.score(weighted(inside)),
                    "BeginOffsetMillis": begin,
                    "EndOffsetMillis": end,
                }
            )
        quarters[role] = periods
    return {"OverallSentiment": overall, "SentimentByPeriod": {"QUARTER": quarters}}


def _talk_speed(
    turns: Sequence[Turn], roles: Sequence[str], talk_ms: Mapping[str, int]
) -> dict[str, dict[str, int]]:
    speed = {}
    for role in roles:
        words = sum(len(t.words) for t in turns if t.role == role)
        minutes = talk_ms[role] / 60000
        speed[role] = {"AverageWordsPerMinute": round(words / minutes) if minutes else 0}
    return speed


def standard_document(
    *,
    job_name: str,
    account_id: str,
    channels: Sequence[Sequence[Sequence[Word]]],
    identify_channels: bool,
    show_speakers: bool = False,
) -> dict[str, Any]:
    """The standard (StartTranscriptionJob) output JSON.

    ``channels`` holds, per audio channel, the words of each voiced segment. With
    ``ChannelIdentification`` the output gets ``channel_labels``; with ``ShowSpeakerLabels`` each
    item gets a ``speaker_label`` and ``speaker_labels.segments`` lists the turns. The local
    "diarisation" is by channel: each channel is one speaker (a mono file has one speaker).
    """

    def item(word: Word, speaker: str | None = None) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "start_time": f"{word.begin_ms / 1000:.3f}",
            "end_time": f"{word.end_ms / 1000:.3f}",
            "alternatives": [{"confidence": f"{word.confidence:.4f}", "content": word.text}],
            "type": "pronunciation",
        }
        if speaker is not None:
            entry["speaker_label"] = speaker
        return entry

    labelled = [
        (word, f"spk_{index}")
        for index, segments in enumerate(channels)
        for segment in segments
        for word in segment
    ]
    labelled.sort(key=lambda pair: pair[0].begin_ms)
    results: dict[str, Any] = {
        "transcripts": [{"transcript": sentence([w.text for w, _ in labelled])}],
        "items": [item(w, speaker if show_speakers else None) for w, speaker in labelled],
    }
    if identify_channels:
        results["channel_labels"] = {
            "channels": [
                {
                    "channel_label": f"ch_{index}",
                    "items": [item(w) for segment in segments for w in segment],
                }
                for index, segments in enumerate(channels)
            ],
            "number_of_channels": len(channels),
        }
    if show_speakers:
        turns = [
            (segment, f"spk_{index}")
            for index, segments in enumerate(channels)
            for segment in segments
            if segment
        ]
        turns.sort(key=lambda pair: pair[0][0].begin_ms)
        results["speaker_labels"] = {
            "speakers": sum(1 for segments in channels if any(segments)),
            "segments": [
                {
                    "start_time": f"{segment[0].begin_ms / 1000:.3f}",
                    "end_time": f"{segment[-1].end_ms / 1000:.3f}",
                    "speaker_label": speaker,
                    "items": [
                        {
                            "start_time": f"{w.begin_ms / 1000:.3f}",
                            "end_time": f"{w.end_ms / 1000:.3f}",
                            "speaker_label": speaker,
                        }
                        for w in segment
                    ],
                }
                for segment, speaker in turns
            ],
        }
    return {"jobName": job_name, "accountId": account_id, "results": results, "status": "COMPLETED"}
