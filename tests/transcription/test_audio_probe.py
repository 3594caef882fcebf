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


# --- the report's media line: container/codec, sample rate, channels ----------------------------
def test_chime_wav_is_described_as_16_bit_pcm() -> None:
    info = probe(support.wav_bytes(2), AudioFormat.WAV)
    assert info.describe() == "WAV/PCM 16-bit, 8000 Hz, 2 channels"


def test_extensible_wav_is_described_by_its_sub_format() -> None:
    """WAVE_FORMAT_EXTENSIBLE: the real format tag opens the sub-format GUID (byte 24)."""
    fmt = struct.pack("<HHIIHH", 0xFFFE, 1, 16000, 32000, 2, 16)
    fmt += struct.pack("<HHI", 22, 16, 4) + struct.pack("<H", 7) + b"\x00" * 14  # mu-law GUID
    head = b"RIFF" + struct.pack("<I", 100) + b"WAVE" + b"fmt " + struct.pack("<I", 40) + fmt
    assert probe(head, AudioFormat.WAV).describe() == "WAV/mu-law 16-bit, 16000 Hz, 1 channel"


def test_ogg_opus_is_described_as_opus() -> None:
    info = probe(support.opus_ogg_bytes(2), AudioFormat.OGG)
    assert info.describe() == "Ogg/Opus, 48000 Hz, 2 channels"


def test_ogg_vorbis_is_described_as_vorbis() -> None:
    ident = b"\x01vorbis" + struct.pack("<IBI", 0, 1, 8000) + b"\x00" * 16
    page = b"OggS" + bytes([0, 2]) + struct.pack("<qIII", 0, 1, 0, 0) + bytes([1, len(ident)])
    assert probe(page + ident, AudioFormat.OGG).describe() == "Ogg/Vorbis, 8000 Hz, 1 channel"
