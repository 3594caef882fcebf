"""callrec replay: dead-letter messages (body = original event) re-driven to the handlers."""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest
from botocore.stub import Stubber

from callrec.cli import main
from chalicelib import aws
from chalicelib.transcription.jobs import job_name

support = importlib.import_module("tests.transcription.conftest")
BUCKET, SMA_KEY, SMA_TX = support.BUCKET, support.SMA_KEY, support.SMA_TX

LAMBDA_DLQ_ATTRIBUTES = {
    "RequestID": {"DataType": "String", "StringValue": "0c4d1d4e-1d0a-4c2e-a3b1-7a3b3c1d2e3f"},
    "ErrorCode": {"DataType": "Number", "StringValue": "200"},
    "ErrorMessage": {"DataType": "String", "StringValue": "TransientAwsError: throttled"},
}


@pytest.fixture
def queue(stack: Any) -> str:
    url: str = aws.client("sqs").create_queue(QueueName="callrec-dead-letter")["QueueUrl"]
    return url


def send(queue: str, body: str) -> None:
    aws.client("sqs").send_message(
        QueueUrl=queue, MessageBody=body, MessageAttributes=LAMBDA_DLQ_ATTRIBUTES
    )


def remaining(queue: str) -> int:
    attributes = aws.client("sqs").get_queue_attributes(
        QueueUrl=queue,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def test_replays_an_s3_event_locally_and_deletes_it(stack: Any, queue: str) -> None:
    stack.put(SMA_KEY, support.wav_bytes(2))
    name = job_name(BUCKET, SMA_KEY)
    stack.transcribe.add_response(
        "start_call_analytics_job",
        {"CallAnalyticsJob": {"CallAnalyticsJobName": name, "CallAnalyticsJobStatus": "QUEUED"}},
    )
    send(queue, json.dumps(support.s3_event(SMA_KEY)))
    assert main(["replay", "--queue-url", queue]) == 0
    assert stack.record(SMA_TX)["transcription_job"] == name
    assert remaining(queue) == 0


def test_unrecognised_message_stays_and_fails_the_run(
    stack: Any, queue: str, capsys: pytest.CaptureFixture[str]
) -> None:
    send(queue, "not json")
    assert main(["replay", "--queue-url", queue]) == 1
    assert "not an S3 or Transcribe event" in capsys.readouterr().err
    assert remaining(queue) == 1


def test_dry_run_lists_each_message_once_and_keeps_it(
    stack: Any, queue: str, capsys: pytest.CaptureFixture[str]
) -> None:
    send(queue, json.dumps(support.s3_event(SMA_KEY)))
    assert main(["replay", "--queue-url", queue, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.count("would replay") == 1
    assert "ErrorMessage=TransientAwsError: throttled" in out
    assert remaining(queue) == 1


def test_lambda_target_invokes_the_function_asynchronously(stack: Any, queue: str) -> None:
    event = json.loads(
        (support.EVENTS / "eventbridge" / "call_analytics_job_completed.json").read_text()
    )
    send(queue, json.dumps(event))
    with Stubber(aws.client("lambda")) as lambda_stub:
        lambda_stub.add_response(
            "invoke",
            {"StatusCode": 202},
            {
                "FunctionName": "callrec-prod-render_report",
                "InvocationType": "Event",
                "Payload": json.dumps(event).encode(),
            },
        )
        code = main(
            [
                "replay",
                "--queue-url",
                queue,
                "--target",
                "lambda",
                "--function-prefix",
                "callrec-prod-",
            ]
        )
    assert code == 0
    assert remaining(queue) == 0


def test_failed_replay_leaves_the_message(stack: Any, queue: str) -> None:
    stack.put(SMA_KEY, support.wav_bytes(2))
    stack.transcribe.add_client_error(
        "start_call_analytics_job", service_error_code="ThrottlingException", http_status_code=400
    )
    send(queue, json.dumps(support.s3_event(SMA_KEY)))
    assert main(["replay", "--queue-url", queue]) == 1
    assert remaining(queue) == 1


def visible(queue: str) -> int:
    attributes = aws.client("sqs").get_queue_attributes(
        QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"])


def test_failed_replay_is_visible_again_at_once(
    stack: Any, queue: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stack.put(SMA_KEY, support.wav_bytes(2))
    stack.transcribe.add_client_error(
        "start_call_analytics_job", service_error_code="ThrottlingException", http_status_code=400
    )
    send(queue, json.dumps(support.s3_event(SMA_KEY)))
    assert main(["replay", "--queue-url", queue]) == 1
    assert "it is back in the queue now" in capsys.readouterr().err
    assert visible(queue) == 1  # an immediate re-run finds it, not "0 left"


def test_unrecognised_message_is_visible_again_at_once(stack: Any, queue: str) -> None:
    send(queue, "not json")
    assert main(["replay", "--queue-url", queue]) == 1
    assert visible(queue) == 1


def _completed_event() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (support.EVENTS / "eventbridge" / "call_analytics_job_completed.json").read_text()
    )
    return loaded


def test_report_replay_without_a_topic_fails_before_deleting_anything(
    stack: Any, queue: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run here without NOTIFICATION_TOPIC_ARN, the notice the original would send is lost."""
    send(queue, json.dumps(support.s3_event(SMA_KEY)))
    send(queue, json.dumps(_completed_event()))
    assert main(["replay", "--queue-url", queue]) == 2
    err = capsys.readouterr().err
    assert "NOTIFICATION_TOPIC_ARN is not set" in err
    assert "Traceback" not in err
    assert visible(queue) == 2  # both kept, and handed back
    assert stack.records.get(SMA_TX) is None  # not even the S3 event was replayed


def test_setting_that_is_out_of_range_fails_before_deleting_anything(
    stack: Any, queue: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REPORT_LINK_EXPIRY_SECONDS", "0")
    send(queue, json.dumps(_completed_event()))
    assert main(["replay", "--queue-url", queue, "--no-notify"]) == 2
    assert "REPORT_LINK_EXPIRY_SECONDS=0 is out of range" in capsys.readouterr().err
    assert visible(queue) == 1


def test_no_notify_lets_a_deployment_without_a_topic_replay_reports(stack: Any, queue: str) -> None:
    from chalicelib.transcription.jobs import job_name as name_of

    stack.put(SMA_KEY, support.wav_bytes(2))
    transcript = f"transcriptions/2026/11/20/{name_of(BUCKET, SMA_KEY)}.json"
    fixture = support.EVENTS.parent / "fixtures" / "transcribe" / "example-call.json"
    stack.put(transcript, fixture.read_bytes())
    stack.transcribe.add_response(
        "get_call_analytics_job",
        {
            "CallAnalyticsJob": {
                "CallAnalyticsJobName": name_of(BUCKET, SMA_KEY),
                "CallAnalyticsJobStatus": "COMPLETED",
                "Media": {"MediaFileUri": f"s3://{BUCKET}/{SMA_KEY}"},
                "Transcript": {"TranscriptFileUri": f"s3://{BUCKET}/{transcript}"},
            }
        },
    )
    send(queue, json.dumps(_completed_event()))
    assert main(["replay", "--queue-url", queue, "--no-notify"]) == 0
    assert remaining(queue) == 0
    assert stack.record(SMA_TX)["report_key"].endswith(".docx")


def test_settings_refusal_stays_in_the_queue_and_replays_once_fixed(stack: Any, queue: str) -> None:
    """A missing custom vocabulary is a settings error: replayable, not a dead recording."""
    stack.put(SMA_KEY, support.wav_bytes(2))
    stack.transcribe.add_client_error(
        "start_call_analytics_job",
        service_error_code="BadRequestException",
        service_message="The requested vocabulary couldn't be found.",
        http_status_code=400,
    )
    send(queue, json.dumps(support.s3_event(SMA_KEY)))
    assert main(["replay", "--queue-url", queue]) == 1
    assert visible(queue) == 1
    name = job_name(BUCKET, SMA_KEY)  # the vocabulary now exists: Transcribe takes the job
    stack.transcribe.add_response(
        "start_call_analytics_job",
        {"CallAnalyticsJob": {"CallAnalyticsJobName": name, "CallAnalyticsJobStatus": "QUEUED"}},
    )
    assert main(["replay", "--queue-url", queue]) == 0
    assert stack.record(SMA_TX)["transcription_job"] == name
    assert remaining(queue) == 0
