"""``start_transcription``: an object created in the recordings bucket starts a Transcribe job.

Per record: decode and parse the key, read the object's metadata and first bytes, look up the
call record for the channel mapping, and start a Call Analytics job (stereo) or a standard job
with speaker labels (mono). Every record is processed; permanent problems (a bad recording) are
written to the call record as notes; transient AWS failures and settings errors are re-raised
after the other records are done so that Lambda retries the event and, in the end, files it in
the dead-letter queue (each step is idempotent, so a retry repeats no work). Idempotency
belongs to the recording object (bucket, key, version): each recording of a call gets its own
job and report.
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
    ConfigurationError,
    RecordingKeyError,
    TransientAwsError,
    UnprocessableRecordingError,
)
from chalicelib.recording_keys import (
    RecordingKey,
    parse_recording_key,
    transaction_id_hint,
)
from chalicelib.transcription import audio_probe, jobs, limits
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


class TranscriptionOutcome(StrEnum):
    STARTED = "started"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    REJECTED = "rejected"
    MISSING = "missing"
    UNPROCESSABLE = "unprocessable"


@dataclass(frozen=True)
class RecordResult:
    key: str
    outcome: TranscriptionOutcome
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


@dataclass(frozen=True)
class _Object:
    """One recording object: where it is, which version, and what its key says."""

    bucket: str
    recording: RecordingKey
    version_id: str = ""

    @property
    def key(self) -> str:
        return self.recording.key


def handle_s3_event(raw_event: Mapping[str, Any]) -> list[RecordResult]:
    """Process every record; at the end, raise the first error that needs a retry.

    Settings are read and checked before any record is touched. Transient AWS failures and
    settings errors (including Transcribe refusing a job for its settings) are raised after the
    other records are done, so Lambda retries the event and, after its retries, files it in the
    dead-letter queue, from which ``callrec replay`` re-drives it once the cause is fixed.
    """
    if raw_event.get("Event") == "s3:TestEvent":  # sent once when notifications are configured
        logger.info("ignored the S3 test event for bucket %s", raw_event.get("Bucket"))
        return []
    event = S3Event(raw_event)
    config = TranscriptionConfig.from_env()
    jobs.require_data_access_role(config)
    records = CallRecords()
    results: list[RecordResult] = []
    retry: CallRecError | None = None
    for record in event:
        try:
            results.append(_process(records, config, record))
        except (TransientAwsError, ConfigurationError) as error:
            logger.warning("will retry s3://%s/%s: %s", record.bucket, record.key, error)
            retry = retry or error
    if retry is not None:
        raise retry
    return results


def _process(
    records: CallRecords, config: TranscriptionConfig, record: S3EventRecord
) -> RecordResult:
    key = record.key
    skip = _skip_reason(record)
    if skip:
        return _ignored(key, skip)
    try:
        recording = parse_recording_key(key)
    except RecordingKeyError as error:
        return _reject(records, record.bucket, key, error)
    target = _Object(record.bucket, recording, record.version_id)
    try:
        head = _head(record.bucket, key)
        if head is None:
            text = f"recording {key} is missing (deleted before it could be transcribed)"
            logger.error(text)
            records.note(recording.transaction_id, text)
            return RecordResult(key, TranscriptionOutcome.MISSING, detail=text)
        return _transcribe(records, config, target, head)
    except UnprocessableRecordingError as error:
        text = f"recording {key} was not transcribed: {error}"
        logger.error(text)
        records.note(recording.transaction_id, text)
        return RecordResult(key, TranscriptionOutcome.UNPROCESSABLE, detail=str(error))


def _skip_reason(record: S3EventRecord) -> str:
    if not record.is_object_created:
        return f"event {record.event_name or '(none)'} is not an object creation"
    if not record.key.startswith(recordings_prefix()):
        return f"key is outside the recordings prefix {recordings_prefix()!r}"
    if not record.key.lower().endswith(RECORDING_SUFFIXES):
        return "key does not end in .wav or .ogg"
    return ""


def _transcribe(
    records: CallRecords, config: TranscriptionConfig, target: _Object, head: _ObjectHead
) -> RecordResult:
    if head.size == 0:
        raise UnprocessableRecordingError(
            "the recording is zero bytes long", hint="the recorder wrote no audio"
        )
    info = audio_probe.probe(
        _first_bytes(target), target.recording.audio_format, _ranged_reader(target)
    )
    call_record = records.get(target.recording.transaction_id)
    notes = _metadata_disagreements(target.recording, head.metadata)
    kind, request = _request(config, target, info, call_record, notes)
    limits.check(
        limits.Declared(
            size=head.size,
            seconds=limits.declared_seconds(
                head.metadata.get("recording-duration", ""), info.seconds_for(head.size)
            ),
        ),
        call_analytics=kind is jobs.JobKind.CALL_ANALYTICS,
    )
    started = jobs.start(kind, request)
    _record_start(
        records, target, _Start(head, info, started), call_record=call_record, notes=notes
    )
    outcome = (
        TranscriptionOutcome.DUPLICATE if started.already_existed else TranscriptionOutcome.STARTED
    )
    logger.info("%s %s job %s for %s", outcome.value, kind.value, started.name, target.key)
    return RecordResult(target.key, outcome, job_name=started.name)


def _request(
    config: TranscriptionConfig,
    target: _Object,
    info: audio_probe.AudioInfo,
    call_record: Mapping[str, Any] | None,
    notes: list[str],
) -> tuple[jobs.JobKind, dict[str, Any]]:
    """The job for the recording's channel count: Call Analytics (stereo) or standard (mono)."""
    bucket, recording, version = target.bucket, target.recording, target.version_id
    if info.channels == 2:
        roles = _channel_roles(call_record, notes)
        request = jobs.call_analytics_request(config, bucket, recording, roles, version)
        return jobs.JobKind.CALL_ANALYTICS, request
    if info.is_mono:
        notes.append(
            "recording is mono, which Call Analytics cannot take: started a standard "
            "transcription with speaker labels instead (no sentiment, loudness or categories)"
        )
        return jobs.JobKind.STANDARD, jobs.standard_request(config, bucket, recording, version)
    raise UnprocessableRecordingError(
        f"the recording has {info.channels} channels",
        hint="Call Analytics takes two channels (agent and customer), standard jobs one",
    )


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


