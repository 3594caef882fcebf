from __future__ import annotations

import importlib
import struct

import pytest

from chalicelib.errors import UnprocessableRecordingError
from chalicelib.recording_keys import AudioFormat
from chalicelib.transcription.audio_probe import probe

support = importlib.import_module("tests.transcription.conftest")


@pytest.mark.parametrize("channels", [1, 2])
def test_wav_channel_count(channels: int) -> None:
    info = probe(support.wav_bytes(channels), AudioFormat.WAV)
    assert (info.channels, info.sample_rate, info.is_mono) == (channels, 8000, channels == 1)


def test_wav_fmt_chunk_after_another_chunk() -> None:
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 2, 16000, 64000, 4, 16)
    junk = b"LIST" + struct.pack("<I", 5) + b"abcde" + b"\x00"  # odd size, padded
    head = b"RIFF" + struct.pack("<I", 100) + b"WAVE" + junk + fmt
    assert probe(head, AudioFormat.WAV).channels == 2


@pytest.mark.parametrize("channels", [1, 2])
def test_opus_channel_count(channels: int) -> None:
    info = probe(support.opus_ogg_bytes(channels), AudioFormat.OGG)
    assert (info.channels, info.sample_rate) == (channels, 48000)


def test_empty_recording_is_unprocessable() -> None:
    with pytest.raises(UnprocessableRecordingError, match="empty"):
        probe(b"", AudioFormat.WAV)


def test_corrupt_wav_is_unprocessable() -> None:
    with pytest.raises(UnprocessableRecordingError, match="RIFF/WAVE"):
        probe(b"ID3\x04garbage-not-a-wav-file", AudioFormat.WAV)


def test_wav_without_fmt_chunk_is_unprocessable() -> None:
    head = b"RIFF" + struct.pack("<I", 100) + b"WAVE" + b"data" + struct.pack("<I", 4) + b"\0" * 4
    with pytest.raises(UnprocessableRecordingError, match="no fmt chunk"):
        probe(head, AudioFormat.WAV)


def test_ogg_without_codec_header_is_unprocessable() -> None:
    with pytest.raises(UnprocessableRecordingError, match="OpusHead"):
        probe(b"OggS" + b"\x00" * 22 + b"\x01\x04" + b"junk", AudioFormat.OGG)
