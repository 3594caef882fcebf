"""The recording Chime writes: channels, pauses with tones, duration and metadata."""

from __future__ import annotations

import numpy as np

from callrec.local import audio, recording
from callrec.local.recording import LegAudio, Recording, Sound, Track


def rec(**changes: object) -> Recording:
    values: dict[str, object] = {
        "transaction_id": "tx-1",
        "call_id": "call-a",
        "leg": "LEG-A",
        "other_leg": "LEG-B",
        "track": Track.BOTH,
        "bucket": "b",
        "key": "k.wav",
        "started_at": 1.0,
    }
    values.update(changes)
    return Recording(**values)  # type: ignore[arg-type]


def legs() -> dict[str, LegAudio]:
    return {
        "LEG-A": LegAudio(spoken=[Sound(2.0, audio.tone(300, 1.0), "owner")]),
        "LEG-B": LegAudio(
            spoken=[Sound(4.0, audio.tone(500, 1.0), "other")],
            prompts=[Sound(1.0, audio.tone(700, 0.5), "consent.wav")],
        ),
    }


def level(frames: np.ndarray, channel: int, begin: float, end: float) -> float:
    return audio.rms_dbfs(frames[round(begin * 8000) : round(end * 8000), channel])


def test_left_is_the_recorded_leg_and_right_what_it_hears() -> None:
    body = recording.render(rec(), legs(), bridged=[(0.0, 10.0)], call_end=6.0)
    frames, rate = audio.read_wav(body)
    assert rate == 8000 and frames.shape == (5 * 8000, 2)
    assert level(frames, 0, 1.2, 1.8) > -20  # owner says at 2 s -> 1 s into the recording
    assert level(frames, 1, 1.2, 1.8) < -60
    assert level(frames, 1, 3.2, 3.8) > -20  # the other party at 4 s, over the bridge


def test_other_party_is_not_heard_before_the_bridge() -> None:
    body = recording.render(rec(), legs(), bridged=[(5.0, 10.0)], call_end=6.0)
    frames, _ = audio.read_wav(body)
    assert level(frames, 1, 3.2, 3.8) < -60


def test_prompts_played_to_the_other_leg_are_not_on_this_recording() -> None:
    body = recording.render(rec(), legs(), bridged=[], call_end=6.0)
    frames, _ = audio.read_wav(body)
    assert level(frames, 1, 0.0, 0.5) < -60


def test_pause_records_silence_between_two_tones() -> None:
    paused = rec()
    paused.pause(2.5)
    paused.resume(4.5)
    body = recording.render(paused, legs(), bridged=[(0.0, 10.0)], call_end=6.0)
    frames, _ = audio.read_wav(body)
    assert level(frames, 0, 1.55, 1.7) > -30  # tone at the pause (1.5 s into the file)
    assert level(frames, 0, 1.8, 3.4) < -60  # silence while paused
    assert level(frames, 1, 3.55, 3.65) > -30  # tone at the resume
    assert paused.duration(call_end=6.0) == 5.0  # pauses count


def test_single_track_is_mono() -> None:
    body = recording.render(rec(track=Track.INCOMING), legs(), bridged=[], call_end=6.0)
    frames, _ = audio.read_wav(body)
    assert frames.shape[1] == 1


def test_metadata_has_the_documented_names() -> None:
    stopped = rec()
    stopped.stop(4.25)
    assert stopped.metadata(call_end=9.0) == {
        "transaction-id": "tx-1",
        "call-id": "call-a",
        "recording-duration": "3.250",
        "recording-audio-file-format": "audio/wav",
    }
