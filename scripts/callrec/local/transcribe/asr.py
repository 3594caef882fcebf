"""Offline speech recognition with pocketsphinx and a phrase-list language model.

Transcribe biases recognition towards a domain with custom vocabularies and custom language
models; here the scenario's phrase list is compiled into a small back-off trigram model (ARPA)
over the words the CMU dictionary knows, and the en-us acoustic model shipped in the
pocketsphinx wheel decodes each voiced segment. Telephone audio (8 kHz) is resampled to the
model's 16 kHz. Nothing is downloaded.
"""

from __future__ import annotations

import math
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from callrec.local import audio

MODEL_RATE = 16000
FRAME_MS = 10  # pocketsphinx frames are 10 ms
DISCOUNT = 0.5
ORDER = 3  # trigrams: enough context to prefer the domain's phrases
FILLERS = {"<s>", "</s>", "<sil>", "[NOISE]", "[SPEECH]"}


@dataclass(frozen=True)
class Word:
    text: str
    begin_ms: int
    end_ms: int
    confidence: float


def words_of(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))


def model_dir() -> Path:
    from pocketsphinx import get_model_path

    return Path(get_model_path())


def _dictionary() -> dict[str, list[str]]:
    entries: dict[str, list[str]] = defaultdict(list)
    with (model_dir() / "en-us" / "cmudict-en-us.dict").open(encoding="utf-8") as handle:
        for line in handle:
            head, _, phones = line.strip().partition(" ")
            entries[re.sub(r"\(\d+\)$", "", head)].append(phones.strip())
    return entries


@dataclass(frozen=True)
class PhraseModel:
    """A language model + dictionary compiled from phrases, stored in ``directory``."""

    directory: Path
    vocabulary: frozenset[str]
    unknown: frozenset[str]

    @property
    def lm_path(self) -> Path:
        return self.directory / "phrases.lm"

    @property
    def dict_path(self) -> Path:
        return self.directory / "phrases.dict"

    @classmethod
    def compile(cls, phrases: Iterable[str], directory: Path | None = None) -> PhraseModel:
        target = directory or Path(tempfile.mkdtemp(prefix="callrec-lm-"))
        target.mkdir(parents=True, exist_ok=True)
        known = _dictionary()
        sentences: list[list[str]] = []
        unknown: set[str] = set()
        for phrase in phrases:
            words = words_of(phrase)
            unknown.update(w for w in words if w not in known)
            kept = [w for w in words if w in known]
            if kept:
                sentences.append(kept)
        if not sentences:
            raise ValueError("the phrase list has no word the pronunciation dictionary knows")
        vocabulary = sorted({w for s in sentences for w in s})
        (target / "phrases.lm").write_text(arpa_model(sentences), encoding="utf-8")
        lines = []
        for word in vocabulary:
            for index, phones in enumerate(known[word]):
                lines.append(f"{word}{'' if index == 0 else f'({index + 1})'} {phones}")
        (target / "phrases.dict").write_text("\n".join(lines) + "\n", encoding="utf-8")
        return cls(target, frozenset(vocabulary), frozenset(unknown))


def arpa_bigram(sentences: Sequence[Sequence[str]]) -> str:
    """A back-off bigram model (kept for callers that want the smaller model)."""
    return arpa_model(sentences, order=2)