@dataclass(frozen=True)
class _Start:
    """What is known once a job is submitted: the object's head, its probed format, the job."""

    head: _ObjectHead
    info: audio_probe.AudioInfo
    job: jobs.StartedJob


def _record_start(
    records: CallRecords,
    target: _Object,
    start: _Start,
    *,
    call_record: Mapping[str, Any] | None,
    notes: list[str],
) -> None:
    bucket, recording = target.bucket, target.recording
    head, started = start.head, start.job
    tx = recording.transaction_id
    recorded = call_record or {}
    media = {jobs.media_attribute(started.name): start.info.describe()}
    if started.already_existed and recorded.get("transcription_job"):
        # A duplicate event: the first delivery recorded the call's recording; this job's own
        # media line is written when missing (a first delivery that died before its record).
        if not media.keys() <= recorded.keys():
            records.update(tx, media)
        return
    values: dict[str, Any] = {
        **media,
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
    # Never move a finished job back to QUEUED (its start recorded late); a job for another
    # recording of the call (a new leg, the media insights path) starts its own status.
    same_job = recorded.get("transcription_job") == started.name
    terminal = same_job and recorded.get("transcription_status") in {"COMPLETED", "FAILED"}
    if started.status and not terminal:
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
    return RecordResult(key, TranscriptionOutcome.REJECTED, detail=str(error))


def _ignored(key: str, why: str) -> RecordResult:
    logger.info("ignored %s: %s", key, why)
    return RecordResult(key, TranscriptionOutcome.IGNORED, detail=why)


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


def _first_bytes(target: _Object) -> bytes:
    head = aws.read_object(target.bucket, target.key, first_bytes=audio_probe.PROBE_BYTES)
    if head is None:
        raise _disappeared()
    return head


def _ranged_reader(target: _Object) -> audio_probe.Reader:
    """Further ranged reads of the object, for a RIFF chunk list longer than the first read."""

    def read_at(offset: int, length: int) -> bytes:
        data = aws.read_object(target.bucket, target.key, first_bytes=length, offset=offset)
        if data is None:
            raise _disappeared()
        return data

    return read_at


def _disappeared() -> UnprocessableRecordingError:
    return UnprocessableRecordingError(
        "the recording disappeared while it was being read", hint="nothing to transcribe"
    )
