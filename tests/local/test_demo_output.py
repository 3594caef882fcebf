"""The demo's call stage shows what the SMA handler answered, one compact line per invocation."""

from __future__ import annotations

from callrec.local.demo import DEFAULT_SCENARIO, invocation_lines
from callrec.simulation import run


def test_one_line_per_invocation_with_the_returned_actions_and_leg_tags() -> None:
    outcome = run(DEFAULT_SCENARIO)
    lines = invocation_lines(outcome.transcript.steps)

    assert len(lines) == len(outcome.transcript.steps)
    assert lines[0].endswith("#1 NEW_INBOUND_CALL -> PlayAudioAndGetDigits enter-pin.wav on LEG-A")
    # The owner's PIN is never echoed; the number they dial is.
    assert "(PlayAudioAndGetDigits, digits ****) -> PlayAudioAndGetDigits enter-number" in lines[1]
    assert "(PlayAudioAndGetDigits, digits 2065550123)" in lines[2]
    assert "CallAndBridge +12065550123 from +15555550199" in lines[2]
    assert "StartCallRecording BOTH on LEG-A to callrec-recordings/recordings" in lines[3]
    assert "PlayAudio consent.wav on LEG-B" in lines[3]
    assert "HANGUP (LEG-B hung up) -> Hangup on LEG-A" in lines[5]
    assert lines[-1].endswith("-> no actions")
    # Call ids never leak into the summary: legs are named as Chime tags them.
    assert not any("sim-demo-call-leg" in line for line in lines)