def arpa_model(sentences: Sequence[Sequence[str]], order: int = ORDER) -> str:
    """A back-off n-gram model in ARPA format: absolute discounting, add-one unigrams."""
    counts: list[Counter[tuple[str, ...]]] = [Counter() for _ in range(order + 1)]
    for sentence in sentences:
        tokens = ("<s>", *sentence, "</s>")
        for n in range(1, order + 1):
            for i in range(len(tokens) - n + 1):
                gram = tokens[i : i + n]
                if n == 1 and gram == ("<s>",):
                    continue
                counts[n][gram] += 1
    vocabulary = sorted(g[0] for g in counts[1])
    total = sum(counts[1].values())
    unigram = {w: (counts[1][(w,)] + 1) / (total + len(vocabulary)) for w in vocabulary}
    history_total: dict[tuple[str, ...], int] = defaultdict(int)
    followers: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for n in range(2, order + 1):
        for gram, count in counts[n].items():
            history_total[gram[:-1]] += count
            followers[gram[:-1]].append(gram[-1])
    backoff: dict[tuple[str, ...], float] = {}

    def probability(word: str, history: tuple[str, ...]) -> float:
        if not history:
            return unigram.get(word, 1e-12)
        gram = (*history, word)
        if counts[len(gram)].get(gram):
            return (counts[len(gram)][gram] - DISCOUNT) / history_total[history]
        return backoff.get(history, 1.0) * probability(word, history[1:])

    for n in range(1, order):  # shorter histories first: their weights are used by longer ones
        for history in [h for h in followers if len(h) == n]:
            seen = followers[history]
            left = DISCOUNT * len(seen) / history_total[history]
            lower = sum(probability(w, history[1:]) for w in seen)
            backoff[history] = left / (1.0 - lower) if lower < 1.0 else 1e-9

    def log(p: float) -> str:
        return f"{math.log10(max(p, 1e-12)):.4f}"

    lines = ["\\data\\", f"ngram 1={len(vocabulary) + 1}"]
    lines += [f"ngram {n}={len(counts[n])}" for n in range(2, order + 1)]
    lines += ["", "\\1-grams:", f"-99.0000 <s> {log(backoff.get(('<s>',), 1.0))}"]
    for word in vocabulary:
        weight = backoff.get((word,))
        lines.append(f"{log(unigram[word])} {word}" + (f" {log(weight)}" if weight else ""))
    for n in range(2, order + 1):
        lines += ["", f"\\{n}-grams:"]
        for gram in sorted(counts[n]):
            weight = backoff.get(gram) if n < order else None
            text = f"{log(probability(gram[-1], gram[:-1]))} {' '.join(gram)}"
            lines.append(text + (f" {log(weight)}" if weight else ""))
    lines += ["", "\\end\\", ""]
    return "\n".join(lines)


class Recogniser:
    """One pocketsphinx decoder bound to a phrase model; decode() is per voiced segment."""

    def __init__(self, model: PhraseModel | None) -> None:
        import pocketsphinx

        pocketsphinx.set_loglevel("FATAL")
        base = model_dir() / "en-us"
        # Without a phrase list: the general en-us language model shipped in the wheel.
        self._decoder = pocketsphinx.Decoder(
            hmm=str(base / "en-us"),
            lm=str(model.lm_path if model else base / "en-us.lm.bin"),
            dict=str(model.dict_path if model else base / "cmudict-en-us.dict"),
            samprate=MODEL_RATE,
        )

    def decode(self, samples: audio.Samples, offset_ms: int = 0) -> list[Word]:
        """Words in ``samples`` (8 kHz), with times offset by ``offset_ms``."""
        pcm = audio.to_pcm16(audio.resample(samples, audio.RATE, MODEL_RATE))
        decoder = self._decoder
        decoder.start_utt()
        decoder.process_raw(pcm, no_search=False, full_utt=True)
        decoder.end_utt()
        if decoder.hyp() is None:
            return []
        logmath = decoder.get_logmath()
        words: list[Word] = []
        for segment in decoder.seg():
            text = re.sub(r"\(\d+\)$", "", segment.word)
            if text in FILLERS or text.startswith("["):
                continue
            confidence = min(1.0, max(0.0, logmath.exp(segment.prob)))
            words.append(
                Word(
                    text=text,
                    begin_ms=offset_ms + segment.start_frame * FRAME_MS,
                    end_ms=offset_ms + (segment.end_frame + 1) * FRAME_MS,
                    confidence=round(confidence, 4),
                )
            )
        return words


def decode_segments(
    model: PhraseModel | None, samples: audio.Samples, segments: Sequence[tuple[int, int]]
) -> list[list[Word]]:
    """Decode each (begin_ms, end_ms) segment of one channel; one word list per segment."""
    recogniser = Recogniser(model)
    results = []
    for begin_ms, end_ms in segments:
        piece = samples[begin_ms * audio.RATE // 1000 : end_ms * audio.RATE // 1000]
        results.append(recogniser.decode(piece, offset_ms=begin_ms))
    return results
