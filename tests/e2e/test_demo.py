"""`callrec demo` end to end on the local stack: a real call, recording, transcript and report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from callrec.local import audio
from callrec.local.demo import DemoOptions, DemoResult, StageFailedError, run

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
KEY = re.compile(
    r"^recordings/(\d{4})/(\d{2})/(\d{2})/"
    r"(\d{4})-(\d{2})-(\d{2})-\d{2}-\d{2}-\d{2}-\d{3}_(?P<tx>[A-Za-z0-9-]+)_(?P<call>[A-Za-z0-9-]+)\.wav$"
)
# Key phrases of the default scenario by who says them: the owner is on the recorded leg (LEG-A,
# incoming track = left = channel 0 = AGENT), the customer is heard on its outgoing track.
OWNER_PHRASES = ("replacement card", "five business days")
CUSTOMER_PHRASES = ("water last week", "home address", "thank you so much")
KEY_PHRASES = (*OWNER_PHRASES, *CUSTOMER_PHRASES, "goodbye")

pytestmark = pytest.mark.slow


PROGRESS: list[str] = []


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    out = tmp_path_factory.mktemp("demo")
    return run(DemoOptions(out_dir=out), progress=PROGRESS.append)


def test_progress_names_every_stage_and_shows_the_handler_actions(demo: DemoResult) -> None:
    stages = [line.split("]", 1)[0].lstrip("[") for line in PROGRESS]
    assert list(dict.fromkeys(stages)) == [
        "setup",
        "call",
        "recording",
        "transcription",
        "report",
        "notification",
    ]
    calls = [line for line in PROGRESS if line.startswith("[call]   ")]
    assert len(calls) == 7  # one line per invocation of sma_handler
    # The demo's owner dials out from a directory of two: the PIN first, never echoed.
    assert calls[0].endswith("NEW_INBOUND_CALL -> PlayAudioAndGetDigits enter-pin.wav on LEG-A")
    assert "digits ****) -> PlayAudioAndGetDigits enter-number.wav" in calls[1]
    assert any("owner directory of 2" in line for line in PROGRESS)
    assert any("StartCallRecording BOTH on LEG-A" in line for line in calls)
    assert any(f"transaction-id={demo.transaction_id}" in line for line in PROGRESS)


def test_recording_has_the_documented_key_and_metadata(demo: DemoResult) -> None:
    bucket, _, key = demo.recording_uri.removeprefix("s3://").partition("/")
    match = KEY.match(key)
    assert bucket == "callrec-recordings" and match, key
    assert match.group(1, 2, 3) == match.group(4, 5, 6)
    assert demo.recording_metadata["transaction-id"] == match["tx"] == demo.transaction_id
    assert demo.recording_metadata["call-id"] == match["call"]
    assert demo.recording_metadata["recording-audio-file-format"] == "audio/wav"
    assert 40 < float(demo.recording_metadata["recording-duration"]) < 60


def test_recording_is_stereo_8khz_with_speech_on_both_channels(demo: DemoResult) -> None:
    assert demo.recording is not None
    frames, rate = audio.read_wav(demo.recording)
    assert rate == 8000 and frames.shape[1] == 2
    for channel in (0, 1):
        levels = np.array(
            [audio.rms_dbfs(frames[i : i + 160, channel]) for i in range(0, len(frames), 160)]
        )
        assert (levels > -35).mean() > 0.15, f"channel {channel} has too little speech"


def test_transcript_holds_the_key_phrases_per_party(demo: DemoResult) -> None:
    assert demo.transcript is not None
    document = json.loads(demo.transcript.read_text())
    text = " ".join(t["Content"].lower() for t in document["Transcript"])
    for phrase in KEY_PHRASES:
        assert phrase in text, phrase
    roles = {t["ParticipantRole"] for t in document["Transcript"]}
    assert roles == {"AGENT", "CUSTOMER"}
    said = {
        role: " ".join(
            t["Content"].lower() for t in document["Transcript"] if t["ParticipantRole"] == role
        )
        for role in roles
    }
    for phrase in OWNER_PHRASES:
        assert phrase in said["AGENT"] and phrase not in said["CUSTOMER"], phrase
    for phrase in CUSTOMER_PHRASES:
        assert phrase in said["CUSTOMER"] and phrase not in said["AGENT"], phrase
    assert document["ConversationCharacteristics"]["Interruptions"]["TotalCount"] >= 1


def test_report_holds_the_transcript_turns(demo: DemoResult) -> None:
    import docx

    assert demo.report is not None and demo.transcript is not None
    body = "\n".join(p.text for p in docx.Document(str(demo.report)).paragraphs)
    tables = docx.Document(str(demo.report)).tables
    body += "\n".join(cell.text for table in tables for row in table.rows for cell in row.cells)
    turns = json.loads(demo.transcript.read_text())["Transcript"]
    missing = [t["Content"] for t in turns if t["Content"] not in body]
    assert not missing


def test_report_media_line_names_the_recordings_real_format(demo: DemoResult) -> None:
    """The SMA path records 16-bit PCM WAV, 8 kHz stereo (it said "WAV 8000 Hz")."""
    import docx

    assert demo.report is not None
    facts = {
        r.cells[0].text: r.cells[1].text for r in docx.Document(str(demo.report)).tables[0].rows
    }
    assert facts["Media"] == "WAV/PCM 16-bit, 8000 Hz, 2 channels"


def test_notification_links_the_report(demo: DemoResult) -> None:
    assert (
        demo.report_uri
        and demo.report_uri.removeprefix("s3://").split("/", 1)[1] in demo.notification
    )


def test_denied_bucket_policy_ends_with_no_access_to_destination(tmp_path: Path) -> None:
    other = "arn:aws:chime:us-east-1:111122223333:sma/another-application"
    options = DemoOptions(
        scenario=SCENARIOS / "recording-denied.yaml",
        out_dir=tmp_path,
        recording_writers=[other],
        expect_recording=False,
    )
    result = run(options, progress=lambda line: None)
    errors = [
        f.get("Error") for f in result.action_failures if f.get("Type") == "StartCallRecording"
    ]
    assert errors == ["NoAccessToDestination: Error while accessing destination"]
    assert result.call_record["recording_state"] == "failed"
    assert result.recording is None


def test_a_failing_stage_is_named(tmp_path: Path) -> None:
    other = "arn:aws:chime:us-east-1:111122223333:sma/another-application"
    with pytest.raises(StageFailedError) as failure:
        run(DemoOptions(out_dir=tmp_path, recording_writers=[other]), progress=lambda line: None)
    assert failure.value.stage.value == "call"
