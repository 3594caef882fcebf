"""The Transcribe emulator behind the real API: job life cycle, errors, output, events."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from callrec.local.moto_service import MotoService
from callrec.local.stack import LocalStack
from callrec.local.transcribe.server import TranscribeService
from tests.local.conftest import LEFT, RIGHT

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "transcribe" / "example-call.json"
BUCKET = "media"
ROLES = [
    {"ChannelId": 0, "ParticipantRole": "AGENT"},
    {"ChannelId": 1, "ParticipantRole": "CUSTOMER"},
]


@pytest.fixture(scope="module")
def stack(stereo_call: bytes) -> Iterator[LocalStack]:
    with LocalStack([MotoService(), TranscribeService(phrases=[LEFT.text, RIGHT.text])]) as running:
        s3 = running.client("s3")
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key="calls/call.wav", Body=stereo_call)
        s3.put_object(Bucket=BUCKET, Key="calls/mono.wav", Body=_mono(stereo_call))
        s3.put_object(Bucket=BUCKET, Key="calls/call.ogg", Body=_opus(stereo_call))
        s3.put_object(Bucket=BUCKET, Key="calls/noise.ogg", Body=b"OggS" + b"\x00" * 64)
        sqs = running.client("sqs")
        url = sqs.create_queue(QueueName="transcribe-events")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        events = running.client("events")
        events.put_rule(Name="jobs", EventPattern=json.dumps({"source": ["aws.transcribe"]}))
        events.put_targets(Rule="jobs", Targets=[{"Id": "q", "Arn": arn}])
        yield running


def _mono(stereo: bytes) -> bytes:
    from callrec.local import audio

    frames, _ = audio.read_wav(stereo)
    return audio.write_wav([frames[:, 0]])


def _opus(stereo: bytes) -> bytes:
    import io

    import soundfile

    from callrec.local import audio

    frames, rate = audio.read_wav(stereo)
    buffer = io.BytesIO()
    soundfile.write(buffer, frames, rate, format="OGG", subtype="OPUS")
    return buffer.getvalue()


def _start(
    stack: LocalStack, name: str, key: str = "calls/call.wav", **extra: Any
) -> dict[str, Any]:
    job: dict[str, Any] = stack.client("transcribe").start_call_analytics_job(
        CallAnalyticsJobName=name,
        Media={"MediaFileUri": f"s3://{BUCKET}/{key}"},
        OutputLocation=f"s3://{BUCKET}/out/",
        DataAccessRoleArn="arn:aws:iam::111122223333:role/data-access",
        ChannelDefinitions=ROLES,
        **extra,
    )["CallAnalyticsJob"]
    return job


def _wait(stack: LocalStack, name: str) -> dict[str, Any]:
    client = stack.client("transcribe")
    for _ in range(600):
        job: dict[str, Any] = client.get_call_analytics_job(CallAnalyticsJobName=name)[
            "CallAnalyticsJob"
        ]
        if job["CallAnalyticsJobStatus"] in ("COMPLETED", "FAILED"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {name} never finished")


def _events(stack: LocalStack) -> list[dict[str, Any]]:
    sqs = stack.client("sqs")
    url = sqs.get_queue_url(QueueName="transcribe-events")["QueueUrl"]
    found = []
    for _ in range(5):
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get(
            "Messages", []
        ):
            found.append(json.loads(message["Body"]))
    return found


@pytest.fixture(scope="module")
def completed(stack: LocalStack) -> dict[str, Any]:
    started = _start(stack, "job-ok")
    assert started["CallAnalyticsJobStatus"] == "IN_PROGRESS"
    return _wait(stack, "job-ok")


@pytest.fixture(scope="module")
def output(stack: LocalStack, completed: dict[str, Any]) -> dict[str, Any]:
    body = stack.client("s3").get_object(Bucket=BUCKET, Key="out/job-ok.json")["Body"].read()
    document: dict[str, Any] = json.loads(body)
    return document


def test_job_completes_with_the_output_in_the_requested_folder(completed: dict[str, Any]) -> None:
    assert completed["CallAnalyticsJobStatus"] == "COMPLETED"
    assert completed["Transcript"]["TranscriptFileUri"].endswith(f"/{BUCKET}/out/job-ok.json")
    assert completed["ChannelDefinitions"] == ROLES


def test_output_has_every_top_level_field_of_the_real_sample(output: dict[str, Any]) -> None:
    real = json.loads(FIXTURE.read_text())
    assert set(real) - {"ContentMetadata"} <= set(output)
    assert set(real["ConversationCharacteristics"]) == set(output["ConversationCharacteristics"])
    assert output["ContentMetadata"] == {"Output": "Raw"}


def test_turn_shape_matches_the_real_sample(output: dict[str, Any]) -> None:
    real_turn = json.loads(FIXTURE.read_text())["Transcript"][0]
    turn = output["Transcript"][0]
    summary = {"IssuesDetected", "ActionItemsDetected", "OutcomesDetected"}
    assert set(real_turn) <= set(turn) and set(turn) - set(real_turn) <= summary
    assert set(turn["Items"][0]) == set(real_turn["Items"][0])
    assert turn["Sentiment"] in {"POSITIVE", "NEGATIVE", "NEUTRAL", "MIXED"}


def test_each_party_is_recognised_on_its_own_channel(output: dict[str, Any]) -> None:
    by_role = {t["ParticipantRole"]: t["Content"].lower() for t in output["Transcript"]}
    assert "water" in by_role["CUSTOMER"]
    assert "new card" in by_role["AGENT"]
    first = output["Transcript"][0]
    assert first["ParticipantRole"] == "CUSTOMER" and 300 <= first["BeginOffsetMillis"] <= 900


def test_talk_time_counts_both_parties(output: dict[str, Any]) -> None:
    talk = output["ConversationCharacteristics"]["TalkTime"]
    details = talk["DetailsByParticipant"]
    assert (
        details["AGENT"]["TotalTimeMillis"] > 2500 and details["CUSTOMER"]["TotalTimeMillis"] > 3500
    )
    assert talk["TotalTimeMillis"] == sum(d["TotalTimeMillis"] for d in details.values())


def test_quarters_cover_the_whole_call(output: dict[str, Any]) -> None:
    characteristics = output["ConversationCharacteristics"]
    quarters = characteristics["Sentiment"]["SentimentByPeriod"]["QUARTER"]["AGENT"]
    assert len(quarters) == 4
    assert quarters[0]["BeginOffsetMillis"] == 0
    assert quarters[-1]["EndOffsetMillis"] == characteristics["TotalConversationDurationMillis"]


def test_completion_event_is_put_on_the_default_bus(
    stack: LocalStack, completed: dict[str, Any]
) -> None:
    events = [e for e in _events(stack) if e["detail"].get("JobName") == "job-ok"]
    assert events and events[0]["detail-type"] == "Call Analytics Job State Change"
    assert events[0]["source"] == "aws.transcribe"
    assert events[0]["detail"] == {"JobName": "job-ok", "JobStatus": "COMPLETED"}


def test_duplicate_job_name_is_a_conflict(stack: LocalStack, completed: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as error:
        _start(stack, "job-ok")
    assert error.value.response["Error"]["Code"] == "ConflictException"


def test_unknown_job_is_a_bad_request(stack: LocalStack) -> None:
    with pytest.raises(ClientError) as error:
        stack.client("transcribe").get_call_analytics_job(CallAnalyticsJobName="no-such-job")
    assert error.value.response["Error"]["Code"] == "BadRequestException"
    assert "couldn't be found" in error.value.response["Error"]["Message"]


def test_one_role_on_both_channels_is_a_bad_request(stack: LocalStack) -> None:
    with pytest.raises(ClientError) as error:
        stack.client("transcribe").start_call_analytics_job(
            CallAnalyticsJobName="same-role",
            Media={"MediaFileUri": f"s3://{BUCKET}/calls/call.wav"},
            ChannelDefinitions=[
                {"ChannelId": 0, "ParticipantRole": "AGENT"},
                {"ChannelId": 1, "ParticipantRole": "AGENT"},
            ],
        )
    assert error.value.response["Error"]["Code"] == "BadRequestException"


def test_invalid_job_name_is_a_bad_request(stack: LocalStack) -> None:
    with pytest.raises(ClientError) as error:
        _start(stack, "has spaces")
    assert error.value.response["Error"]["Code"] == "BadRequestException"
    assert (
        "regular expression pattern: ^[0-9a-zA-Z._-]+" in error.value.response["Error"]["Message"]
    )


def test_missing_media_fails_the_job_with_a_reason_and_an_event(stack: LocalStack) -> None:
    _start(stack, "job-missing", key="calls/none.wav")
    job = _wait(stack, "job-missing")
    assert job["CallAnalyticsJobStatus"] == "FAILED"
    assert "can't be accessed" in job["FailureReason"]
    events = [e for e in _events(stack) if e["detail"].get("JobName") == "job-missing"]
    assert events[0]["detail"]["JobStatus"] == "FAILED" and events[0]["detail"]["FailureReason"]


def test_mono_media_fails_a_call_analytics_job(stack: LocalStack) -> None:
    _start(stack, "job-mono", key="calls/mono.wav")
    job = _wait(stack, "job-mono")
    assert job["CallAnalyticsJobStatus"] == "FAILED" and "stereo" in job["FailureReason"]


def test_ogg_opus_media_is_transcribed_like_wav(stack: LocalStack) -> None:
    _start(stack, "job-opus", key="calls/call.ogg")
    job = _wait(stack, "job-opus")
    assert job["CallAnalyticsJobStatus"] == "COMPLETED", job.get("FailureReason")
    body = stack.client("s3").get_object(Bucket=BUCKET, Key="out/job-opus.json")["Body"].read()
    roles = {turn["ParticipantRole"] for turn in json.loads(body)["Transcript"]}
    assert roles == {"AGENT", "CUSTOMER"}


def test_ogg_media_is_reported_as_ogg_as_transcribe_does(stack: LocalStack) -> None:
    """GetCallAnalyticsJob's MediaFormat is the detected format (Transcribe's MediaFormat enum
    has "ogg"), not the emulator's WAV default. The rate is the file's (OpusHead input rate)."""
    _start(stack, "job-opus-format", key="calls/call.ogg")
    job = _wait(stack, "job-opus-format")
    assert (job["MediaFormat"], job["MediaSampleRateHertz"]) == ("ogg", 8000)


def test_undecodable_ogg_fails_the_job_with_a_reason(stack: LocalStack) -> None:
    _start(stack, "job-noise", key="calls/noise.ogg")
    job = _wait(stack, "job-noise")
    assert job["CallAnalyticsJobStatus"] == "FAILED"
    assert "Ogg stream cannot be decoded" in job["FailureReason"]


def test_standard_job_writes_the_transcript_to_the_output_key(stack: LocalStack) -> None:
    client = stack.client("transcribe")
    client.start_transcription_job(
        TranscriptionJobName="standard-1",
        LanguageCode="en-US",
        MediaFormat="wav",
        Media={"MediaFileUri": f"s3://{BUCKET}/calls/mono.wav"},
        OutputBucketName=BUCKET,
        OutputKey="standard/",
        Settings={"ShowSpeakerLabels": True, "MaxSpeakerLabels": 2},
    )
    for _ in range(600):
        job = client.get_transcription_job(TranscriptionJobName="standard-1")["TranscriptionJob"]
        if job["TranscriptionJobStatus"] != "IN_PROGRESS":
            break
        time.sleep(0.05)
    assert job["TranscriptionJobStatus"] == "COMPLETED"
    body = (
        stack.client("s3").get_object(Bucket=BUCKET, Key="standard/standard-1.json")["Body"].read()
    )
    document = json.loads(body)
    speakers = document["results"]["speaker_labels"]
    assert speakers["speakers"] == 1 and speakers["segments"][0]["speaker_label"] == "spk_0"
    assert all(i["speaker_label"] == "spk_0" for i in document["results"]["items"])
    assert (
        document["status"] == "COMPLETED"
        and "card" in document["results"]["transcripts"][0]["transcript"]
    )


def test_unknown_operation_is_refused_as_aws_does(stack: LocalStack) -> None:
    request = urllib.request.Request(
        stack.endpoints["transcribe"],
        data=b"{}",
        headers={
            "X-Amz-Target": "Transcribe.DeleteVocabulary",
            "Content-Type": "application/x-amz-json-1.1",
        },
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=5)
    assert json.loads(error.value.read())["__type"] == "UnknownOperationException"


def test_summary_requested_is_written_where_the_service_writes_it_labelled_extractive(
    stack: LocalStack,
) -> None:
    from callrec.local.transcribe.output import EXTRACTIVE_LABEL
    from chalicelib.report import model

    _start(
        stack,
        "job-summary",
        Settings={
            "LanguageOptions": ["en-US"],
            "Summarization": {"GenerateAbstractiveSummary": True},
        },
    )
    job = _wait(stack, "job-summary")
    assert job["CallAnalyticsJobStatus"] == "COMPLETED", job.get("FailureReason")
    assert job["Settings"]["Summarization"] == {"GenerateAbstractiveSummary": True}
    body = stack.client("s3").get_object(Bucket=BUCKET, Key="out/job-summary.json")["Body"].read()
    document = json.loads(body)
    content = document["ContactSummary"]["AutoGenerated"]["OverallSummary"]["Content"]
    assert content.startswith(f"{EXTRACTIVE_LABEL}: ")
    assert any(turn["Content"] in content for turn in document["Transcript"])
    assert model.load(document).summary == content  # the report's summary section reads it


def test_no_summary_unless_the_job_asks_for_one(output: dict[str, Any]) -> None:
    assert "ContactSummary" not in output


def test_nothing_said_gives_no_summary() -> None:
    from callrec.local.transcribe.output import extractive_summary

    assert extractive_summary([]) == ""
