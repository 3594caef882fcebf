"""Speech for the scripted parties: WAV clips shipped in the repository, or espeak-ng.

The default demo uses only the committed clips (``clips/index.json`` maps each utterance's text
to its file), so nothing is synthesised or downloaded at run time. A scenario with new text is
synthesised with espeak-ng when it is installed; otherwise it fails with a hint.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from callrec.local import audio
from chalicelib.errors import CallRecError

CLIPS_DIR = Path(__file__).resolve().parent / "clips"
INDEX_FILE = CLIPS_DIR / "index.json"

# Distinct voices so the two channels do not sound like one speaker.
VOICES = {"owner": "en-us+klatt", "other": "en-us+f5", "default": "en-us"}
WORDS_PER_MINUTE = 130
SYNTH_TIMEOUT_S = 30


class SpeechUnavailableError(CallRecError):
    """An utterance has neither a shipped clip nor a way to synthesise it."""

    code = "SpeechUnavailable"


@dataclass(frozen=True)
class Utterance:
    party: str
    text: str
    clip: str | None = None


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9' ]", " ", text.lower())).strip()


def slug(party: str, text: str) -> str:
    words = normalise(text).replace("'", "").split()[:8]
    return f"{party}-" + "-".join(words)


def load_index() -> dict[str, str]:
    if not INDEX_FILE.exists():
        return {}
    entries: dict[str, str] = json.loads(INDEX_FILE.read_text())
    return entries


def index_key(party: str, text: str) -> str:
    return f"{party}|{normalise(text)}"


def espeak_binary() -> str | None:
    return shutil.which("espeak-ng") or shutil.which("espeak")


def synthesise(text: str, party: str) -> bytes:
    """WAV bytes of ``text`` spoken by espeak-ng in the party's voice (raises when absent)."""
    binary = espeak_binary()
    if binary is None:
        raise SpeechUnavailableError(
            f"no clip for {party!r} saying {text!r} and espeak-ng is not installed",
            hint="install espeak-ng (apt-get install espeak-ng) or add a clip: to the utterance",
        )
    voice = VOICES.get(party, VOICES["default"])
    result = subprocess.run(
        [binary, "-v", voice, "-s", str(WORDS_PER_MINUTE), "--stdout", text],
        capture_output=True,
        check=False,
        timeout=SYNTH_TIMEOUT_S,
    )
    if result.returncode != 0 or not result.stdout:
        raise SpeechUnavailableError(
            f"espeak-ng failed for {text!r}: {result.stderr.decode(errors='replace').strip()}",
            hint="check the espeak-ng installation",
        )
    return result.stdout


def speech_for(utterance: Utterance, base_dir: Path | None = None) -> audio.Samples:
    """8 kHz samples of the utterance: explicit clip, shipped clip, or espeak-ng."""
    if utterance.clip:
        path = Path(utterance.clip)
        if not path.is_absolute():
            candidates = [(base_dir or Path.cwd()) / path, CLIPS_DIR / path]
            path = next((c for c in candidates if c.exists()), candidates[0])
        if not path.exists():
            raise SpeechUnavailableError(
                f"clip {utterance.clip!r} not found", hint="give a path relative to the scenario"
            )
        return trim(audio.read_mono(path))
    shipped = load_index().get(index_key(utterance.party, utterance.text))
    if shipped:
        return trim(audio.read_mono(CLIPS_DIR / shipped))
    return trim(audio.read_mono(synthesise(utterance.text, utterance.party)))


def trim(samples: audio.Samples, threshold_dbfs: float = -50.0) -> audio.Samples:
    """Drop leading and trailing silence so the scenario's timing is the speech's timing."""
    import numpy as np

    frame = audio.RATE // 100
    loud = [
        i
        for i in range(0, len(samples) - frame + 1, frame)
        if audio.rms_dbfs(samples[i : i + frame]) > threshold_dbfs
    ]
    if not loud:
        return np.asarray(samples, dtype=np.float32)
    return samples[loud[0] : loud[-1] + frame]


def build_clips(utterances: list[Utterance]) -> list[Path]:
    """Dev-time: synthesise every utterance into clips/ and update the index (8 kHz WAV)."""
    CLIPS_DIR.mkdir(parents=True, exist_ok=True)
    index = load_index()
    written: list[Path] = []
    for utterance in utterances:
        samples = audio.read_mono(synthesise(utterance.text, utterance.party))
        name = slug(utterance.party, utterance.text) + ".wav"
        (CLIPS_DIR / name).write_bytes(audio.write_wav([samples]))
        index[index_key(utterance.party, utterance.text)] = name
        written.append(CLIPS_DIR / name)
    INDEX_FILE.write_text(json.dumps(index, indent=2, sort_keys=True) + "\n")
    return written
