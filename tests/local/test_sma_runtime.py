"""The local Chime carries out the handler's actions against S3 as Chime would."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from moto import mock_aws

from callrec.local import definitions
from callrec.local.resources import moto_compatible
from callrec.local.sma_runtime import LocalChime, deliver_recordings, leg_times
from callrec.simulation import Records, run

ACCOUNT = "111122223333"
SCENARIO: dict[str, Any] = {
    "name": "local-chime",
    "owner": "+15555550100",
    "sma_number": "+15555550199",
    "caller": "+15555550100",
    "callee": {"number": "+12065550123", "answer_after": 2},
    "timeline": [
        {"at": 1, "party": "caller", "dtmf": "2065550123#"},
        {"at": 30, "party": "callee", "hangup": True},
    ],
}


@pytest.fixture
def s3() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        defs = definitions.load(ACCOUNT, "us-east-1", "sma-local-chime")
        for bucket, policy in (
            (defs.recordings_bucket, defs.recordings_policy),
            (defs.prompts_bucket, defs.prompts_policy),
        ):
            client.create_bucket(Bucket=bucket)
            client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(moto_compatible(policy)))
        for prompt in definitions.PROMPTS_DIR.glob("*.wav"):
            client.put_object(
                Bucket=defs.prompts_bucket,
                Key=prompt.name,
                Body=prompt.read_bytes(),
                ContentType="audio/wav",
            )
        yield client


def chime(s3: Any, writers: list[str] | None = None) -> LocalChime:
    defs = definitions.load(ACCOUNT, "us-east-1", "sma-local-chime", recording_writers=writers)
    if writers is not None:
        s3.put_bucket_policy(
            Bucket=defs.recordings_bucket,
            Policy=json.dumps(moto_compatible(defs.recordings_policy)),
        )
    return LocalChime(s3=s3, definitions=defs)


def failures(outcome: Any) -> list[dict[str, Any]]:
    return [
        dict(step.event["ActionData"])
        for step in outcome.transcript.steps
        if step.event_type == "ACTION_FAILED"
    ]


def test_prompts_play_for_their_real_length(s3: Any) -> None:
    local = chime(s3)
    run(SCENARIO, executor=local, records=Records.OFF)
    played = {sound.label: sound for leg in local.legs.values() for sound in leg.prompts}
    assert "enter-number.wav" in played
    consent = definitions.PROMPTS_DIR / "consent.wav"
    assert len(played["consent.wav"].samples) == (consent.stat().st_size - 44) // 2


def test_missing_prompt_fails_with_invalid_audio_source(s3: Any) -> None:
    s3.delete_object(Bucket=definitions.PROMPTS_BUCKET, Key="enter-number.wav")
    outcome = run(SCENARIO, executor=chime(s3), records=Records.OFF)
    failed = failures(outcome)[0]
    assert failed["Type"] == "PlayAudioAndGetDigits"
    assert failed["ErrorType"] == "InvalidAudioSource"
    assert failed["ErrorMessage"] == "Audio Source parameter value is invalid."


def test_prompt_without_the_wav_content_type_is_refused(s3: Any) -> None:
    body = (definitions.PROMPTS_DIR / "enter-number.wav").read_bytes()
    s3.put_object(
        Bucket=definitions.PROMPTS_BUCKET,
        Key="enter-number.wav",
        Body=body,
        ContentType="binary/octet-stream",
    )
    outcome = run(SCENARIO, executor=chime(s3), records=Records.OFF)
    assert failures(outcome)[0]["ErrorType"] == "InvalidAudioSource"


def test_recording_key_is_dated_by_the_call_leg(s3: Any) -> None:
    local = chime(s3)
    outcome = run(SCENARIO, executor=local, records=Records.OFF)
    start = outcome.transcript.steps[0].event["CallDetails"]["Participants"][0]
    stamp = datetime.fromtimestamp(int(start["StartTimeInMilliseconds"]) / 1000, UTC)
    expected = stamp.strftime("%Y/%m/%d/%Y-%m-%d-%H-%M-%S-") + f"{stamp.microsecond // 1000:03d}_"
    assert local.recordings[0].key.startswith(f"recordings/{expected}")


def test_recording_for_another_sma_fails_with_no_access_to_destination(s3: Any) -> None:
    other = f"arn:aws:chime:us-east-1:{ACCOUNT}:sma/someone-else"
    local = chime(s3, writers=[other])
    outcome = run(SCENARIO, executor=local, records=Records.OFF)
    recording_failures = [f for f in failures(outcome) if f["Type"] == "StartCallRecording"]
    assert (
        recording_failures[0]["Error"] == "NoAccessToDestination: Error while accessing destination"
    )
    assert local.recordings == []


def test_recording_without_put_object_acl_fails_with_no_access_to_destination(s3: Any) -> None:
    """StartCallRecording needs s3:PutObject and s3:PutObjectAcl for the Chime principal."""
    local = chime(s3)
    policy = json.loads(s3.get_bucket_policy(Bucket=definitions.RECORDINGS_BUCKET)["Policy"])
    for statement in policy["Statement"]:
        if statement["Effect"] == "Allow":
            actions = statement["Action"]
            statement["Action"] = [
                a
                for a in ([actions] if isinstance(actions, str) else actions)
                if a != "s3:PutObjectAcl"
            ]
    s3.put_bucket_policy(Bucket=definitions.RECORDINGS_BUCKET, Policy=json.dumps(policy))
    outcome = run(SCENARIO, executor=local, records=Records.OFF)
    recording_failures = [f for f in failures(outcome) if f["Type"] == "StartCallRecording"]
    assert recording_failures[0]["Error"] == (
        "NoAccessToDestination: Error while accessing destination"
    )
    assert any(r.startswith("s3:PutObjectAcl ") for r in local.refusals), local.refusals
    assert local.recordings == []


def test_recording_is_written_with_key_and_metadata(s3: Any) -> None:
    local = chime(s3)
    outcome = run(SCENARIO, executor=local, records=Records.OFF)
    written = deliver_recordings(local, leg_times(outcome.transcript, local), s3)
    assert len(written) == 1 and written[0].channels == 2
    head = s3.head_object(Bucket=written[0].bucket, Key=written[0].key)
    assert head["ContentType"] == "audio/wav"
    assert head["Metadata"]["transaction-id"] == outcome.transcript.transaction_id
    assert head["Metadata"]["call-id"] == f"{outcome.transcript.transaction_id}-leg-a"
    assert written[0].key.startswith("recordings/")


def test_prompt_the_bucket_policy_denies_this_sma_fails_with_invalid_audio_source(
    s3: Any,
) -> None:
    """Chime reads prompts as the SMA: a prompts bucket policy written for another SMA denies it."""
    other = definitions.load(ACCOUNT, "us-east-1", "someone-else")
    s3.put_bucket_policy(
        Bucket=definitions.PROMPTS_BUCKET, Policy=json.dumps(moto_compatible(other.prompts_policy))
    )
    local = chime(s3)
    outcome = run(SCENARIO, executor=local, records=Records.OFF)
    assert failures(outcome)[0]["ErrorType"] == "InvalidAudioSource"
    assert any("denied by the bucket policy" in r for r in local.refusals), local.refusals


OWNER_CONTROLS = {
    **SCENARIO,
    # After the bridge and the consent prompt (~13 s): Chime discards digits no ReceiveDigits
    # listens for, and the simulator delivers them when they are pressed.
    "timeline": [
        {"at": 1, "party": "caller", "dtmf": "2065550123#"},
        {"at": 16, "party": "caller", "dtmf": "5"},
        {"at": 21, "party": "caller", "dtmf": "6"},
        {"at": 26, "party": "caller", "dtmf": "7"},
        {"at": 40, "party": "callee", "hangup": True},
    ],
}


def test_owner_pause_and_resume_mark_the_recording(s3: Any) -> None:
    local = chime(s3)
    without_stop = [e for e in OWNER_CONTROLS["timeline"] if e.get("dtmf") != "7"]
    run({**OWNER_CONTROLS, "timeline": without_stop}, executor=local, records=Records.OFF)
    [(paused, resumed)] = local.recordings[0].pauses
    assert resumed is not None and paused < resumed


def test_owner_stop_ends_the_recording_before_the_call(s3: Any) -> None:
    local = chime(s3)
    outcome = run(OWNER_CONTROLS, executor=local, records=Records.OFF)
    written = deliver_recordings(local, leg_times(outcome.transcript, local), s3)
    head = s3.head_object(Bucket=written[0].bucket, Key=written[0].key)
    stopped = local.recordings[0].stopped_at
    assert stopped is not None
    assert float(head["Metadata"]["recording-duration"]) == pytest.approx(
        stopped - local.recordings[0].started_at, abs=0.001
    )
    assert stopped < leg_times(outcome.transcript, local).end("LEG-A") - 5
