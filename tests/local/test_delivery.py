"""Event delivery is wired from the Chalice app's own event sources."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from chalice import Chalice
from chalice.app import CloudWatchEvent, S3Event
from moto import mock_aws

from callrec.local.delivery import EventDelivery, SourceKind


def demo_app(seen: list[Any]) -> Chalice:
    app = Chalice(app_name="wiring")

    @app.on_s3_event(
        bucket="recs", events=["s3:ObjectCreated:*"], prefix="recordings/", name="on_object"
    )
    def on_object(event: S3Event) -> None:
        seen.append(("s3", event.key))

    @app.on_cw_event({"source": ["aws.transcribe"]}, name="on_job")
    def on_job(event: CloudWatchEvent) -> None:
        seen.append(("eventbridge", event.detail["JobName"], event.account))

    return app


@pytest.fixture
def clients() -> Iterator[dict[str, Any]]:
    with mock_aws():
        made = {
            name: boto3.client(name, region_name="us-east-1") for name in ("s3", "sqs", "events")
        }
        made["s3"].create_bucket(Bucket="recs")
        yield made


def wired(clients: dict[str, Any], seen: list[Any]) -> EventDelivery:
    delivery = EventDelivery(
        sqs=clients["sqs"], s3=clients["s3"], events=clients["events"], app=demo_app(seen)
    )
    delivery.wire()
    return delivery


def test_one_queue_per_event_source(clients: dict[str, Any]) -> None:
    delivery = wired(clients, [])
    assert {(s.kind, s.function) for s in delivery.sources} == {
        (SourceKind.S3, "on_object"),
        (SourceKind.EVENTBRIDGE, "on_job"),
    }


def test_s3_notification_keeps_the_prefix_filter(clients: dict[str, Any]) -> None:
    wired(clients, [])
    config = clients["s3"].get_bucket_notification_configuration(Bucket="recs")
    rules = config["QueueConfigurations"][0]["Filter"]["Key"]["FilterRules"]
    assert rules in (
        [{"Name": "Prefix", "Value": "recordings/"}],
        [{"Name": "prefix", "Value": "recordings/"}],
    )


def test_object_under_the_prefix_reaches_the_handler(clients: dict[str, Any]) -> None:
    seen: list[Any] = []
    delivery = wired(clients, seen)
    clients["s3"].put_object(Bucket="recs", Key="recordings/a b.wav", Body=b"x")
    clients["s3"].put_object(Bucket="recs", Key="elsewhere/c.wav", Body=b"x")
    assert delivery.pump(lambda: bool(seen), timeout_s=5)
    assert seen == [("s3", "recordings/a b.wav")]


def test_eventbridge_event_reaches_the_handler_with_its_account(clients: dict[str, Any]) -> None:
    seen: list[Any] = []
    delivery = wired(clients, seen)
    clients["events"].put_events(
        Entries=[
            {
                "Source": "aws.transcribe",
                "DetailType": "Call Analytics Job State Change",
                "Detail": json.dumps({"JobName": "j", "JobStatus": "COMPLETED"}),
            }
        ]
    )
    assert delivery.pump(lambda: bool(seen), timeout_s=5)
    assert seen == [("eventbridge", "j", "123456789012")]


def test_failing_handler_is_retried_then_dead_lettered(clients: dict[str, Any]) -> None:
    app = Chalice(app_name="failing")

    @app.on_cw_event({"source": ["aws.transcribe"]}, name="broken")
    def broken(event: CloudWatchEvent) -> None:
        raise RuntimeError("handler bug")

    dlq = clients["sqs"].create_queue(QueueName="dlq")["QueueUrl"]
    delivery = EventDelivery(
        sqs=clients["sqs"], s3=clients["s3"], events=clients["events"], app=app, dead_letter_url=dlq
    )
    delivery.wire()
    clients["events"].put_events(
        Entries=[{"Source": "aws.transcribe", "DetailType": "x", "Detail": json.dumps({"a": 1})}]
    )
    assert delivery.pump(lambda: bool(delivery.failures()), timeout_s=5)
    failure = delivery.failures()[0]
    assert failure.attempts == 3 and "handler bug" in failure.error
    assert clients["sqs"].receive_message(QueueUrl=dlq).get("Messages")
