"""Read the format, channel count and sample rate of a recording from its first bytes, without
decoding any audio.

WAV: the RIFF ``fmt `` chunk holds the channel count (WAVE_FORMAT_EXTENSIBLE keeps it in the
same place); the chunk list is walked from the first read and, when a chunk before ``fmt `` (a
large ``LIST``, say) runs past it, with further ranged reads at each chunk header. Ogg: the
first page carries the codec identification header: ``OpusHead``
(channel count at byte 9) or Vorbis (``\\x01vorbis``, channel count at byte 11).
:meth:`AudioInfo.describe` is the media line of the call report ("Ogg/Opus, 48000 Hz, 2
channels"): the transcription Lambda writes it into the call record from this probe, the one
reading of the header.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.errors import UnprocessableRecordingError
from chalicelib.recording_keys import AudioFormat

PROBE_BYTES = 8192  # one ranged read: every RIFF layout Chime writes, and one Ogg page
CHUNK_HEADER = 8  # RIFF chunk: 4-byte id, 4-byte little-endian size
FMT_BYTES = 16  # the PCM part of a fmt chunk: format, channels, rate, byte rate, align, bits
FMT_EXTENSIBLE_BYTES = 26  # ... then cbSize, valid bits, channel mask, the sub-format's tag
WAVE_FORMAT_EXTENSIBLE = 0xFFFE  # the real format tag is the sub-format GUID's first 2 bytes
# WAVE format tags (RFC 2361) a recorder may write; Chime writes PCM.
WAV_CODECS = {1: "PCM", 3: "IEEE float", 6: "A-law", 7: "mu-law"}
MAX_CHUNKS = 64  # chunks walked before the fmt chunk before the file counts as unreadable

# ``read_at(offset, length)``: up to ``length`` bytes of the object from ``offset`` (a ranged
# GET), for RIFF files whose fmt chunk lies beyond the first read (e.g. a large LIST first).
Reader = Callable[[int, int], bytes]


@dataclass(frozen=True)
class AudioInfo:
    audio_format: AudioFormat
    channels: int
    sample_rate: int
    byte_rate: int = 0  # WAV: average bytes per second, from the fmt chunk (0 when unknown)
    codec: str = ""  # "PCM 16-bit", "Opus", "Vorbis", ... ('' when unknown)

    @property
    def is_mono(self) -> bool:
        return self.channels == 1

    def describe(self) -> str:
        """The container, codec, sample rate and channels: "WAV/PCM 16-bit, 8000 Hz, 2 channels"."""
        container = "WAV" if self.audio_format is AudioFormat.WAV else "Ogg"
        kind = f"{container}/{self.codec}" if self.codec else container
        plural = "" if self.channels == 1 else "s"
        return f"{kind}, {self.sample_rate} Hz, {self.channels} channel{plural}"

    def seconds_for(self, size: int) -> float | None:
        """Duration of ``size`` bytes of audio at the declared byte rate (None when unknown)."""
        return size / self.byte_rate if self.byte_rate else None


def probe(head: bytes, audio_format: AudioFormat, read_at: Reader | None = None) -> AudioInfo:
    """Return the channel count and sample rate from the first bytes of a recording."""
    if not head:
        raise UnprocessableRecordingError(
            "the recording is empty", hint="the recorder wrote no audio; nothing to transcribe"
        )
    if audio_format is AudioFormat.WAV:
        return _probe_wav(head, read_at or _nothing_beyond(head))
    return _probe_ogg(head)


def _probe_wav(head: bytes, read_at: Reader) -> AudioInfo:
    if len(head) < 12 or head[:4] not in (b"RIFF", b"RF64") or head[8:12] != b"WAVE":
        raise _corrupt("WAV", "it does not start with a RIFF/WAVE header")
    offset = 12
    for _ in range(MAX_CHUNKS):
        header = _bytes_at(head, read_at, offset, CHUNK_HEADER)
        if len(header) < CHUNK_HEADER:
            raise _corrupt("WAV", f"no fmt chunk: it ends after {offset} bytes")
        chunk_id = header[:4]
        (size,) = struct.unpack_from("<I", header, 4)
        body = offset + CHUNK_HEADER
        if chunk_id == b"fmt ":
            wanted = FMT_EXTENSIBLE_BYTES if size >= FMT_EXTENSIBLE_BYTES else FMT_BYTES
            return _fmt_chunk(_bytes_at(head, read_at, body, wanted), size)
        offset = body + size + (size & 1)  # chunks are padded to an even size
    raise _corrupt("WAV", f"no fmt chunk among its first {MAX_CHUNKS} chunks")


def _fmt_chunk(fmt: bytes, size: int) -> AudioInfo:
    if size < FMT_BYTES or len(fmt) < FMT_BYTES:
        raise _corrupt("WAV", "its fmt chunk is truncated")
    tag, channels, rate, byte_rate = struct.unpack_from("<HHII", fmt)
    (bits,) = struct.unpack_from("<H", fmt, 14)
    if tag == WAVE_FORMAT_EXTENSIBLE and len(fmt) >= FMT_EXTENSIBLE_BYTES:
        (tag,) = struct.unpack_from("<H", fmt, 24)
    codec = WAV_CODECS.get(tag, f"format 0x{tag:04x}")
    if bits:
        codec += f" {bits}-bit"
    return _checked(AudioFormat.WAV, channels, rate, byte_rate, codec)


def _bytes_at(head: bytes, read_at: Reader, offset: int, length: int) -> bytes:
    """``length`` bytes from ``offset``: from the first read when it holds them, else fetched."""
    if offset + length <= len(head):
        return head[offset : offset + length]
    return read_at(offset, length)


def _nothing_beyond(head: bytes) -> Reader:
    return lambda offset, length: head[offset : offset + length]


def _probe_ogg(head: bytes) -> AudioInfo:
    if len(head) < 27 or head[:4] != b"OggS":
        raise _corrupt("Ogg", "it does not start with an Ogg page")
    segments = head[26]
    packet_start = 27 + segments
    packet = head[packet_start : packet_start + sum(head[27:packet_start])]
    if packet.startswith(b"OpusHead") and len(packet) >= 19:
        channels = packet[9]
        (rate,) = struct.unpack_from("<I", packet, 12)
        return _checked(AudioFormat.OGG, channels, rate or 48000, codec="Opus")
    if packet.startswith(b"\x01vorbis") and len(packet) >= 16:
        channels = packet[11]
        (rate,) = struct.unpack_from("<I", packet, 12)
        return _checked(AudioFormat.OGG, channels, rate, codec="Vorbis")
    raise _corrupt("Ogg", "its first packet is neither an OpusHead nor a Vorbis header")


def _checked(
    audio_format: AudioFormat, channels: int, rate: int, byte_rate: int = 0, codec: str = ""
) -> AudioInfo:
    if channels < 1 or rate < 1:
        raise _corrupt(audio_format.value.upper(), f"it declares {channels} channels at {rate} Hz")
    return AudioInfo(audio_format, channels, rate, byte_rate, codec)


def _corrupt(kind: str, why: str) -> UnprocessableRecordingError:
    return UnprocessableRecordingError(
        f"the recording is not a readable {kind} file: {why}",
        hint="check the recorder's output; the object cannot be transcribed as it is",
    )
