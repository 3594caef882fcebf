"""The report notification links to the console instead of carrying presigned links, when the
console is deployed (``CONSOLE_URL``)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.stub import ANY, Stubber

from chalicelib import aws, notify

MESSAGE = {
    "event": "report-ready",
    "transaction_id": "a1b2c3d4-0000-4000-8000-000000000001",
    "report": "s3://bucket/reports/x.docx",
    "report_url": "https://bucket.s3.amazonaws.com/reports/x.docx?X-Amz-Expires=604800",
    "recording_url": "https://bucket.s3.amazonaws.com/recordings/x.wav?X-Amz-Expires=604800",
    "links_expire_in_seconds": 604800,
}


def published(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("NOTIFICATION_TOPIC_ARN", "arn:aws:sns:us-east-1:111122223333:reports")
    sent: dict[str, Any] = {}
    client = aws.client("sns")
    client.meta.events.register(
        "provide-client-params.sns.Publish", lambda params, **_: sent.update(params)
    )
    with Stubber(client) as stubber:
        stubber.add_response(
            "publish",
            {"MessageId": "m-1"},
            {**dict.fromkeys(("TopicArn", "Subject", "Message", "MessageAttributes"), ANY)},
        )
        notify.publish("Call report ready", MESSAGE)
    return dict(json.loads(sent["Message"]))


def test_with_a_console_the_message_links_to_the_call_and_no_presigned_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CONSOLE_URL", "https://d111.cloudfront.net/")
    message = published(monkeypatch)
    assert message["console_url"] == (
        "https://d111.cloudfront.net/#/calls/a1b2c3d4-0000-4000-8000-000000000001"
    )
    assert not [key for key in message if key.endswith("_url") and key != "console_url"]
    assert "links_expire_in_seconds" not in message
    assert message["report"] == "s3://bucket/reports/x.docx"


def test_without_a_console_the_presigned_links_stay(monkeypatch: pytest.MonkeyPatch) -> None:
    message = published(monkeypatch)
    assert message["report_url"] == MESSAGE["report_url"]
    assert "console_url" not in message


def _report_ready_text() -> str:
    from chalicelib.recording_keys import parse_recording_key
    from chalicelib.report.notices import ReportLinks, report_ready

    key = (
        "recordings/2026/11/20/2026-11-20-14-01-05-123_"
        "a1b2c3d4-0000-4000-8000-000000000001_c0ffee00-0000-4000-8000-000000000002.wav"
    )
    links = ReportLinks(
        "s3://b/r.docx", MESSAGE["report_url"], "s3://b/x.wav", MESSAGE["recording_url"], 604800
    )
    return report_ready(parse_recording_key(key), "job-1", "+15550199", links, {}).text


def test_with_a_console_the_email_text_links_to_the_call_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CONSOLE_URL", "https://d111.cloudfront.net")
    text = _report_ready_text()
    assert (
        "Console: https://d111.cloudfront.net/#/calls/a1b2c3d4-0000-4000-8000-000000000001" in text
    )
    assert "X-Amz-Expires" not in text


def test_without_a_console_the_email_text_carries_the_links() -> None:
    text = _report_ready_text()
    assert f"Report: {MESSAGE['report_url']}" in text
