"""Generate a Call Analytics output document of any length, in the documented schema.

Used by the report benchmark and by the long-call tests. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from typing import Any

WORDS = (
    *("the", "card", "account", "payment", "balance", "please", "thank", "you", "today"),
    *("number", "help", "check", "transfer", "branch", "online", "statement", "address"),
    *("confirm", "sure", "okay", "right", "problem", "replacement", "fee", "charge"),
    *("refund", "limit", "yesterday", "morning", "phone", "email"),
)
SENTIMENTS = ("POSITIVE", "NEUTRAL", "NEUTRAL", "NEUTRAL", "NEGATIVE", "MIXED")
ROLES = ("AGENT", "CUSTOMER")


def generate(
    duration_s: int = 7200,
    turns: int = 3000,
    seed: int = 7,
    *,
    silence_every: int = 5,
    interruption_every: int = 9,
) -> dict[str, Any]:
    """A ``duration_s`` second call of ``turns`` alternating turns, with a silence after every
    ``silence_every``-th turn and an interruption at every ``interruption_every``-th (defaults:
    about 950 spans in 3,000 turns, like the long real call the report was tuned on)."""
    rng = random.Random(seed)
    slot_ms = duration_s * 1000 // turns
    transcript: list[dict[str, Any]] = []
    talk = {"AGENT": 0, "CUSTOMER": 0}
    non_talk: list[dict[str, int]] = []
    interruptions: dict[str, list[dict[str, int]]] = {"AGENT": [], "CUSTOMER": []}
    for index in range(turns):
        role = ROLES[index % 2]
        begin = index * slot_ms + rng.randint(0, slot_ms // 10)
        length = rng.randint(slot_ms // 2, slot_ms * 9 // 10)
        end = begin + length
        transcript.append(_turn(rng, index, role, begin, end))
        talk[role] += length
        if index % silence_every == silence_every // 2:
            non_talk.append(
                {"BeginOffsetMillis": end, "EndOffsetMillis": end + 3000, "DurationMillis": 3000}
            )
        if index % interruption_every == interruption_every // 2:
            interruptions[role].append(
                {"BeginOffsetMillis": begin, "EndOffsetMillis": begin + 900, "DurationMillis": 900}
            )
    total = duration_s * 1000
    quarter = total // 4
    return {
        "JobName": f"synthetic-{duration_s}s-{turns}-turns",
        "LanguageCode": "en-US",
        "AccountId": "111122223333",
        "Channel": "VOICE",
        "JobStatus": "COMPLETED",
        "Participants": [{"ParticipantRole": "AGENT"}, {"ParticipantRole": "CUSTOMER"}],
        "ContentMetadata": {"Output": "Raw"},
        "Categories": {
            "MatchedCategories": ["long-hold", "escalation"],
            "MatchedDetails": {
                "long-hold": {
                    "PointsOfInterest": [
                        {
                            "BeginOffsetMillis": n["BeginOffsetMillis"],
                            "EndOffsetMillis": n["EndOffsetMillis"],
                        }
                        for n in non_talk[:5]
                    ]
                },
                "escalation": {"PointsOfInterest": []},
            },
        },
        "ConversationCharacteristics": {
            "TotalConversationDurationMillis": total,
            "NonTalkTime": {
                "Instances": non_talk,
                "TotalTimeMillis": sum(n["DurationMillis"] for n in non_talk),
            },
            "Interruptions": {
                "TotalCount": sum(len(v) for v in interruptions.values()),
                "TotalTimeMillis": sum(
                    i["DurationMillis"] for v in interruptions.values() for i in v
                ),
                "InterruptionsByInterrupter": {k: v for k, v in interruptions.items() if v},
            },
            "TalkTime": {
                "TotalTimeMillis": sum(talk.values()),
                "DetailsByParticipant": {r: {"TotalTimeMillis": ms} for r, ms in talk.items()},
            },
            "TalkSpeed": {
                "DetailsByParticipant": {
                    "AGENT": {"AverageWordsPerMinute": 160},
                    "CUSTOMER": {"AverageWordsPerMinute": 140},
                }
            },
            "Sentiment": {
                "OverallSentiment": {"AGENT": 1.5, "CUSTOMER": -0.4},
                "SentimentByPeriod": {
                    "QUARTER": {
                        role: [
                            {
                                "Score": round(rng.uniform(-5, 5), 1),
                                "BeginOffsetMillis": q * quarter,
                                "EndOffsetMillis": (q + 1) * quarter,
                            }
                            for q in range(4)
                        ]
                        for role in ROLES
                    }
                },
            },
        },
        "Transcript": transcript,
    }


def _turn(rng: random.Random, index: int, role: str, begin: int, end: int) -> dict[str, Any]:
    count = max(1, (end - begin) // 400)
    step = (end - begin) // count
    items: list[dict[str, Any]] = []
    for n in range(count):
        confidence = round(rng.uniform(0.3, 1.0), 4)
        items.append(
            {
                "Type": "pronunciation",
                "Content": rng.choice(WORDS),
                "Confidence": confidence,
                "BeginOffsetMillis": begin + n * step,
                "EndOffsetMillis": begin + (n + 1) * step,
            }
        )
    items.append({"Type": "punctuation", "Content": ".", "Confidence": 0.0})
    content = " ".join(str(i["Content"]) for i in items[:-1]) + "."
    turn: dict[str, Any] = {
        "Id": f"turn-{index:05d}",
        "ParticipantRole": role,
        "BeginOffsetMillis": begin,
        "EndOffsetMillis": end,
        "Content": content,
        "Sentiment": rng.choice(SENTIMENTS),
        "LoudnessScores": [
            round(rng.uniform(60, 95), 2) for _ in range(max(1, (end - begin) // 1000))
        ],
        "Items": items,
    }
    if index % 211 == 3:
        turn["IssuesDetected"] = [{"CharacterOffsets": {"Begin": 0, "End": len(content)}}]
    if index % 307 == 8:
        turn["ActionItemsDetected"] = [{"CharacterOffsets": {"Begin": 0, "End": len(content)}}]
    if index % 401 == 9:
        turn["OutcomesDetected"] = [{"CharacterOffsets": {"Begin": 0, "End": len(content)}}]
    return turn
