"""The stereo recording Chime writes for ``StartCallRecording``, built from the call's audio.

What the recorded leg hears and says, on the call's clock (seconds since the call started):

* incoming track (left, channel 0): the speech of the party on the recorded leg;
* outgoing track (right, channel 1): what the SIP media application sends to that leg — the
  prompts played to it and, while the call is bridged, the other party's speech.

``Track: INCOMING`` or ``OUTGOING`` gives a mono file of that track. Between Pause and Resume the
recording carries silence, and each pause and resume is marked with a tone (Chime SDK developer
guide, "Using call recording"); the pauses count towards the duration. The object key and the
object metadata (``transaction-id``, ``call-id``, ``recording-duration``,
``recording-audio-file-format``) are those documented for StartCallRecording.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from callrec.local import audio

TONE_HZ = 1000.0
TONE_SECONDS = 0.2
WAV_MEDIA_TYPE = "audio/wav"


class Track(StrEnum):
    BOTH = "BOTH"
    INCOMING = "INCOMING"
    OUTGOING = "OUTGOING"


@dataclass(frozen=True)
class Sound:
    at: float
    samples: audio.Samples
    label: str


@dataclass
class LegAudio:
    """Everything a leg says (``spoken``) and is sent by the SMA itself (``prompts``)."""

    spoken: list[Sound] = field(default_factory=list)
    prompts: list[Sound] = field(default_factory=list)


@dataclass
class Recording:
    """One StartCallRecording on one leg, and its pause/resume/stop marks."""

    transaction_id: str
    call_id: str
    leg: str
    other_leg: str
    track: Track
    bucket: str
    key: str
    started_at: float
    pauses: list[tuple[float, float | None]] = field(default_factory=list)
    stopped_at: float | None = None

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1][1] is None

    def pause(self, at: float) -> None:
        if not self.paused and self.stopped_at is None:
            self.pauses.append((at, None))

    def resume(self, at: float) -> None:
        if self.paused:
            self.pauses[-1] = (self.pauses[-1][0], at)

    def stop(self, at: float) -> None:
        if self.stopped_at is None:
            if self.paused:
                self.resume(at)
            self.stopped_at = at

    def duration(self, call_end: float) -> float:
        end = self.stopped_at if self.stopped_at is not None else call_end
        return max(0.0, end - self.started_at)

    def metadata(self, call_end: float) -> dict[str, str]:
        return {
            "transaction-id": self.transaction_id,
            "call-id": self.call_id,
            "recording-duration": f"{self.duration(call_end):.3f}",
            "recording-audio-file-format": WAV_MEDIA_TYPE,
        }


def _window(sounds: list[Sound], start: float, end: float) -> audio.Samples:
    """Mix ``sounds`` into a buffer covering [start, end) on the call clock."""
    track = audio.silence(end - start)
    for sound in sounds:
        offset = sound.at - start
        samples = sound.samples
        if offset < 0:  # began before the recording: keep only the part inside it
            samples = samples[round(-offset * audio.RATE) :]
            offset = 0.0
        if offset < end - start and len(samples):
            track = audio.place(track, samples, offset)
    return track[: len(audio.silence(end - start))]


def render(
    recording: Recording,
    legs: dict[str, LegAudio],
    bridged: list[tuple[float, float]],
    call_end: float,
) -> bytes:
    """The WAV bytes of ``recording`` given every leg's audio and the bridged intervals."""
    start = recording.started_at
    end = recording.stopped_at if recording.stopped_at is not None else call_end
    own = legs.get(recording.leg, LegAudio())
    other = legs.get(recording.other_leg, LegAudio())
    heard_from_other = [s for s in other.spoken if any(b0 <= s.at < b1 for b0, b1 in bridged)]
    incoming = _window(own.spoken, start, end)
    outgoing = _window(own.prompts + heard_from_other, start, end)
    for pause_start, pause_end in recording.pauses:
        _silence_between(incoming, outgoing, start, pause_start, pause_end or end)
        _mark(incoming, outgoing, pause_start - start)
        if pause_end is not None and pause_end < end:
            _mark(incoming, outgoing, pause_end - start)
    if recording.track is Track.INCOMING:
        return audio.write_wav([incoming])
    if recording.track is Track.OUTGOING:
        return audio.write_wav([outgoing])
    return audio.write_wav([incoming, outgoing])


def _silence_between(
    incoming: audio.Samples, outgoing: audio.Samples, origin: float, begin: float, end: float
) -> None:
    first = max(0, round((begin - origin) * audio.RATE))
    last = max(first, round((end - origin) * audio.RATE))
    incoming[first:last] = 0.0
    outgoing[first:last] = 0.0


def _mark(incoming: audio.Samples, outgoing: audio.Samples, offset: float) -> None:
    beep = audio.tone(TONE_HZ, TONE_SECONDS)
    first = max(0, round(offset * audio.RATE))
    for track in (incoming, outgoing):
        piece = beep[: max(0, len(track) - first)]
        track[first : first + len(piece)] = np.clip(
            track[first : first + len(piece)] + piece, -1, 1
        )
