"""``start_transcription``: an object created in the recordings bucket starts a Transcribe job.

Per record: decode and parse the key, read the object's metadata and first bytes, look up the
call record for the channel mapping, and start a Call Analytics job (stereo) or a standard job
with speaker labels (mono). Every record is processed; permanent problems are written to the
call record as notes; transient AWS failures are re-raised after the other records are done so
that Lambda retries the event (each step is idempotent, so a retry repeats no work).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from chalicelib import aws
from chalicelib.call_records import CallRecords
from chalicelib.channels import Direction, Leg, owner_channel
from chalicelib.errors import (
    CallRecError,
    RecordingKeyError,
    TransientAwsError,
    UnprocessableRecordingError,
)
from chalicelib.recording_keys import (
    RecordingKey,
    parse_recording_key,
    transaction_id_hint,
)
from chalicelib.transcription import audio_probe, jobs
from chalicelib.transcription.config import TranscriptionConfig, recordings_prefix
from chalicelib.transcription.s3_events import S3Event, S3EventRecord

logger = logging.getLogger(__name__)

RECORDING_SUFFIXES = (".wav", ".ogg")
REJECTED_PREFIX = "rejected#"
DEFAULT_AGENT_CHANNEL = 0
# Object metadata Chime's StartCallRecording writes (besides the ids), as call record attributes:
# the duration in seconds and the audio file format as an internet media type.
RECORDING_METADATA = (
    ("recording-duration", "recording_duration"),
    ("recording-audio-file-format", "recording_media_type"),
)


class Outcome(StrEnum):
    STARTED = "started"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    REJECTED = "rejected"
    MISSING = "missing"
    UNPROCESSABLE = "unprocessable"


@dataclass(frozen=True)
class RecordResult:
    key: str
    outcome: Outcome
    job_name: str = ""
    detail: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "key": self.key,
            "outcome": self.outcome.value,
            "job_name": self.job_name,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class _ObjectHead:
    size: int
    metadata: Mapping[str, str]


def handle_s3_event(raw_event: Mapping[str, Any]) -> list[RecordResult]:
    """Process every record; raise TransientAwsError at the end if any record needs a retry."""
    if raw_event.get("Event") == "s3:TestEvent":  # sent once when notifications are configured
        logger.info("ignored the S3 test event for bucket %s", raw_event.get("Bucket"))
        return []
    results: list[RecordResult] = []
    retry: TransientAwsError | None = None
    for record in S3Event(raw_event):
        try:
            results.append(_process(record))
        except TransientAwsError as error:
            logger.warning("transient failure on %s/%s: %s", record.bucket, record.key, error)
            retry = retry or error
    if retry is not None:
        raise retry
    return results


def _process(record: S3EventRecord) -> RecordResult:
    key = record.key
    if not record.is_object_created:
        return _ignored(key, f"event {record.event_name or '(none)'} is not an object creation")
    if not key.startswith(recordings_prefix()):
        return _ignored(key, f"key is outside the recordings prefix {recordings_prefix()!r}")
    if not key.lower().endswith(RECORDING_SUFFIXES):
        return _ignored(key, "key does not end in .wav or .ogg")
    records = CallRecords()
    try:
        recording = parse_recording_key(key)
    except RecordingKeyError as error:
        return _reject(records, record.bucket, key, error)
    try:
        head = _head(record.bucket, key)
        if head is None:
            text = f"recording {key} is missing (deleted before it could be transcribed)"
            logger.error(text)
            records.note(recording.transaction_id, text)
            return RecordResult(key, Outcome.MISSING, detail=text)
        return _transcribe(records, record.bucket, recording, head)
    except UnprocessableRecordingError as error:
        text = f"recording {key} was not transcribed: {error}"
        logger.error(text)
        records.note(recording.transaction_id, text)
        return RecordResult(key, Outcome.UNPROCESSABLE, detail=str(error))


def _transcribe(
    records: CallRecords, bucket: str, recording: RecordingKey, head: _ObjectHead
) -> RecordResult:
    if head.size == 0:
        raise UnprocessableRecordingError(
            "the recording is zero bytes long", hint="the recorder wrote no audio"
        )
    info = audio_probe.probe(_first_bytes(bucket, recording.key), recording.audio_format)
    config = TranscriptionConfig.from_env()
    call_record = records.get(recording.transaction_id)
    notes = _metadata_disagreements(recording, head.metadata)
    if info.channels == 2:
        roles = _channel_roles(call_record, notes)
        kind = jobs.JobKind.CALL_ANALYTICS
        request = jobs.call_analytics_request(config, bucket, recording, roles)
    elif info.is_mono:
        kind = jobs.JobKind.STANDARD
        request = jobs.standard_request(config, bucket, recording)
        notes.append(
            "recording is mono, which Call Analytics cannot take: started a standard "
            "transcription with speaker labels instead (no sentiment, loudness or categories)"
        )
    else:
        raise UnprocessableRecordingError(
            f"the recording has {info.channels} channels",
            hint="Call Analytics takes two channels (agent and customer), standard jobs one",
        )
    started = jobs.start(kind, request)
    _record_start(records, bucket, recording, head, call_record, started, notes)
    outcome = Outcome.DUPLICATE if started.already_existed else Outcome.STARTED
    logger.info("%s %s job %s for %s", outcome.value, kind.value, started.name, recording.key)
    return RecordResult(recording.key, outcome, job_name=started.name)


def _metadata_disagreements(recording: RecordingKey, metadata: Mapping[str, str]) -> list[str]:
    """Notes where Chime's object metadata (``transaction-id``, ``call-id``) contradicts the key."""
    notes = []
    for name, from_key in (
        ("transaction-id", recording.transaction_id),
        ("call-id", recording.call_id),
    ):
        tagged = metadata.get(name)
        if tagged and from_key and tagged != from_key:
            notes.append(
                f"object metadata {name} {tagged} differs from the key's {from_key}: "
                "filed under the key's"
            )
    return notes


