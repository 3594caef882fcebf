"""How well the offline recogniser heard a scripted call: word error rate against the script.

WER = (substitutions + deletions + insertions) / words in the reference, from the word-level
edit distance, the measure speech recognition is usually reported in. Words are compared as the
recogniser's language model sees them (lower case, punctuation dropped).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from callrec.local.transcribe.asr import words_of


def word_error_rate(reference: Sequence[str], hypothesis: Sequence[str]) -> float:
    """Edit distance between the word sequences over the reference's length (1.0 if it is empty
    and the hypothesis is not, 0.0 if both are)."""
    if not reference:
        return 0.0 if not hypothesis else 1.0
    previous = list(range(len(hypothesis) + 1))
    for i, expected in enumerate(reference, start=1):
        current = [i]
        for j, heard in enumerate(hypothesis, start=1):
            substitution = previous[j - 1] + (expected != heard)
            current.append(min(previous[j] + 1, current[j - 1] + 1, substitution))
        previous = current
    return previous[-1] / len(reference)


def script_words(utterances: Iterable[Mapping[str, Any]]) -> list[str]:
    """The scenario's spoken lines, in the order they are spoken."""
    ordered = sorted(utterances, key=lambda line: float(line.get("at", 0)))
    return [word for line in ordered for word in words_of(str(line.get("text", "")))]


def transcript_words(document: Mapping[str, Any]) -> list[str]:
    """The words of a Call Analytics output document, turn by turn in time order."""
    turns = sorted(document.get("Transcript", []), key=lambda t: t.get("BeginOffsetMillis", 0))
    return [word for turn in turns for word in words_of(str(turn.get("Content", "")))]
