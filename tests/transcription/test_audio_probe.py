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


def _wav_with_list_chunk_first(list_bytes: int) -> bytes:
    """A valid stereo WAV whose LIST chunk (metadata) comes before its fmt chunk."""
    listing = b"LIST" + struct.pack("<I", list_bytes) + b"\x00" * list_bytes
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 2, 8000, 32000, 4, 16)
    data = b"data" + struct.pack("<I", 64) + b"\x00" * 64
    body = b"WAVE" + listing + fmt + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def test_fmt_chunk_beyond_the_first_read_is_found_with_ranged_reads() -> None:
    from chalicelib.transcription.audio_probe import PROBE_BYTES

    whole = _wav_with_list_chunk_first(20_000)
    reads: list[tuple[int, int]] = []

    def read_at(offset: int, length: int) -> bytes:
        reads.append((offset, length))
        return whole[offset : offset + length]

    info = probe(whole[:PROBE_BYTES], AudioFormat.WAV, read_at)
    assert (info.channels, info.sample_rate, info.byte_rate) == (2, 8000, 32000)
    assert reads and all(offset >= PROBE_BYTES - 8 for offset, _ in reads)


def test_wav_that_ends_inside_its_chunk_list_is_unprocessable() -> None:
    whole = _wav_with_list_chunk_first(20_000)[:12_000]  # cut before the fmt chunk
    with pytest.raises(UnprocessableRecordingError, match="no fmt chunk"):
        probe(whole[:8192], AudioFormat.WAV, lambda offset, length: whole[offset : offset + length])
