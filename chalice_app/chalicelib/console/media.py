"""Presigned links to a call's recording, report and transcript, and the transcript as turns.

Links are SigV4 presigned GETs minted per request, after authorization, and valid for
``CONSOLE_LINK_EXPIRY_SECONDS`` (default 300, at most 900). The transcript is parsed here with
the report's own model (:mod:`chalicelib.report.model`), so the browser never reads S3 JSON
itself and the bucket needs no CORS rule.

Where the transcript is comes from Transcribe (GetCallAnalyticsJob / GetTranscriptionJob), as
for the report: the job knows its output file, including a redacted one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from chalicelib import aws, notify, settings
from chalicelib.channels import Direction, Leg, owner_channel
from chalicelib.console.errors import ConflictError, NotFoundError
from chalicelib.console.summary import has_recording, has_report, has_transcript
from chalicelib.errors import TranscriptError
from chalicelib.report import model
from chalicelib.report.locations import split_s3_uri
from chalicelib.transcription import jobs
from chalicelib.transcription.jobs import JobKind

EXPIRY_ENV = "CONSOLE_LINK_EXPIRY_SECONDS"
DEFAULT_EXPIRY = 300
MAX_EXPIRY = 900  # the contract's ceiling (15 minutes), well under S3's SigV4 limit
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SPEAKERS = {"AGENT": "owner", "CUSTOMER": "other"}  # the owner's channel is the AGENT's


def link_expiry() -> int:
    return settings.integer(EXPIRY_ENV, DEFAULT_EXPIRY, minimum=1, maximum=MAX_EXPIRY)


def recording_link(record: Mapping[str, Any]) -> dict[str, Any]:
    """``GET /calls/{id}/recording``: a link, its content type and which channel is whom."""
    if not has_recording(record):
        raise NotFoundError(
            "this call has no recording", hint="it was not recorded or not yet written"
        )
    expires = link_expiry()
    key = str(record["recording_key"])
    return {
        "url": notify.presigned_get(str(record["recording_bucket"]), key, expires),
        "expires_in": expires,
        "content_type": str(record.get("recording_media_type") or _audio_type(key)),
        "channels": channels(record),
    }


def report_link(record: Mapping[str, Any]) -> dict[str, Any]:
    """``GET /calls/{id}/report``: a link to the Word report."""
    if not has_report(record):
        raise NotFoundError("this call has no report yet", hint="it is rendered once transcribed")
    expires = link_expiry()
    bucket, key = str(record["recording_bucket"]), str(record["report_key"])
    return {
        "url": notify.presigned_get(bucket, key, expires),
        "expires_in": expires,
        "content_type": DOCX_TYPE,
    }


def transcript_view(record: Mapping[str, Any]) -> dict[str, Any]:
    """``GET /calls/{id}/transcript``: a link to the JSON plus its turns, talk time, sentiment."""
    bucket, key = transcript_location(record)
    analysis = read_analysis(bucket, key)
    expires = link_expiry()
    talk = analysis.talk_time_ms()
    non_talk_ms, _ = analysis.non_talk()
    overall = analysis.overall_sentiment()
    return {
        "url": notify.presigned_get(bucket, key, expires),
        "expires_in": expires,
        "turns": [_turn(turn) for turn in analysis.turns],
        "talk_time": {
            "owner": talk.get("AGENT", 0) / 1000,
            "other": talk.get("CUSTOMER", 0) / 1000,
            "non_talk": non_talk_ms / 1000,
        },
        "sentiment": {"owner": overall.get("AGENT"), "other": overall.get("CUSTOMER")},
    }


def transcript_text(record: Mapping[str, Any]) -> str:
    """The whole transcript as lower-case text (the ``q`` filter); '' without a transcript."""
    if not has_transcript(record):
        return ""
    try:
        analysis = read_analysis(*transcript_location(record))
    except (NotFoundError, ConflictError):
        return ""
    return " ".join(" ".join(turn.content.split()) for turn in analysis.turns).lower()


def channels(record: Mapping[str, Any]) -> dict[str, str]:
    """Which stereo channel carries whom (see :mod:`chalicelib.channels`)."""
    try:
        direction = Direction(str(record.get("direction", "")))
        leg = Leg(str(record.get("recorded_leg") or Leg.A.value))
    except ValueError:
        direction, leg = Direction.OUTBOUND, Leg.A
    left_is_owner = owner_channel(direction, leg) == 0
    return {
        "left": "owner" if left_is_owner else "other",
        "right": "other" if left_is_owner else "owner",
    }


def transcript_location(record: Mapping[str, Any]) -> tuple[str, str]:
    """``(bucket, key)`` of the transcript the report was made from (the redacted one if any)."""
    uris = transcript_uris(record)
    if not uris:
        raise NotFoundError(
            "this call has no transcript yet", hint="it is written once transcribed"
        )
    return split_s3_uri(uris[0])


def transcript_uris(record: Mapping[str, Any]) -> list[str]:
    """Every transcript file of the call's job, redacted first; [] when there is no job."""
    name = str(record.get("transcription_job") or "")
    if not name or not has_transcript(record):
        return []
    job = _describe_job(name, str(record.get("transcription_kind") or JobKind.CALL_ANALYTICS))
    files = job.get("Transcript") or {}
    return [
        str(files[field])
        for field in ("RedactedTranscriptFileUri", "TranscriptFileUri")
        if files.get(field)
    ]


def read_analysis(bucket: str, key: str) -> model.CallAnalysis:
    data = aws.read_object(bucket, key)
    if data is None:
        raise NotFoundError("the transcript file is gone", hint="the call may have been deleted")
    try:
        return model.load(json.loads(data))
    except (ValueError, TranscriptError) as error:
        raise ConflictError(
            f"the transcript cannot be read: {error}", hint="see the call's notes"
        ) from error


def _describe_job(name: str, kind: str) -> Mapping[str, Any]:
    from botocore.exceptions import ClientError

    try:
        standard = kind == JobKind.STANDARD
        return jobs.describe(JobKind.STANDARD if standard else JobKind.CALL_ANALYTICS, name)
    except ClientError as error:
        if aws.error_code(error) in {"NotFoundException", "BadRequestException"}:
            raise NotFoundError(
                f"Transcribe no longer knows job {name}", hint="its transcript is unavailable"
            ) from error
        raise


def _turn(turn: model.Turn) -> dict[str, Any]:
    return {
        "start": turn.span.begin_ms / 1000,
        "end": turn.span.end_ms / 1000,
        "speaker": SPEAKERS.get(turn.role, "other"),
        "text": turn.content,
        "sentiment": turn.sentiment or None,
    }


def _audio_type(key: str) -> str:
    return "audio/ogg" if key.endswith(".ogg") else "audio/wav"
