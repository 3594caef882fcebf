"""``callrec replay``: re-drive events from the dead-letter queue.

``start_transcription`` (S3 events) and ``render_report`` (EventBridge events) run as
asynchronous invocations: Lambda retries a failed event, then sends it to the dead-letter
queue. The message body is the original event; Lambda adds the attributes ``RequestID``,
``ErrorCode`` and ``ErrorMessage`` (an EventBridge target DLQ adds ``ERROR_CODE``,
``ERROR_MESSAGE``, ``RULE_ARN`` and ``TARGET_ARN``). Replay recognises the event by its shape and
either runs the handler here (``--target local``, with this shell's environment) or invokes
the deployed function asynchronously (``--target lambda``). A message is deleted only once its
event was handled (or handed to Lambda); anything else is handed back to the queue at once
(ChangeMessageVisibility to 0), so an immediate re-run sees it. The settings the handlers need
are checked before anything is replayed or deleted.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from callrec import aws_options
from chalicelib.errors import CallRecError

BATCH = 10  # SQS ReceiveMessage maximum
REPLAY_VISIBILITY_SECONDS = 300  # how long a received message stays hidden while it is replayed
FUNCTIONS = {"s3": "start_transcription", "transcribe": "render_report"}
ATTRIBUTES = ("ErrorCode", "ErrorMessage", "RequestID", "ERROR_CODE", "ERROR_MESSAGE", "RULE_ARN")


class ReplayError(CallRecError):
    """A dead-letter message cannot be replayed as it is."""

    code = "ReplayError"


@dataclass(frozen=True)
class Message:
    receipt_handle: str
    message_id: str
    event: Mapping[str, Any] | None
    attributes: Mapping[str, str]

    @property
    def kind(self) -> str | None:
        """``s3`` or ``transcribe`` (the handler the event belongs to), or None."""
        from chalicelib.report.job_events import JobStateChange
        from chalicelib.transcription.s3_events import S3Event

        if self.event is None:
            return None
        if S3Event.looks_like(self.event):
            return "s3"
        if JobStateChange.looks_like(self.event):
            return "transcribe"
        return None


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("replay", help="re-drive events from the dead-letter queue")
    parser.add_argument("--queue-url", required=True, help="URL of the dead-letter queue")
    parser.add_argument(
        "--target",
        choices=("local", "lambda"),
        default="local",
        help="run the handlers here (local) or invoke the deployed functions (lambda)",
    )
    parser.add_argument(
        "--function-prefix",
        default="callrec-dev-",
        help="deployed function name prefix for --target lambda (Chalice: <app>-<stage>-)",
    )
    parser.add_argument("--max", type=int, default=100, help="replay at most this many messages")
    parser.add_argument("--dry-run", action="store_true", help="list the messages; change nothing")
    parser.add_argument(
        "--no-notify",
        action="store_true",
        help="replay report events locally without NOTIFICATION_TOPIC_ARN (no notices are sent)",
    )
    aws_options.add_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.max < 1:
        raise ReplayError("--max must be at least 1", hint="pass a positive number")
    aws_options.configure(args)
    from chalicelib import aws

    sqs = aws.client("sqs")
    messages = _collect(sqs, args.queue_url, args.max, args.dry_run)
    if not args.dry_run:
        try:
            _check_settings(args, {m.kind for m in messages if m.kind})
        except CallRecError:
            _release(sqs, args.queue_url, messages)
            raise
    replayed = sum(_replay_one(sqs, args, message) for message in messages)
    failed = len(messages) - replayed
    verb = "listed" if args.dry_run else "replayed"
    print(
        f"{verb} {replayed} of {len(messages)} message(s); {failed} left in the queue",
        file=sys.stderr,
    )
    return 1 if failed else 0


def _collect(sqs: Any, queue_url: str, most: int, dry_run: bool) -> list[Message]:
    """Up to ``most`` messages, each once (a dry run hands them back at once, so ids repeat)."""
    collected: dict[str, Message] = {}
    while len(collected) < most:
        batch = _receive(sqs, queue_url, min(BATCH, most - len(collected)), dry_run)
        fresh = [m for m in batch if m.message_id not in collected]
        if not fresh:  # empty queue, or (dry run) only messages already listed
            break
        collected.update((m.message_id, m) for m in fresh[: most - len(collected)])
    return list(collected.values())


def _check_settings(args: argparse.Namespace, kinds: set[str]) -> None:
    """Every setting the handlers will need here, before a single message is replayed.

    The deployed functions (``--target lambda``) carry their own settings. Run here, a missing
    ``NOTIFICATION_TOPIC_ARN`` would make the report handler skip the notice the original
    delivery would have sent, and the message would be deleted all the same: refused, unless
    ``--no-notify`` says the deployment has no topic.
    """
    if args.target != "local" or not kinds:
        return
    from chalicelib import notify
    from chalicelib.call_records import CallRecords

    CallRecords()
    if "s3" in kinds:
        from chalicelib.transcription.config import TranscriptionConfig

        TranscriptionConfig.from_env()
    if "transcribe" in kinds:
        from chalicelib.report.handler import ReportSettings

        ReportSettings.from_env()
        if not notify.topic_arn() and not args.no_notify:
            raise ReplayError(
                f"{notify.TOPIC_ENV} is not set, so the replayed reports would send no notice",
                hint=f"set {notify.TOPIC_ENV} to the deployment's topic, or pass --no-notify "
                "if the deployment has none; nothing was replayed or deleted",
            )


def _release(sqs: Any, queue_url: str, messages: list[Message]) -> None:
    for message in messages:
        _make_visible(sqs, queue_url, message)


def _make_visible(sqs: Any, queue_url: str, message: Message) -> str:
    """Hand ``message`` back to the queue now; the sentence to print about when it is back."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        sqs.change_message_visibility(
            QueueUrl=queue_url, ReceiptHandle=message.receipt_handle, VisibilityTimeout=0
        )
    except (ClientError, BotoCoreError) as error:
        return f"it is back in the queue in {REPLAY_VISIBILITY_SECONDS} s ({error})"
    return "it is back in the queue now"


