"""Read the channel count of a recording from its first bytes, without decoding any audio.

WAV: the RIFF ``fmt `` chunk holds the channel count (WAVE_FORMAT_EXTENSIBLE keeps it in the
same place). Ogg: the first page carries the codec identification header: ``OpusHead``
(channel count at byte 9) or Vorbis (``\\x01vorbis``, channel count at byte 11).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from chalicelib.errors import UnprocessableRecordingError
from chalicelib.recording_keys import AudioFormat

PROBE_BYTES = 8192  # enough for every RIFF layout Chime and Transcribe produce, and one Ogg page


@dataclass(frozen=True)
class AudioInfo:
    audio_format: AudioFormat
    channels: int
    sample_rate: int

    @property
    def is_mono(self) -> bool:
        return self.channels == 1


def probe(head: bytes, audio_format: AudioFormat) -> AudioInfo:
    """Return the channel count and sample rate from the first bytes of a recording."""
    if not head:
        raise UnprocessableRecordingError(
            "the recording is empty", hint="the recorder wrote no audio; nothing to transcribe"
        )
    if audio_format is AudioFormat.WAV:
        return _probe_wav(head)
    return _probe_ogg(head)


def _probe_wav(head: bytes) -> AudioInfo:
    if len(head) < 12 or head[:4] not in (b"RIFF", b"RF64") or head[8:12] != b"WAVE":
        raise _corrupt("WAV", "it does not start with a RIFF/WAVE header")
    offset = 12
    while offset + 8 <= len(head):
        chunk_id = head[offset : offset + 4]
        (size,) = struct.unpack_from("<I", head, offset + 4)
        body = offset + 8
        if chunk_id == b"fmt ":
            if size < 16 or body + 16 > len(head):
                raise _corrupt("WAV", "its fmt chunk is truncated")
            _, channels, rate = struct.unpack_from("<HHI", head, body)
            return _checked(AudioFormat.WAV, channels, rate)
        offset = body + size + (size & 1)  # chunks are padded to an even size
    raise _corrupt("WAV", f"no fmt chunk within its first {len(head)} bytes")


def _probe_ogg(head: bytes) -> AudioInfo:
    if len(head) < 27 or head[:4] != b"OggS":
        raise _corrupt("Ogg", "it does not start with an Ogg page")
    segments = head[26]
    packet_start = 27 + segments
    packet = head[packet_start : packet_start + sum(head[27:packet_start])]
    if packet.startswith(b"OpusHead") and len(packet) >= 19:
        channels = packet[9]
        (rate,) = struct.unpack_from("<I", packet, 12)
        return _checked(AudioFormat.OGG, channels, rate or 48000)
    if packet.startswith(b"\x01vorbis") and len(packet) >= 16:
        channels = packet[11]
        (rate,) = struct.unpack_from("<I", packet, 12)
        return _checked(AudioFormat.OGG, channels, rate)
    raise _corrupt("Ogg", "its first packet is neither an OpusHead nor a Vorbis header")


def _checked(audio_format: AudioFormat, channels: int, rate: int) -> AudioInfo:
    if channels < 1 or rate < 1:
        raise _corrupt(audio_format.value.upper(), f"it declares {channels} channels at {rate} Hz")
    return AudioInfo(audio_format=audio_format, channels=channels, sample_rate=rate)


def _corrupt(kind: str, why: str) -> UnprocessableRecordingError:
    return UnprocessableRecordingError(
        f"the recording is not a readable {kind} file: {why}",
        hint="check the recorder's output; the object cannot be transcribed as it is",
    )
