"""Delivery of S3 and EventBridge events to the Chalice handlers, from the app's own wiring.

The event sources are read from the Chalice app (``app.event_sources``): each ``on_s3_event``
becomes an S3 bucket notification to an SQS queue, each ``on_cw_event`` an EventBridge rule
(with the handler's event pattern) on the default bus with that queue as its target — the same
paths AWS uses, so moto produces the real event shapes. :meth:`EventDelivery.pump` reads the
queues and invokes the handlers in-process through ``chalice.test.Client`` (which also applies
the stage's environment variables from .chalice/config.json). A handler that raises is retried
twice, as Lambda retries asynchronous invocations, then its event goes to the dead-letter queue.
"""

from __future__ import annotations

import json
import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

APP_DIR = Path(__file__).resolve().parents[3] / "chalice_app"
ASYNC_ATTEMPTS = 3  # Lambda: the first attempt and two retries
POLL_INTERVAL_S = 0.05


class SourceKind(StrEnum):
    S3 = "s3"
    EVENTBRIDGE = "eventbridge"


@dataclass(frozen=True)
class Source:
    kind: SourceKind
    function: str
    queue_url: str
    queue_arn: str


@dataclass
class Delivery:
    """One handler invocation: what went in, what came out (or the error)."""

    function: str
    event: dict[str, Any]
    result: Any = None
    error: str = ""
    trace: str = ""
    attempts: int = 1


@dataclass
class EventDelivery:
    """Wires the app's event sources to queues, then pumps queued events into the handlers."""

    sqs: Any
    s3: Any
    events: Any
    app: Any
    dead_letter_url: str = ""
    sources: list[Source] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    _client: Any = None

    @classmethod
    def wired(cls, client: Callable[[str], Any], app: Any, dead_letter_url: str) -> EventDelivery:
        """A delivery on the stack's clients (``client(service)``), its event sources wired."""
        delivery = cls(
            sqs=client("sqs"),
            s3=client("s3"),
            events=client("events"),
            app=app,
            dead_letter_url=dead_letter_url,
        )
        delivery.wire()
        return delivery

    def wire(self) -> list[Source]:
        """Create the queues, notifications and rules for every event source of the app."""
        from chalice.app import CloudWatchEventConfig, S3EventConfig

        notifications: dict[str, list[dict[str, Any]]] = {}
        for config in self.app.event_sources:
            if isinstance(config, S3EventConfig):
                source = self._queue(SourceKind.S3, config.name)
                rules = [{"Name": "prefix", "Value": config.prefix}] if config.prefix else []
                if config.suffix:
                    rules.append({"Name": "suffix", "Value": config.suffix})
                entry: dict[str, Any] = {"QueueArn": source.queue_arn, "Events": config.events}
                if rules:
                    entry["Filter"] = {"Key": {"FilterRules": rules}}
                notifications.setdefault(config.bucket, []).append(entry)
            elif isinstance(config, CloudWatchEventConfig):
                source = self._queue(SourceKind.EVENTBRIDGE, config.name)
                rule = f"local-{config.name}"
                self.events.put_rule(Name=rule, EventPattern=json.dumps(config.event_pattern))
                self.events.put_targets(
                    Rule=rule, Targets=[{"Id": config.name, "Arn": source.queue_arn}]
                )
            else:
                continue
            self.sources.append(source)
        for bucket, queues in notifications.items():
            self.s3.put_bucket_notification_configuration(
                Bucket=bucket, NotificationConfiguration={"QueueConfigurations": queues}
            )
        self._drain_test_events()
        return self.sources

    def _queue(self, kind: SourceKind, function: str) -> Source:
        url = self.sqs.create_queue(QueueName=f"local-{function}")["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        return Source(kind, function, url, arn)

    def _drain_test_events(self) -> None:
        # S3 sends an s3:TestEvent when a notification is configured; Lambda never sees it.
        for source in self.sources:
            if source.kind is SourceKind.S3:
                self._receive(source)

    def pump(self, until: Callable[[], bool], timeout_s: float) -> bool:
        """Deliver queued events until ``until()`` holds (True) or ``timeout_s`` passes (False)."""
        deadline = time.monotonic() + timeout_s
        while True:
            delivered = sum(self._deliver(source) for source in self.sources)
            if until():
                return True
            if time.monotonic() > deadline:
                return False
            if not delivered:
                time.sleep(POLL_INTERVAL_S)

    def _receive(self, source: Source) -> list[dict[str, Any]]:
        response = self.sqs.receive_message(
            QueueUrl=source.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
        )
        messages: list[dict[str, Any]] = response.get("Messages", [])
        for message in messages:
            self.sqs.delete_message(
                QueueUrl=source.queue_url, ReceiptHandle=message["ReceiptHandle"]
            )
        return messages

    def _deliver(self, source: Source) -> int:
        count = 0
        for message in self._receive(source):
            event = json.loads(message["Body"])
            if source.kind is SourceKind.S3 and event.get("Event") == "s3:TestEvent":
                continue
            if source.kind is SourceKind.EVENTBRIDGE:
                # moto's SQS target drops the envelope's "account" (every EventBridge event has
                # it, and Chalice's CloudWatchEvent requires it): restore it from the queue ARN.
                event.setdefault("account", source.queue_arn.split(":")[4])
            self.deliveries.append(self._invoke(source.function, event))
            count += 1
        return count

    def lambda_client(self) -> Any:
        """The app's ``chalice.test.Client`` (dev stage environment), shared by every caller."""
        from chalice.test import Client

        if self._client is None:
            self._client = Client(self.app, stage_name="dev", project_dir=str(APP_DIR))
        return self._client

    def invoke_sma_handler(self, event: dict[str, Any]) -> Any:
        """The SMA handler's answer to one invocation event (Chime invokes it synchronously)."""
        return self.lambda_client().lambda_.invoke("sma_handler", event).payload

    def _invoke(self, function: str, event: dict[str, Any]) -> Delivery:
        client = self.lambda_client()
        delivery = Delivery(function, event)
        for attempt in range(1, ASYNC_ATTEMPTS + 1):
            delivery.attempts = attempt
            try:
                delivery.result = client.lambda_.invoke(function, event).payload
                delivery.error = ""
                return delivery
            except Exception as error:  # noqa: BLE001  (any Lambda failure: retried, then dead-lettered)
                delivery.error = f"{type(error).__name__}: {error}"
                delivery.trace = traceback.format_exc()
                logger.warning("%s failed (attempt %d): %s", function, attempt, delivery.error)
        if self.dead_letter_url:
            self.sqs.send_message(QueueUrl=self.dead_letter_url, MessageBody=json.dumps(event))
        return delivery

    def failures(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.error]