def _channel_roles(call_record: Mapping[str, Any] | None, notes: list[str]) -> jobs.ChannelRoles:
    """The owner (AGENT) channel from the call's direction and recorded leg."""
    if call_record is None:
        notes.append(
            f"no call record describes this call: assumed the owner (AGENT) is on channel "
            f"{DEFAULT_AGENT_CHANNEL} (left, the recorded leg's incoming audio)"
        )
        return jobs.ChannelRoles(agent_channel=DEFAULT_AGENT_CHANNEL)
    try:
        direction = Direction(str(call_record.get("direction", "")))
    except ValueError:
        notes.append(
            f"call record has no usable direction ({call_record.get('direction')!r}): assumed "
            f"the owner (AGENT) is on channel {DEFAULT_AGENT_CHANNEL}"
        )
        return jobs.ChannelRoles(agent_channel=DEFAULT_AGENT_CHANNEL)
    try:
        leg = Leg(str(call_record.get("recorded_leg", Leg.A.value)))
    except ValueError:
        notes.append(f"call record has an unknown recorded_leg: assumed {Leg.A.value}")
        leg = Leg.A
    return jobs.ChannelRoles(agent_channel=owner_channel(direction, leg))


def _record_start(
    records: CallRecords,
    bucket: str,
    recording: RecordingKey,
    head: _ObjectHead,
    call_record: Mapping[str, Any] | None,
    started: jobs.StartedJob,
    notes: list[str],
) -> None:
    tx = recording.transaction_id
    if started.already_existed and call_record and call_record.get("transcription_job"):
        return  # a duplicate event: the first delivery recorded everything
    values: dict[str, Any] = {
        "recording_bucket": bucket,
        "recording_key": recording.key,
        "recording_location": f"s3://{bucket}/{recording.key}",
        "recording_format": recording.audio_format.value,
        "source_path": recording.source.value,
        "transcription_job": started.name,
        "transcription_kind": started.kind.value,
    }
    for metadata_name, attribute in RECORDING_METADATA:
        if head.metadata.get(metadata_name):
            values[attribute] = head.metadata[metadata_name]
    terminal = str((call_record or {}).get("transcription_status", "")) in {"COMPLETED", "FAILED"}
    if started.status and not terminal:  # never move a finished job back to QUEUED
        values["transcription_status"] = started.status
    records.update(tx, values)
    records.note(tx, *notes)


def _reject(records: CallRecords, bucket: str, key: str, error: CallRecError) -> RecordResult:
    """File a key that fits neither form against its call, or under ``rejected#<key>``."""
    logger.error("rejected s3://%s/%s: %s", bucket, key, error)
    metadata = _metadata_if_present(bucket, key)
    transaction_id = metadata.get("transaction-id") or transaction_id_hint(key)
    text = f"recording s3://{bucket}/{key} rejected: {error}"
    if transaction_id:
        records.note(transaction_id, text)
    else:
        record_id = f"{REJECTED_PREFIX}{key}"
        records.update(
            record_id,
            {"recording_bucket": bucket, "recording_key": key, "rejection": error.code},
        )
        records.note(record_id, text)
    return RecordResult(key, Outcome.REJECTED, detail=str(error))


def _ignored(key: str, why: str) -> RecordResult:
    logger.info("ignored %s: %s", key, why)
    return RecordResult(key, Outcome.IGNORED, detail=why)


def _head(bucket: str, key: str) -> _ObjectHead | None:
    """Size and user metadata of the object, or None when it no longer exists."""
    from botocore.exceptions import ClientError

    try:
        response = aws.call(
            f"S3 HeadObject s3://{bucket}/{key}",
            aws.client("s3").head_object,
            Bucket=bucket,
            Key=key,
        )
    except ClientError as error:
        if aws.error_code(error) in aws.OBJECT_MISSING_CODES:
            return None
        raise
    metadata = {str(k).lower(): str(v) for k, v in response.get("Metadata", {}).items()}
    return _ObjectHead(size=int(response.get("ContentLength", 0)), metadata=metadata)


def _metadata_if_present(bucket: str, key: str) -> Mapping[str, str]:
    head = _head(bucket, key)
    return head.metadata if head else {}


def _first_bytes(bucket: str, key: str) -> bytes:
    head = aws.read_object(bucket, key, first_bytes=audio_probe.PROBE_BYTES)
    if head is None:
        raise UnprocessableRecordingError(
            "the recording disappeared while it was being read", hint="nothing to transcribe"
        )
    return head
