"""What the report Lambda tells people: one notice per job outcome, for a person and a program.

Each notice has a subject, a plain-text body (one paragraph, then the links) for the people who
read it in an email, and a JSON document for the programs subscribed to the topic. The JSON
keys are a contract with subscribers (``event`` is also a message attribute they filter on).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.notify import console_url
from chalicelib.recording_keys import RecordingKey

REPORT_READY = "report-ready"
TRANSCRIPTION_FAILED = "transcription-failed"


@dataclass(frozen=True)
class Notice:
    event: str
    subject: str
    message: Mapping[str, Any]
    text: str


@dataclass(frozen=True)
class ReportLinks:
    report: str
    report_url: str
    recording: str
    recording_url: str
    expires_in_seconds: int


def report_ready(
    recording: RecordingKey,
    job_name: str,
    party: str,
    links: ReportLinks,
    headline: Mapping[str, Any],
) -> Notice:
    """The report of ``job_name`` is stored; ``links`` open it and the recording."""
    message = {
        "event": REPORT_READY,
        "transaction_id": recording.transaction_id,
        "job_name": job_name,
        "started_at": recording.started_at.isoformat(),
        "report": links.report,
        "report_url": links.report_url,
        "recording": links.recording,
        "recording_url": links.recording_url,
        "links_expire_in_seconds": links.expires_in_seconds,
        **headline,
    }
    subject = f"Call report ready: {party}"
    opening = (
        f"The call with {party} that started {_when(recording.started_at)} "
        f"({_figures(headline)}) has been transcribed and its report is ready."
    )
    console = console_url(recording.transaction_id)
    lines: tuple[str, ...]
    if console:  # the console mints short-lived links after sign-in: no links that expire here
        lines = (
            f"{opening} Open the call in the console to read, play or download it.",
            "",
            f"Console: {console}",
        )
    else:
        until = datetime.now(UTC) + timedelta(seconds=links.expires_in_seconds)
        lines = (
            f"{opening} The links below open the report and the recording until {_when(until)}.",
            "",
            f"Report: {links.report_url}",
            f"Recording: {links.recording_url}",
        )
    text = "\n".join((subject, "", *lines))
    return Notice(REPORT_READY, subject, message, text + "\n")


def transcription_failed(
    recording: RecordingKey, bucket: str, job_name: str, reason: str
) -> Notice:
    """The job failed, or its transcript could not be turned into a report."""
    location = f"s3://{bucket}/{recording.key}"
    message = {
        "event": TRANSCRIPTION_FAILED,
        "transaction_id": recording.transaction_id,
        "job_name": job_name,
        "recording": location,
        "reason": reason,
    }
    subject = "Call transcription failed"
    paragraph = (
        f"The recording of the call that started {_when(recording.started_at)} could not be "
        f"turned into a report: {reason}. The recording is kept at {location}, and call "
        f"record {recording.transaction_id} holds the details."
    )
    return Notice(TRANSCRIPTION_FAILED, subject, message, f"{subject}\n\n{paragraph}\n")


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _figures(headline: Mapping[str, Any]) -> str:
    turns = int(headline.get("turns", 0))
    issues = int(headline.get("issues", 0))
    parts = [
        f"{headline.get('duration', '0:00')} long",
        f"{turns} turn{'s' if turns != 1 else ''}",
        f"{issues} issue{'s' if issues != 1 else ''}",
    ]
    return ", ".join(parts)
