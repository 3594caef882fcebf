"""Speech for the parties: shipped clips first, espeak-ng only when installed and needed."""

from __future__ import annotations

import pytest

from callrec.local import speech
from callrec.local.demo import DEFAULT_SCENARIO
from callrec.simulation import load


def test_every_line_of_the_default_demo_has_a_shipped_clip() -> None:
    index = speech.load_index()
    scenario = load(DEFAULT_SCENARIO)
    for utterance in scenario.utterances:
        voice = "owner" if utterance.party.value in ("owner", "caller") else "other"
        assert speech.index_key(voice, utterance.text) in index, utterance.text
        assert (speech.CLIPS_DIR / index[speech.index_key(voice, utterance.text)]).exists()


def test_shipped_clip_is_trimmed_speech_at_8khz() -> None:
    samples = speech.speech_for(speech.Utterance("other", "Goodbye."))
    assert 0.4 < len(samples) / 8000 < 1.5


def test_new_text_without_espeak_fails_with_a_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(speech, "espeak_binary", lambda: None)
    with pytest.raises(speech.SpeechUnavailableError) as error:
        speech.speech_for(speech.Utterance("owner", "A sentence nobody recorded."))
    assert "espeak-ng" in str(error.value) and error.value.code == "SpeechUnavailable"


def test_missing_clip_file_is_reported() -> None:
    with pytest.raises(speech.SpeechUnavailableError, match="not found"):
        speech.speech_for(speech.Utterance("owner", "x", clip="no/such.wav"))


@pytest.mark.skipif(speech.espeak_binary() is None, reason="espeak-ng is not installed")
def test_new_text_is_synthesised_when_espeak_is_installed() -> None:
    samples = speech.speech_for(speech.Utterance("owner", "Hello there."))
    assert len(samples) > 4000
