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
    return _NgramModel(sentences, order).arpa()


class _NgramModel:
    """Counts, discounted probabilities and back-off weights of one ARPA model."""

    def __init__(self, sentences: Sequence[Sequence[str]], order: int) -> None:
        self.order = order
        self.counts: list[Counter[tuple[str, ...]]] = [Counter() for _ in range(order + 1)]
        for sentence in sentences:
            self._count(("<s>", *sentence, "</s>"))
        self.vocabulary = sorted(g[0] for g in self.counts[1])
        total = sum(self.counts[1].values())
        size = total + len(self.vocabulary)
        self.unigram = {w: (self.counts[1][(w,)] + 1) / size for w in self.vocabulary}
        self.history_total: dict[tuple[str, ...], int] = defaultdict(int)
        self.followers: dict[tuple[str, ...], list[str]] = defaultdict(list)
        for n in range(2, order + 1):
            for gram, count in self.counts[n].items():
                self.history_total[gram[:-1]] += count
                self.followers[gram[:-1]].append(gram[-1])
        self.backoff: dict[tuple[str, ...], float] = {}
        for n in range(1, order):  # shorter histories first: longer ones use their weights
            for history in [h for h in self.followers if len(h) == n]:
                self.backoff[history] = self._backoff_weight(history)

    def _count(self, tokens: tuple[str, ...]) -> None:
        for n in range(1, self.order + 1):
            for i in range(len(tokens) - n + 1):
                gram = tokens[i : i + n]
                if gram != ("<s>",):
                    self.counts[n][gram] += 1

    def probability(self, word: str, history: tuple[str, ...]) -> float:
        if not history:
            return self.unigram.get(word, 1e-12)
        gram = (*history, word)
        if self.counts[len(gram)].get(gram):
            return (self.counts[len(gram)][gram] - DISCOUNT) / self.history_total[history]
        return self.backoff.get(history, 1.0) * self.probability(word, history[1:])

    def _backoff_weight(self, history: tuple[str, ...]) -> float:
        seen = self.followers[history]
        left = DISCOUNT * len(seen) / self.history_total[history]
        lower = sum(self.probability(w, history[1:]) for w in seen)
        return left / (1.0 - lower) if lower < 1.0 else 1e-9

    def arpa(self) -> str:
        lines = ["\\data\\", f"ngram 1={len(self.vocabulary) + 1}"]
        lines += [f"ngram {n}={len(self.counts[n])}" for n in range(2, self.order + 1)]
        lines += ["", "\\1-grams:", f"-99.0000 <s> {_log10(self.backoff.get(('<s>',), 1.0))}"]
        for word in self.vocabulary:
            weight = self.backoff.get((word,))
            suffix = f" {_log10(weight)}" if weight else ""
            lines.append(f"{_log10(self.unigram[word])} {word}{suffix}")
        for n in range(2, self.order + 1):
            lines += ["", f"\\{n}-grams:", *self._ngram_lines(n)]
        lines += ["", "\\end\\", ""]
        return "\n".join(lines)

    def _ngram_lines(self, n: int) -> list[str]:
        lines = []
        for gram in sorted(self.counts[n]):
            weight = self.backoff.get(gram) if n < self.order else None
            text = f"{_log10(self.probability(gram[-1], gram[:-1]))} {' '.join(gram)}"
            lines.append(text + (f" {_log10(weight)}" if weight else ""))
        return lines


def _log10(p: float) -> str:
    return f"{math.log10(max(p, 1e-12)):.4f}"


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
        words: list[Word] = []
        for segment in decoder.seg():
            text = re.sub(r"\(\d+\)$", "", segment.word)
            if text in FILLERS or text.startswith("["):
                continue
            # The word's posterior probability from the lattice. pocketsphinx 5's Python API
            # already returns it as a linear probability; taking logmath.exp of it again (as this
            # code once did) turned every word's confidence into 1.0.
            confidence = min(1.0, max(0.0, float(segment.prob)))
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
