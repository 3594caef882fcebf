"""Tell people about finished (or failed) calls: SNS messages with presigned S3 links.

Links are SigV4 presigned GETs. S3 caps SigV4 presigned URLs at 7 days (604800 s), so a longer
``REPORT_LINK_EXPIRY_SECONDS`` is capped, not refused. A URL signed with temporary credentials
(a Lambda role's) also stops working when those credentials expire, whichever comes first.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from chalicelib import aws, settings
from chalicelib.errors import ConfigurationError

logger = logging.getLogger(__name__)

TOPIC_ENV = "NOTIFICATION_TOPIC_ARN"
EXPIRY_ENV = "REPORT_LINK_EXPIRY_SECONDS"
SIGV4_MAX_EXPIRY = 604800  # seconds: S3's limit for SigV4 presigned URLs (7 days)
SUBJECT_MAX = 99  # SNS: subjects are "less than 100 characters long"


def link_expiry_seconds() -> int:
    """``REPORT_LINK_EXPIRY_SECONDS`` (default 7 days), capped at S3's SigV4 maximum."""
    requested = settings.integer(EXPIRY_ENV, SIGV4_MAX_EXPIRY, minimum=1)
    if requested > SIGV4_MAX_EXPIRY:
        logger.warning(
            "%s=%d exceeds S3's SigV4 presigned URL maximum; using %d",
            EXPIRY_ENV,
            requested,
            SIGV4_MAX_EXPIRY,
        )
        return SIGV4_MAX_EXPIRY
    return requested


def presigned_get(bucket: str, key: str, expires_in: int) -> str:
    """A SigV4 presigned GET URL for ``s3://bucket/key`` valid for ``expires_in`` seconds.

    boto3's S3 client still presigns with SigV2 by default unless told otherwise, and SigV2
    is deprecated; a client configured for ``s3v4`` is used here for that reason.
    """
    client = aws.client("s3", signature_version="s3v4")
    url: str = client.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=expires_in
    )
    return url


def topic_arn() -> str:
    """``NOTIFICATION_TOPIC_ARN`` ('' when unset: nothing is published), checked for shape."""
    topic = settings.optional(TOPIC_ENV)
    if topic and (not topic.startswith("arn:") or topic.count(":") < 5):
        raise ConfigurationError(
            f"environment variable {TOPIC_ENV}={topic!r} is not an SNS topic ARN",
            hint="use arn:aws:sns:<region>:<account>:<topic>, or unset it to send nothing",
        )
    return topic


def sns_subject(subject: str) -> str:
    """``subject`` as SNS takes it (Publish API reference: "UTF-8 text with no line breaks or
    control characters", "less than 100 characters long"): names in any script are kept."""
    return "".join(ch for ch in subject if ch.isprintable())[:SUBJECT_MAX]


def publish(subject: str, message: Mapping[str, Any], text: str = "") -> str | None:
    """Publish ``message`` to ``NOTIFICATION_TOPIC_ARN``; None when no topic is set.

    With ``text``, the message is sent with ``MessageStructure=json``: email subscribers get
    ``text`` (a person reads it), every other protocol gets the JSON document under ``default``
    (programs parse it). SNS rule relied on (Publish API reference, MessageStructure): the
    Message must be a JSON object with a top-level ``default`` string, and other top-level keys
    name a transport protocol; a protocol without its own key gets ``default``.
    """
    topic = topic_arn()
    if not topic:
        logger.info("no %s configured: notification not sent (%s)", TOPIC_ENV, subject)
        return None
    message = console_link(message)
    clean_subject = sns_subject(subject)
    document = json.dumps(message, indent=2, sort_keys=True)
    body: dict[str, Any] = {"Message": document}
    if text:
        body = {
            "Message": json.dumps({"default": document, "email": text}),
            "MessageStructure": "json",
        }
    response = aws.call(
        f"SNS Publish to {topic}",
        aws.client("sns").publish,
        TopicArn=topic,
        Subject=clean_subject or "Call recording",
        MessageAttributes={
            "event": {"DataType": "String", "StringValue": str(message.get("event", "unknown"))}
        },
        **body,
    )
    message_id = str(response.get("MessageId", ""))
    logger.info("published %s to %s as %s", subject, topic, message_id)
    return message_id


# --- call console (issue 13): a console link instead of long-lived presigned links -----------
CONSOLE_URL_ENV = "CONSOLE_URL"


def console_url(transaction_id: str) -> str:
    """The call's page in the console when ``CONSOLE_URL`` is set, else ""."""
    console = settings.optional(CONSOLE_URL_ENV).rstrip("/")
    return f"{console}/#/calls/{transaction_id}" if console and transaction_id else ""


def console_link(message: Mapping[str, Any]) -> dict[str, Any]:
    """With ``CONSOLE_URL`` set, ``message`` with its presigned links (``*_url``) replaced by one
    link to the call in the console, which mints short-lived links after sign-in."""
    link = console_url(str(message.get("transaction_id") or ""))
    if not link:
        return dict(message)
    kept = {
        key: value
        for key, value in message.items()
        if not key.endswith("_url") and key != "links_expire_in_seconds"
    }
    kept["console_url"] = link
    return kept
