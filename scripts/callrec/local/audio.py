"""8 kHz 16-bit PCM audio: WAV in and out, tones, silence, resampling, levels.

Chime's PSTN audio and its call recordings are 8 kHz, 16-bit linear PCM; every buffer in the
local stack is a float32 numpy array in [-1, 1] at that rate until it is written out.
"""

from __future__ import annotations

import io
import wave
from pathlib import Path
from typing import Any

import numpy as np

RATE = 8000
SAMPLE_WIDTH = 2
Samples = Any  # numpy.ndarray of float32; numpy typing stays out of mypy's way here


def silence(seconds: float) -> Samples:
    return np.zeros(max(0, round(seconds * RATE)), dtype=np.float32)


def tone(frequency: float, seconds: float, level: float = 0.3) -> Samples:
    """A sine beep with 5 ms ramps (no clicks)."""
    count = max(0, round(seconds * RATE))
    t = np.arange(count, dtype=np.float32) / RATE
    signal = level * np.sin(2 * np.pi * frequency * t).astype(np.float32)
    ramp = min(count // 2, RATE // 200)
    if ramp:
        envelope = np.linspace(0.0, 1.0, ramp, dtype=np.float32)
        signal[:ramp] *= envelope
        signal[-ramp:] *= envelope[::-1]
    return signal


def resample(samples: Samples, source_rate: int, target_rate: int = RATE) -> Samples:
    """Band-limited resampling by FFT (clips are short; exactness beats speed here)."""
    if source_rate == target_rate or len(samples) == 0:
        return np.asarray(samples, dtype=np.float32)
    count = round(len(samples) * target_rate / source_rate)
    spectrum = np.fft.rfft(samples)
    keep = count // 2 + 1
    if keep <= len(spectrum):
        spectrum = spectrum[:keep]
    else:
        spectrum = np.concatenate([spectrum, np.zeros(keep - len(spectrum), dtype=complex)])
    return (np.fft.irfft(spectrum, count) * (count / len(samples))).astype(np.float32)


def read_wav(data: bytes | Path) -> tuple[Samples, int]:
    """Decode a 16-bit PCM WAV; returns (samples shaped (frames, channels), rate)."""
    source: Any = io.BytesIO(data) if isinstance(data, bytes) else str(data)
    with wave.open(source, "rb") as reader:
        if reader.getsampwidth() != SAMPLE_WIDTH:
            raise ValueError(
                f"only 16-bit PCM WAV is supported, got {8 * reader.getsampwidth()}-bit"
            )
        channels = reader.getnchannels()
        rate = reader.getframerate()
        raw = reader.readframes(reader.getnframes())
    pcm = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    return pcm.reshape(-1, channels), rate


def read_media(data: bytes) -> tuple[Samples, int]:
    """Decode a recording as Chime writes them: 16-bit PCM WAV, or Ogg/Opus (media insights).

    Returns (samples shaped (frames, channels), rate). Raises ValueError for anything else.
    """
    if data[:4] == b"OggS":
        import soundfile

        try:
            decoded, rate = soundfile.read(io.BytesIO(data), dtype="float32", always_2d=True)
        except (RuntimeError, soundfile.LibsndfileError) as error:
            raise ValueError(f"the Ogg stream cannot be decoded: {error}") from error
        return np.asarray(decoded, dtype=np.float32), int(rate)
    if data[:4] == b"RIFF":
        return read_wav(data)
    raise ValueError("the media is neither a WAV (RIFF) nor an Ogg (OggS) file")


def read_mono(data: bytes | Path, rate: int = RATE) -> Samples:
    """A WAV as one channel at ``rate`` (channels averaged)."""
    frames, source_rate = read_wav(data)
    return resample(frames.mean(axis=1), source_rate, rate)


def to_pcm16(samples: Samples) -> bytes:
    clipped = np.clip(np.asarray(samples, dtype=np.float32), -1.0, 32767 / 32768)
    return (clipped * 32768.0).astype("<i2").tobytes()


def write_wav(channels: list[Samples], rate: int = RATE) -> bytes:
    """Interleave equal-length channels into a 16-bit PCM WAV (channel 0 = left)."""
    length = max((len(c) for c in channels), default=0)
    padded = [np.pad(np.asarray(c, dtype=np.float32), (0, length - len(c))) for c in channels]
    interleaved = np.stack(padded, axis=1).reshape(-1) if padded else np.zeros(0, np.float32)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(len(channels))
        writer.setsampwidth(SAMPLE_WIDTH)
        writer.setframerate(rate)
        writer.writeframes(to_pcm16(interleaved))
    return buffer.getvalue()


def rms_dbfs(samples: Samples) -> float:
    """Root-mean-square level in dB relative to full scale (-120 for digital silence)."""
    if len(samples) == 0:
        return -120.0
    power = float(np.mean(np.square(np.asarray(samples, dtype=np.float64))))
    return max(-120.0, 10.0 * np.log10(power)) if power > 0 else -120.0


def place(track: Samples, clip: Samples, at_s: float) -> Samples:
    """Mix ``clip`` into ``track`` starting at ``at_s`` seconds, growing the track if needed."""
    start = round(at_s * RATE)
    end = start + len(clip)
    if end > len(track):
        track = np.pad(track, (0, end - len(track)))
    track[start:end] += clip
    return track
