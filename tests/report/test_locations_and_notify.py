from __future__ import annotations

import pytest

from chalicelib import notify
from chalicelib.errors import ConfigurationError, TranscriptError
from chalicelib.report.locations import split_s3_uri


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("s3://bucket/a/b.json", ("bucket", "a/b.json")),
        ("https://s3.us-east-1.amazonaws.com/bucket/a/b.json", ("bucket", "a/b.json")),
        ("https://s3.amazonaws.com/bucket/a%20b.json", ("bucket", "a b.json")),
        ("https://bucket.s3.eu-west-1.amazonaws.com/a/b.json", ("bucket", "a/b.json")),
        ("https://my.bucket.s3-eu-west-1.amazonaws.com/a.json", ("my.bucket", "a.json")),
        ("http://127.0.0.1:5000/bucket/a/b.json", ("bucket", "a/b.json")),
    ],
)
def test_transcribe_uri_forms(uri: str, expected: tuple[str, str]) -> None:
    assert split_s3_uri(uri) == expected


@pytest.mark.parametrize("uri", ["", "s3://bucket-only", "ftp://x/y", "https://s3.amazonaws.com/b"])
def test_uri_without_bucket_and_key_is_rejected(uri: str) -> None:
    with pytest.raises(TranscriptError):
        split_s3_uri(uri)


def test_link_expiry_default_is_seven_days(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REPORT_LINK_EXPIRY_SECONDS", raising=False)
    assert notify.link_expiry_seconds() == 604800


def test_link_expiry_below_the_cap_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORT_LINK_EXPIRY_SECONDS", "3600")
    assert notify.link_expiry_seconds() == 3600


@pytest.mark.parametrize("raw", ["0", "-5", "a week"])
def test_unusable_link_expiry_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv("REPORT_LINK_EXPIRY_SECONDS", raw)
    with pytest.raises(ConfigurationError, match="REPORT_LINK_EXPIRY_SECONDS"):
        notify.link_expiry_seconds()


def test_without_a_topic_nothing_is_published(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTIFICATION_TOPIC_ARN", raising=False)
    assert notify.publish("subject", {"event": "report-ready"}) is None


def test_published_subject_obeys_sns_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """SNS subjects: no line breaks or control characters, less than 100 characters long."""
    import json

    import boto3
    from moto import mock_aws

    from chalicelib import aws

    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        aws.reset_clients()
        topic = boto3.client("sns").create_topic(Name="callrec-reports")["TopicArn"]
        sqs = boto3.client("sqs")
        queue = sqs.create_queue(QueueName="inbox")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        boto3.client("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
        monkeypatch.setenv("NOTIFICATION_TOPIC_ARN", topic)
        assert notify.publish("Call report ready:\n" + "x" * 200, {"event": "report-ready"})
        [message] = sqs.receive_message(QueueUrl=queue)["Messages"]
        subject = json.loads(message["Body"])["Subject"]
        aws.reset_clients()
    assert len(subject) == notify.SUBJECT_MAX < 100
    assert subject.startswith("Call report ready:x")


def test_subject_keeps_names_outside_ascii_and_drops_control_characters() -> None:
    """SNS asks for UTF-8 without line breaks or control characters, not for ASCII."""
    assert notify.sns_subject("Call report ready: José Müller\r\n\t") == (
        "Call report ready: José Müller"
    )


def test_published_message_carries_its_event_as_a_filterable_attribute(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Subscribers filter on the ``event`` message attribute (report-ready or a failure)."""
    import json

    import boto3
    from moto import mock_aws

    from chalicelib import aws

    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        aws.reset_clients()
        topic = boto3.client("sns").create_topic(Name="callrec-reports")["TopicArn"]
        sqs = boto3.client("sqs")
        queue = sqs.create_queue(QueueName="inbox")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        boto3.client("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
        monkeypatch.setenv("NOTIFICATION_TOPIC_ARN", topic)
        notify.publish("Call transcription failed", {"event": "transcription-failed"})
        [message] = sqs.receive_message(QueueUrl=queue)["Messages"]
        attributes = json.loads(message["Body"])["MessageAttributes"]
        aws.reset_clients()
    assert attributes["event"] == {"Type": "String", "Value": "transcription-failed"}
