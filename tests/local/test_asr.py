"""The phrase-list language model and the recogniser on shipped speech."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from callrec.local import audio, speech
from callrec.local.transcribe.asr import PhraseModel, Recogniser, arpa_bigram, words_of


def test_words_are_lowercased_with_apostrophes_kept() -> None:
    assert words_of("I'm Calling, about it.") == ["i'm", "calling", "about", "it"]


def test_arpa_model_lists_its_ngrams() -> None:
    text = arpa_bigram([["hello", "world"]])
    assert "ngram 1=4" in text and "ngram 2=3" in text and "hello world" in text


def test_unknown_words_are_reported_not_guessed(tmp_path: Path) -> None:
    model = PhraseModel.compile(["hello zorblax"], tmp_path)
    assert model.unknown == {"zorblax"} and model.vocabulary == {"hello"}


def test_recogniser_hears_a_shipped_clip(tmp_path: Path) -> None:
    line = speech.Utterance("other", "No, that is everything. Thank you so much for your help.")
    model = PhraseModel.compile([line.text, "Please enter the number you want to call."], tmp_path)
    samples = np.concatenate([audio.silence(0.3), speech.speech_for(line), audio.silence(0.3)])
    words = Recogniser(model).decode(samples, offset_ms=1000)
    text = " ".join(w.text for w in words)
    assert "everything thank you" in text and text.endswith("for your help")
    assert words[0].begin_ms >= 1000 and all(w.end_ms > w.begin_ms for w in words)


def test_word_confidence_is_the_recogniser_posterior_not_a_constant(tmp_path: Path) -> None:
    lines = [
        speech.Utterance("other", "Goodbye."),
        speech.Utterance("other", "No, that is everything. Thank you so much for your help."),
    ]
    model = PhraseModel.compile([line.text for line in lines], tmp_path)
    recogniser = Recogniser(model)
    confidences = [
        w.confidence
        for line in lines
        for w in recogniser.decode(np.concatenate([audio.silence(0.3), speech.speech_for(line)]))
    ]
    assert all(0.0 <= c <= 1.0 for c in confidences)
    assert min(confidences) < 0.9  # some words are doubtful
    assert len(set(confidences)) > 3  # and they differ word by word
