"""Shared pieces for the local stack tests: a stereo call built from the shipped clips."""

from __future__ import annotations

import pytest

from callrec.local import audio, speech

LEFT = speech.Utterance("owner", "I am sorry to hear that. I can send you a new card today.")
RIGHT = speech.Utterance(
    "other", "Thanks for calling. My card fell into the water last week and I need a new one."
)


@pytest.fixture(scope="session")
def stereo_call() -> bytes:
    """~12 s stereo WAV: the customer on the right at 0.5 s, the owner on the left at 7 s."""
    right = audio.place(audio.silence(1), speech.speech_for(RIGHT), 0.5)
    left = audio.place(audio.silence(1), speech.speech_for(LEFT), 7.0)
    return audio.write_wav([left, right])
