"""render_report on moto (S3, DynamoDB, SNS, SQS) with Transcribe stubbed in its real shapes."""

from __future__ import annotations

import importlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from docx import Document

from chalicelib import aws
from chalicelib.errors import InvalidEventError, TransientAwsError
from chalicelib.report.handler import ReportOutcome, handle_job_event
from chalicelib.transcription.jobs import job_name

support = importlib.import_module("tests.transcription.conftest")
BUCKET, SMA_KEY, SMA_TX = support.BUCKET, support.SMA_KEY, support.SMA_TX
NAME = job_name(BUCKET, SMA_KEY)
TRANSCRIPT_KEY = f"transcriptions/2026/11/20/{NAME}.json"
REPORT_KEY = (
    "reports/2026/11/20/2026-11-20-14-01-05-123_6a1c9a3e-4b8f-4c1e-9d3a-1f2e3d4c5b6a_"
    "0b4e2c8d-7f1a-4e3b-8c9d-2a1b3c4d5e6f.docx"
)
EVENTS = Path(__file__).resolve().parent.parent / "events" / "eventbridge"


def event(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return loaded


def job(status: str = "COMPLETED", transcript: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "CallAnalyticsJobName": NAME,
        "CallAnalyticsJobStatus": status,
        "LanguageCode": "en-US",
        "Media": {"MediaFileUri": f"s3://{BUCKET}/{SMA_KEY}"},
        **extra,
    }
    if transcript:
        body["Transcript"] = {"TranscriptFileUri": transcript}
    return {"CallAnalyticsJob": body}


@dataclass
class Pipeline:
    stack: Any
    queue_url: str

    def messages(self) -> list[dict[str, Any]]:
        sqs = aws.client("sqs")
        found = sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10)
        return [json.loads(json.loads(m["Body"])["Message"]) for m in found.get("Messages", [])]