def _replay_one(sqs: Any, args: argparse.Namespace, message: Message) -> bool:
    details = ", ".join(f"{k}={v}" for k, v in message.attributes.items())
    kind = message.kind
    label = f"{message.message_id} [{kind or 'unrecognised'}] {details}".rstrip()
    if kind is None:
        back = "" if args.dry_run else f"; {_make_visible(sqs, args.queue_url, message)}"
        print(f"skip {label}: the body is not an S3 or Transcribe event{back}", file=sys.stderr)
        return False
    if args.dry_run:
        print(f"would replay {label}")
        return True
    assert message.event is not None
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        if args.target == "lambda":
            _invoke(f"{args.function_prefix}{FUNCTIONS[kind]}", message.event)
        else:
            _run_locally(kind, message.event)
    except (CallRecError, ClientError, BotoCoreError) as error:
        back = _make_visible(sqs, args.queue_url, message)
        print(f"failed {label}: {error}; {back}", file=sys.stderr)
        return False
    sqs.delete_message(QueueUrl=args.queue_url, ReceiptHandle=message.receipt_handle)
    print(f"replayed {label}")
    return True


def _run_locally(kind: str, event: Mapping[str, Any]) -> None:
    if kind == "s3":
        from chalicelib.transcription.handler import handle_s3_event

        for result in handle_s3_event(event):
            print(f"  {result.key}: {result.outcome.value} {result.job_name}".rstrip())
    else:
        from chalicelib.report.handler import handle_job_event

        report = handle_job_event(event)
        print(f"  {report.job_name}: {report.outcome.value} {report.report_key}".rstrip())


def _invoke(function_name: str, event: Mapping[str, Any]) -> None:
    from botocore.exceptions import BotoCoreError, ClientError

    from chalicelib import aws

    try:
        aws.client("lambda").invoke(
            FunctionName=function_name,
            InvocationType="Event",
            Payload=json.dumps(event).encode(),
        )
    except (ClientError, BotoCoreError) as error:
        raise ReplayError(
            f"could not invoke {function_name}: {error}",
            hint="check --function-prefix and your permission to lambda:InvokeFunction",
        ) from error


def _receive(sqs: Any, queue_url: str, count: int, dry_run: bool) -> list[Message]:
    response = sqs.receive_message(
        QueueUrl=queue_url,
        MaxNumberOfMessages=count,
        MessageAttributeNames=["All"],
        WaitTimeSeconds=0,
        # A dry run hands messages straight back; a replay keeps them hidden while it works
        # (and hands back each one it could not replay, see _make_visible).
        VisibilityTimeout=0 if dry_run else REPLAY_VISIBILITY_SECONDS,
    )
    return [_message(raw) for raw in response.get("Messages", [])]


def _message(raw: Mapping[str, Any]) -> Message:
    try:
        event = json.loads(raw.get("Body", ""))
    except json.JSONDecodeError:
        event = None
    attributes = {
        name: str(value.get("StringValue", ""))
        for name, value in (raw.get("MessageAttributes") or {}).items()
        if name in ATTRIBUTES
    }
    return Message(
        receipt_handle=str(raw["ReceiptHandle"]),
        message_id=str(raw.get("MessageId", "")),
        event=event if isinstance(event, Mapping) else None,
        attributes=attributes,
    )
