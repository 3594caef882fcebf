from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws

from chalicelib import aws
from chalicelib.owners import security_events
from chalicelib.owners.security_events import Kind


@pytest.fixture
def sinks(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """A topic and an EventBridge rule, each delivering into its own SQS queue."""
    with mock_aws():
        sqs, sns, events = aws.client("sqs"), aws.client("sns"), aws.client("events")
        queues = {}
        for name in ("sns-inbox", "events-inbox"):
            url = sqs.create_queue(QueueName=name)["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
            queues[name] = (url, arn["Attributes"]["QueueArn"])
        topic = sns.create_topic(Name="admins")["TopicArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queues["sns-inbox"][1])
        events.put_rule(
            Name="security",
            EventPattern=json.dumps(
                {"source": [security_events.SOURCE], "detail-type": [security_events.DETAIL_TYPE]}
            ),
        )
        events.put_targets(Rule="security", Targets=[{"Id": "q", "Arn": queues["events-inbox"][1]}])
        monkeypatch.setenv("NOTIFICATION_TOPIC_ARN", topic)
        monkeypatch.setenv("SECURITY_EVENT_BUS", "default")
        yield {name: url for name, (url, _) in queues.items()}


def received(url: str) -> list[dict[str, Any]]:
    messages = aws.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    return [json.loads(m["Body"]) for m in messages.get("Messages", [])]


def publish() -> None:
    security_events.publish(
        Kind.PIN_LOCKOUT,
        owner_id="alice",
        transaction_id="tx-1",
        reason="5 wrong PINs in 900 s",
        locked_until="2025-12-01T13:00:00Z",
    )


def test_the_event_reaches_eventbridge_with_the_documented_detail_type(
    sinks: dict[str, str],
) -> None:
    publish()
    (event,) = received(sinks["events-inbox"])
    assert (event["source"], event["detail-type"]) == ("callrec.owners", "Owner Security Event")
    assert event["detail"] == {
        "kind": "pin_lockout",
        "owner_id": "alice",
        "transaction_id": "tx-1",
        "reason": "5 wrong PINs in 900 s",
        "locked_until": "2025-12-01T13:00:00Z",
    }


def test_the_event_reaches_the_admins_topic(sinks: dict[str, str]) -> None:
    publish()
    (envelope,) = received(sinks["sns-inbox"])
    assert envelope["MessageAttributes"]["event"]["Value"] == "security.pin_lockout"
    assert json.loads(envelope["Message"])["owner_id"] == "alice"


def test_a_failing_sink_never_raises(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SECURITY_EVENT_BUS", "no-such-bus")
    monkeypatch.setenv("NOTIFICATION_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:missing")
    with mock_aws():
        publish()
    assert "not sent to SNS" in caplog.text


def test_without_a_bus_nothing_goes_to_eventbridge(
    sinks: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECURITY_EVENT_BUS")
    publish()
    assert received(sinks["events-inbox"]) == []
    assert len(received(sinks["sns-inbox"])) == 1
