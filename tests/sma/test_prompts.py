"""Every prompt the flow plays ships in infra/prompts/ in the format PlayAudio takes (WAV, 8 kHz,
mono, 16-bit PCM), and its spoken text is listed in PROMPTS.md."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from chalicelib.sma.prompts import Prompt

PROMPTS = Path(__file__).resolve().parent.parent.parent / "infra" / "prompts"


@pytest.mark.parametrize("prompt", list(Prompt), ids=[p.value for p in Prompt])
def test_prompt_file_is_8khz_mono_16bit_pcm(prompt: Prompt) -> None:
    with wave.open(str(PROMPTS / prompt.value)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (8000, 1, 2)
        assert wav.getnframes() > 8000 * 0.5  # at least half a second of speech


def test_every_prompt_has_its_text_listed() -> None:
    listed = (PROMPTS / "PROMPTS.md").read_text()
    missing = [p.value for p in Prompt if f"`{p.value}`" not in listed]
    assert missing == []


def test_no_stray_prompt_files() -> None:
    shipped = {p.name for p in PROMPTS.glob("*.wav")}
    assert shipped == {p.value for p in Prompt}