@pytest.fixture
def pipeline(
    stack: Any, monkeypatch: pytest.MonkeyPatch, example: dict[str, Any]
) -> Iterator[Pipeline]:
    topic = aws.client("sns").create_topic(Name="callrec-reports")["TopicArn"]
    queue_url = aws.client("sqs").create_queue(QueueName="inbox")["QueueUrl"]
    queue_arn = aws.client("sqs").get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    aws.client("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    monkeypatch.setenv("NOTIFICATION_TOPIC_ARN", topic)
    stack.put(SMA_KEY, support.wav_bytes(2))
    stack.put(TRANSCRIPT_KEY, json.dumps(example).encode())
    stack.records.update(
        SMA_TX,
        {
            "direction": "inbound",
            "owner_number": "+15550100",
            "other_number": "+15550199",
            "transcription_job": NAME,
            "transcription_status": "IN_PROGRESS",
        },
    )
    yield Pipeline(stack, queue_url)


def test_completed_job_renders_stores_records_and_notifies(pipeline: Pipeline) -> None:
    pipeline.stack.transcribe.add_response(
        "get_call_analytics_job",
        job(
            transcript=f"s3://{BUCKET}/{TRANSCRIPT_KEY}",
            MediaFormat="wav",
            MediaSampleRateHertz=8000,
            CompletionTime=datetime(2026, 11, 20, 14, 9, 40, tzinfo=UTC),
            Settings={
                "VocabularyName": "bank-phrases",
                "VocabularyFilterName": "profanity",
                "VocabularyFilterMethod": "mask",
            },
        ),
        {"CallAnalyticsJobName": NAME},
    )
    result = handle_job_event(event("call_analytics_job_completed.json"))
    assert (result.outcome, result.report_key) == (ReportOutcome.RENDERED, REPORT_KEY)
    stored = aws.client("s3").get_object(Bucket=BUCKET, Key=REPORT_KEY)
    document = Document(io.BytesIO(stored["Body"].read()))
    assert len(document.tables[-1].rows) == 38
    facts = {r.cells[0].text: r.cells[1].text for r in document.tables[0].rows}
    assert facts["Other party"] == "+15550199"
    assert (facts["Media"], facts["Transcribed"]) == ("WAV 8000 Hz", "2026-11-20 14:09 UTC")
    assert facts["Custom vocabulary"] == "bank-phrases"
    assert facts["Started"] == "2026-11-20 14:01 UTC"  # the key's, the record has none
    assert facts["Vocabulary filter"] == "profanity (mask)"
    record = pipeline.stack.record(SMA_TX)
    assert (record["transcription_status"], record["report_key"]) == ("COMPLETED", REPORT_KEY)
    [message] = pipeline.messages()
    assert message["event"] == "report-ready"
    assert (message["duration"], message["turns"], message["issues"]) == ("3:03", 37, 1)
    assert (message["customer_sentiment"], message["categories"]) == (1.8, ["No_Closing_Remark"])
    assert message["report"] == f"s3://{BUCKET}/{REPORT_KEY}"
    for link in ("report_url", "recording_url"):
        query = parse_qs(urlsplit(message[link]).query)
        assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
        assert query["X-Amz-Expires"] == ["604800"]


def test_media_line_names_the_probed_format_not_transcribes(pipeline: Pipeline) -> None:
    """Transcribe says "ogg" at some rate; the report names container, codec and channels as the
    transcription Lambda read them from the recording's header."""
    pipeline.stack.records.update(SMA_TX, {f"media#{NAME}": "Ogg/Opus, 48000 Hz, 2 channels"})
    pipeline.stack.transcribe.add_response(
        "get_call_analytics_job",
        job(
            transcript=f"s3://{BUCKET}/{TRANSCRIPT_KEY}",
            MediaFormat="ogg",
            MediaSampleRateHertz=48000,
        ),
    )
    handle_job_event(event("call_analytics_job_completed.json"))
    stored = aws.client("s3").get_object(Bucket=BUCKET, Key=REPORT_KEY)
    document = Document(io.BytesIO(stored["Body"].read()))
    facts = [(r.cells[0].text, r.cells[1].text) for r in document.tables[0].rows]
    assert [value for name, value in facts if name == "Media"] == ["Ogg/Opus, 48000 Hz, 2 channels"]


def test_redacted_transcript_is_preferred(pipeline: Pipeline, example: dict[str, Any]) -> None:
    redacted_key = f"transcriptions/2026/11/20/redacted-{NAME}.json"
    example["Transcript"] = example["Transcript"][:3]
    pipeline.stack.put(redacted_key, json.dumps(example).encode())
    response = job(transcript=f"s3://{BUCKET}/{TRANSCRIPT_KEY}")
    response["CallAnalyticsJob"]["Transcript"]["RedactedTranscriptFileUri"] = (
        f"https://s3.us-east-1.amazonaws.com/{BUCKET}/{redacted_key}"
    )
    pipeline.stack.transcribe.add_response("get_call_analytics_job", response)
    handle_job_event(event("call_analytics_job_completed.json"))
    stored = aws.client("s3").get_object(Bucket=BUCKET, Key=REPORT_KEY)["Body"].read()
    assert len(Document(io.BytesIO(stored)).tables[-1].rows) == 4


def test_link_expiry_is_configurable_and_capped(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORT_LINK_EXPIRY_SECONDS", "9999999")
    pipeline.stack.transcribe.add_response(
        "get_call_analytics_job", job(transcript=f"s3://{BUCKET}/{TRANSCRIPT_KEY}")
    )
    handle_job_event(event("call_analytics_job_completed.json"))
    [message] = pipeline.messages()
    assert message["links_expire_in_seconds"] == 604800
    assert parse_qs(urlsplit(message["report_url"]).query)["X-Amz-Expires"] == ["604800"]


def test_duplicate_completed_event_does_nothing_more(pipeline: Pipeline) -> None:
    pipeline.stack.transcribe.add_response(
        "get_call_analytics_job", job(transcript=f"s3://{BUCKET}/{TRANSCRIPT_KEY}")
    )
    pipeline.stack.transcribe.add_response(
        "get_call_analytics_job", job(transcript=f"s3://{BUCKET}/{TRANSCRIPT_KEY}")
    )
    first = handle_job_event(event("call_analytics_job_completed.json"))
    second = handle_job_event(event("call_analytics_job_completed.json"))
    assert (first.outcome, second.outcome) == (ReportOutcome.RENDERED, ReportOutcome.DUPLICATE)
    assert len(pipeline.messages()) == 1


def test_failed_job_is_recorded_with_reason_and_notified(pipeline: Pipeline) -> None:
    pipeline.stack.transcribe.add_response(
        "get_call_analytics_job", job("FAILED", FailureReason="media format mismatch")
    )
    result = handle_job_event(event("call_analytics_job_failed.json"))
    assert result.outcome is ReportOutcome.FAILED_JOB
    record = pipeline.stack.record(SMA_TX)
    assert record["transcription_status"] == "FAILED"
    assert record["transcription_failure"].startswith("The media format that you specified")
    assert any("failed" in note for note in pipeline.stack.notes(SMA_TX))
    [message] = pipeline.messages()
    assert (message["event"], message["transaction_id"]) == ("transcription-failed", SMA_TX)


def test_missing_transcript_is_noted_not_crashed(pipeline: Pipeline) -> None:
    pipeline.stack.transcribe.add_response(
        "get_call_analytics_job", job(transcript=f"s3://{BUCKET}/transcriptions/gone.json")
    )
    result = handle_job_event(event("call_analytics_job_completed.json"))
    assert result.outcome is ReportOutcome.UNREADABLE
    assert any("does not exist" in note for note in pipeline.stack.notes(SMA_TX))
    assert pipeline.messages()[0]["event"] == "transcription-failed"


def test_standard_job_event_renders_the_mono_fallback(pipeline: Pipeline) -> None:
    mono_key = f"transcriptions/2026/11/20/{NAME}-mono.json"
    pipeline.stack.put(
        mono_key,
        json.dumps(
            {
                "jobName": NAME,
                "status": "COMPLETED",
                "results": {
                    "language_code": "en-US",
                    "items": [
                        {
                            "type": "pronunciation",
                            "start_time": "0.5",
                            "end_time": "0.9",
                            "speaker_label": "spk_0",
                            "alternatives": [{"confidence": "0.97", "content": "Hello"}],
                        }
                    ],
                },
            }
        ).encode(),
    )
    pipeline.stack.transcribe.add_response(
        "get_transcription_job",
        {
            "TranscriptionJob": {
                "TranscriptionJobName": NAME,
                "TranscriptionJobStatus": "COMPLETED",
                "Media": {"MediaFileUri": f"s3://{BUCKET}/{SMA_KEY}"},
                "Transcript": {
                    "TranscriptFileUri": f"https://s3.us-east-1.amazonaws.com/{BUCKET}/{mono_key}"
                },
            }
        },
        {"TranscriptionJobName": NAME},
    )
    result = handle_job_event(event("transcription_job_completed.json"))
    assert result.outcome is ReportOutcome.RENDERED
    record = pipeline.stack.record(SMA_TX)
    assert record["transcription_kind"] == "standard"


def test_jobs_of_other_applications_are_ignored(pipeline: Pipeline) -> None:
    other = event("call_analytics_job_completed.json")
    other["detail"]["JobName"] = "someone-elses-job"
    assert handle_job_event(other).outcome is ReportOutcome.IGNORED


def test_non_transcribe_event_is_invalid() -> None:
    with pytest.raises(InvalidEventError, match=r"aws\.transcribe"):
        handle_job_event({"source": "aws.s3", "detail-type": "x", "detail": {}})


def test_throttled_lookup_is_raised_for_retry(pipeline: Pipeline) -> None:
    pipeline.stack.transcribe.add_client_error(
        "get_call_analytics_job", service_error_code="ThrottlingException", http_status_code=400
    )
    with pytest.raises(TransientAwsError):
        handle_job_event(event("call_analytics_job_completed.json"))
    assert "report_key" not in pipeline.stack.record(SMA_TX)


def _render_with_links(pipeline: Pipeline) -> dict[str, Any]:
    pipeline.stack.transcribe.add_response(
        "get_call_analytics_job", job(transcript=f"s3://{BUCKET}/{TRANSCRIPT_KEY}")
    )
    assert handle_job_event(event("call_analytics_job_completed.json")).report_key == REPORT_KEY
    [message] = pipeline.messages()
    return message


def _linked_object(url: str) -> str:
    """``bucket/key`` a presigned URL opens (virtual-hosted or path style)."""
    parts = urlsplit(url)
    host, path = parts.hostname or "", unquote(parts.path)
    bucket = host.split(".s3.", 1)[0] if ".s3." in host else ""
    return f"{bucket}{path}" if bucket else path.lstrip("/")


def test_report_link_opens_the_report(pipeline: Pipeline) -> None:
    message = _render_with_links(pipeline)
    assert _linked_object(message["report_url"]) == f"{BUCKET}/{REPORT_KEY}"


def test_recording_link_opens_the_recording(pipeline: Pipeline) -> None:
    message = _render_with_links(pipeline)
    assert _linked_object(message["recording_url"]) == f"{BUCKET}/{SMA_KEY}"
    assert message["recording"] == f"s3://{BUCKET}/{SMA_KEY}"


def test_stored_report_is_tagged_with_the_transaction_id(pipeline: Pipeline) -> None:
    _render_with_links(pipeline)
    head = aws.client("s3").head_object(Bucket=BUCKET, Key=REPORT_KEY)
    assert head["Metadata"] == {"transaction-id": SMA_TX}


@pytest.mark.parametrize("status", ["QUEUED", "IN_PROGRESS"])
def test_unfinished_job_events_are_ignored(pipeline: Pipeline, status: str) -> None:
    unfinished = event("call_analytics_job_completed.json")
    unfinished["detail"]["JobStatus"] = status
    result = handle_job_event(unfinished)
    assert (result.outcome, result.detail) == (ReportOutcome.IGNORED, f"status {status}")
    assert "report_key" not in pipeline.stack.record(SMA_TX)
    assert pipeline.messages() == []


# --- exactly one notice per outcome -------------------------------------------------------------
def _completed_job(pipeline: Pipeline, times: int = 1) -> None:
    for _ in range(times):
        pipeline.stack.transcribe.add_response(
            "get_call_analytics_job", job(transcript=f"s3://{BUCKET}/{TRANSCRIPT_KEY}")
        )


def _publish_fails_once(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    """The first SNS publish raises ``error``; later ones publish."""
    from chalicelib import notify

    original = notify.publish
    failures = [error]

    def publish_failing_once(*args: Any, **kwargs: Any) -> str | None:
        if failures:
            raise failures.pop()
        return original(*args, **kwargs)

    monkeypatch.setattr(notify, "publish", publish_failing_once)


def test_repeated_failed_event_sends_one_failure_notice(pipeline: Pipeline) -> None:
    for _ in range(2):
        pipeline.stack.transcribe.add_response(
            "get_call_analytics_job", job("FAILED", FailureReason="media format mismatch")
        )
    outcomes = [handle_job_event(event("call_analytics_job_failed.json")) for _ in range(2)]
    assert [r.outcome for r in outcomes] == [ReportOutcome.FAILED_JOB] * 2
    assert [m["event"] for m in pipeline.messages()] == ["transcription-failed"]
    assert sum("failed" in note for note in pipeline.stack.notes(SMA_TX)) == 1


def test_two_completed_events_at_once_send_one_report_notice(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second delivery runs whole while the first is rendering (both saw no report yet)."""
    from chalicelib.report import render

    _completed_job(pipeline, times=2)
    original = render.render_analysis
    second: list[ReportOutcome] = []

    def render_while_another_delivery_runs(*args: Any, **kwargs: Any) -> bytes:
        if not second:
            second.append(ReportOutcome.IGNORED)  # placeholder: only the first render nests
            second[0] = handle_job_event(event("call_analytics_job_completed.json")).outcome
        return original(*args, **kwargs)

    monkeypatch.setattr(render, "render_analysis", render_while_another_delivery_runs)
    first = handle_job_event(event("call_analytics_job_completed.json"))
    assert sorted([first.outcome, second[0]]) == sorted(
        [ReportOutcome.RENDERED, ReportOutcome.DUPLICATE]
    )
    assert [m["event"] for m in pipeline.messages()] == ["report-ready"]


def test_retry_after_a_failed_record_write_does_not_notify_again(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.call_records import CallRecords
    from chalicelib.errors import StorageError

    _completed_job(pipeline, times=2)
    original = CallRecords.update
    failures = [StorageError("DynamoDB update_item failed: InternalServerError")]

    def update_failing_once(self: CallRecords, tx: str, values: Any, *rest: Any) -> None:
        if "report_key" in values and failures:
            raise failures.pop()
        original(self, tx, values, *rest)

    monkeypatch.setattr(CallRecords, "update", update_failing_once)
    with pytest.raises(StorageError):
        handle_job_event(event("call_analytics_job_completed.json"))
    handle_job_event(event("call_analytics_job_completed.json"))  # Lambda's retry
    assert [m["event"] for m in pipeline.messages()] == ["report-ready"]


def test_failed_publish_releases_the_claim_so_the_retry_notifies(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    _completed_job(pipeline, times=2)
    _publish_fails_once(
        monkeypatch, TransientAwsError("SNS Publish failed transiently: Throttling")
    )
    with pytest.raises(TransientAwsError):
        handle_job_event(event("call_analytics_job_completed.json"))
    assert not [a for a in pipeline.stack.record(SMA_TX) if a.startswith("notified#")]
    assert handle_job_event(event("call_analytics_job_completed.json")).outcome is (
        ReportOutcome.RENDERED
    )
    assert [m["event"] for m in pipeline.messages()] == ["report-ready"]


class _Killed(BaseException):
    """What a Lambda timeout or out-of-memory does to an invocation: nothing after it runs."""


def _report_claim(pipeline: Pipeline) -> str:
    return str(pipeline.stack.record(SMA_TX).get(f"notified#report-ready#{NAME}", ""))


def test_invocation_that_dies_before_publishing_leaves_the_notice_to_a_later_delivery(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lambda's prompt retry meets the dead invocation's claim: it must fail (so the event
    reaches the dead-letter queue), not report a duplicate and drop the notice for good."""
    _completed_job(pipeline, times=2)
    _publish_fails_once(monkeypatch, _Killed())
    with pytest.raises(_Killed):
        handle_job_event(event("call_analytics_job_completed.json"))
    with pytest.raises(TransientAwsError, match="another delivery is publishing"):
        handle_job_event(event("call_analytics_job_completed.json"))
    assert pipeline.messages() == []


def test_delivery_meeting_a_notice_being_published_does_not_render_again(
    pipeline: Pipeline,
) -> None:
    from chalicelib.call_records import utc_now_iso

    _completed_job(pipeline)
    pipeline.stack.records.update(
        SMA_TX, {f"notified#report-ready#{NAME}": f"publishing {utc_now_iso()}"}
    )
    with pytest.raises(TransientAwsError, match="another delivery is publishing"):
        handle_job_event(event("call_analytics_job_completed.json"))
    assert not _stored_reports()


def test_claim_older_than_the_lease_is_taken_over_and_the_notice_sent_once(
    pipeline: Pipeline,
) -> None:
    """`callrec replay` from the dead-letter queue, after the dead invocation's lease ran out."""
    _completed_job(pipeline, times=2)
    pipeline.stack.records.update(
        SMA_TX, {f"notified#report-ready#{NAME}": "publishing 2026-11-20T14:10:00.000Z"}
    )
    assert handle_job_event(event("call_analytics_job_completed.json")).outcome is (
        ReportOutcome.RENDERED
    )
    assert _report_claim(pipeline).startswith("sent ")
    assert handle_job_event(event("call_analytics_job_completed.json")).outcome is (
        ReportOutcome.DUPLICATE
    )
    assert [m["event"] for m in pipeline.messages()] == ["report-ready"]


def test_failed_job_notice_left_by_a_dead_invocation_is_sent_after_the_lease(
    pipeline: Pipeline,
) -> None:
    pipeline.stack.transcribe.add_response(
        "get_call_analytics_job", job("FAILED", FailureReason="media format mismatch")
    )
    pipeline.stack.records.update(
        SMA_TX, {f"notified#transcription-failed#{NAME}": "publishing 2026-11-20T14:10:00.000Z"}
    )
    handle_job_event(event("call_analytics_job_failed.json"))
    assert [m["event"] for m in pipeline.messages()] == ["transcription-failed"]


# --- every recording of a call gets its own job, report and notice ------------------------------
SECOND_KEY = SMA_KEY.replace("14-01-05-123", "14-06-30-000").replace("0b4e2c8d", "1c5f3d9e")
SECOND_NAME = job_name(BUCKET, SECOND_KEY)


def test_second_recording_of_the_call_gets_its_own_report(pipeline: Pipeline) -> None:
    from chalicelib.transcription.handler import handle_s3_event

    _completed_job(pipeline)
    assert handle_job_event(event("call_analytics_job_completed.json")).report_key == REPORT_KEY
    pipeline.stack.put(SECOND_KEY, support.wav_bytes(2))
    pipeline.stack.transcribe.add_response(
        "start_call_analytics_job",
        {
            "CallAnalyticsJob": {
                "CallAnalyticsJobName": SECOND_NAME,
                "CallAnalyticsJobStatus": "IN_PROGRESS",
            }
        },
    )
    handle_s3_event(support.s3_event(SECOND_KEY))
    second_transcript = f"transcriptions/2026/11/20/{SECOND_NAME}.json"
    pipeline.stack.put(
        second_transcript,
        aws.client("s3").get_object(Bucket=BUCKET, Key=TRANSCRIPT_KEY)["Body"].read(),
    )
    response = job(transcript=f"s3://{BUCKET}/{second_transcript}")
    response["CallAnalyticsJob"]["CallAnalyticsJobName"] = SECOND_NAME
    response["CallAnalyticsJob"]["Media"]["MediaFileUri"] = f"s3://{BUCKET}/{SECOND_KEY}"
    pipeline.stack.transcribe.add_response("get_call_analytics_job", response)
    completed = event("call_analytics_job_completed.json")
    completed["detail"]["JobName"] = SECOND_NAME
    result = handle_job_event(completed)
    assert result.outcome is ReportOutcome.RENDERED
    second_stem = SECOND_KEY.rsplit("/", 1)[1].removesuffix(".wav")
    assert result.report_key == f"reports/2026/11/20/{second_stem}.docx" != REPORT_KEY
    assert [m["job_name"] for m in pipeline.messages()] == [NAME, SECOND_NAME]


# --- settings are checked before anything is written ------------------------------------------
@pytest.mark.parametrize(
    ("name", "value", "refusal"),
    [
        ("REPORT_LINK_EXPIRY_SECONDS", "0", "use a value of at least 1"),
        ("NOTIFICATION_TOPIC_ARN", "callrec-reports", "not an SNS topic ARN"),
    ],
)
def test_unusable_setting_is_refused_before_the_report_is_stored(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch, name: str, value: str, refusal: str
) -> None:
    from chalicelib.errors import ConfigurationError

    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=refusal):
        handle_job_event(event("call_analytics_job_completed.json"))
    assert not _stored_reports()
    assert pipeline.stack.record(SMA_TX)["transcription_status"] == "IN_PROGRESS"
    # (Transcribe was not asked either: the stubber has no answer queued and would refuse.)


def _stored_reports() -> list[str]:
    listed = aws.client("s3").list_objects_v2(Bucket=BUCKET, Prefix="reports/")
    return [item["Key"] for item in listed.get("Contents", [])]


# --- the notice is readable by a person, and parseable by a program ---------------------------
def _spy_on_publish(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The parameters of every SNS Publish from here on (the messages are still published)."""
    sns = aws.client("sns")
    sent: list[dict[str, Any]] = []
    original = sns.publish

    def spy(**params: Any) -> Any:
        sent.append(params)
        return original(**params)

    monkeypatch.setattr(sns, "publish", spy)
    return sent


def test_email_subscribers_get_text_and_programs_get_json(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = _spy_on_publish(monkeypatch)
    message = _render_with_links(pipeline)
    [params] = sent
    assert params["MessageStructure"] == "json"
    body = json.loads(params["Message"])
    assert json.loads(body["default"]) == message
    email = body["email"]
    assert email.startswith(f"{params['Subject']}\n\n")
    assert "The call with +15550199 that started 2026-11-20 14:01 UTC" in email
    assert "3:03 long, 37 turns, 1 issue" in email
    assert f"Report: {message['report_url']}\n" in email
    assert f"Recording: {message['recording_url']}\n" in email
    assert "{" not in email


def test_failure_notice_tells_a_person_what_failed_and_where_the_recording_is(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = _spy_on_publish(monkeypatch)
    pipeline.stack.transcribe.add_response(
        "get_call_analytics_job", job("FAILED", FailureReason="media format mismatch")
    )
    handle_job_event(event("call_analytics_job_failed.json"))
    [params] = sent
    email = json.loads(params["Message"])["email"]
    assert email.startswith("Call transcription failed\n\n")
    assert "The recording of the call that started 2026-11-20 14:01 UTC" in email
    assert "The media format that you specified" in email  # the event's FailureReason
    assert f"s3://{BUCKET}/{SMA_KEY}" in email
    assert SMA_TX in email
