"""Build and submit Transcribe jobs: Call Analytics for stereo, a standard job for mono.

Job names are derived from the recording's bucket and key only, so the same object always maps
to the same name and a duplicate S3 event hits ``ConflictException`` instead of a second job.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from chalicelib import aws
from chalicelib.errors import CallRecError, ConfigurationError, UnprocessableRecordingError
from chalicelib.recording_keys import RecordingKey
from chalicelib.transcription.config import TranscriptionConfig

logger = logging.getLogger(__name__)

JOB_NAME_MAX = 200  # CallAnalyticsJobName / TranscriptionJobName: 1-200 of [0-9a-zA-Z._-]
_INVALID_NAME_CHARS = re.compile(r"[^0-9A-Za-z._-]+")
JOB_NAME_PREFIX = "callrec-"  # also how the report Lambda tells this app's jobs apart
_DIGEST_CHARS = 16


class JobKind(StrEnum):
    """The ``transcription_kind`` call record attribute."""

    CALL_ANALYTICS = "call-analytics"
    STANDARD = "standard"


@dataclass(frozen=True)
class ChannelRoles:
    """Which channel carries the AGENT (the owner); the other carries the CUSTOMER."""

    agent_channel: int

    @property
    def customer_channel(self) -> int:
        return 1 - self.agent_channel

    def definitions(self) -> list[dict[str, Any]]:
        return [
            {"ChannelId": self.agent_channel, "ParticipantRole": "AGENT"},
            {"ChannelId": self.customer_channel, "ParticipantRole": "CUSTOMER"},
        ]


@dataclass(frozen=True)
class StartedJob:
    name: str
    kind: JobKind
    status: str
    already_existed: bool


def job_name(bucket: str, key: str, version_id: str = "") -> str:
    """A deterministic job name within Transcribe's rules: readable stem plus a digest.

    The digest covers the object's identity (bucket, key and, in a versioned bucket, version),
    never the call: each recording of a call is its own job, and a repeated event for the same
    object maps to the same name. Unversioned objects keep the name they always had.
    """
    identity = f"{bucket}/{key}" + (f"?versionId={version_id}" if version_id else "")
    digest = hashlib.sha256(identity.encode()).hexdigest()[:_DIGEST_CHARS]
    stem = key.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    readable = _INVALID_NAME_CHARS.sub("-", stem).strip("-.") or "recording"
    room = JOB_NAME_MAX - len(JOB_NAME_PREFIX) - len(digest) - 1
    return f"{JOB_NAME_PREFIX}{readable[:room]}-{digest}"


def media_attribute(job_name: str) -> str:
    """The call record attribute with the probed format of the recording ``job_name`` reads
    ("Ogg/Opus, 48000 Hz, 2 channels"): the report's media line. Keyed by job, as each
    recording of a call (a new leg, the media insights path) is its own job."""
    return f"media#{job_name}"


def require_data_access_role(config: TranscriptionConfig) -> None:
    """Call Analytics (every stereo recording) cannot start without the data access role."""
    if not config.data_access_role_arn:
        raise ConfigurationError(
            "environment variable TRANSCRIBE_DATA_ACCESS_ROLE_ARN is not set",
            hint="Call Analytics needs a role that can read the recording and write the output",
        )


def output_folder(config: TranscriptionConfig, recording: RecordingKey) -> str:
    """Key folder (with trailing slash) for transcripts: ``<prefix>/YYYY/MM/DD/``."""
    return f"{config.transcripts_prefix}/{recording.date_path}/"


def call_analytics_request(
    config: TranscriptionConfig,
    bucket: str,
    recording: RecordingKey,
    roles: ChannelRoles,
    version_id: str = "",
) -> dict[str, Any]:
    """The StartCallAnalyticsJob request for a stereo recording."""
    require_data_access_role(config)
    settings: dict[str, Any] = {"LanguageOptions": [config.language_code]}
    if config.vocabulary_name:
        settings["VocabularyName"] = config.vocabulary_name
    if config.redaction.redaction_output:
        settings["ContentRedaction"] = {
            "RedactionType": "PII",
            "RedactionOutput": config.redaction.redaction_output,
        }
    if config.summarize:
        settings["Summarization"] = {"GenerateAbstractiveSummary": True}
    request: dict[str, Any] = {
        "CallAnalyticsJobName": job_name(bucket, recording.key, version_id),
        "Media": {"MediaFileUri": f"s3://{bucket}/{recording.key}"},
        "OutputLocation": f"s3://{bucket}/{output_folder(config, recording)}",
        "DataAccessRoleArn": config.data_access_role_arn,
        "Settings": settings,
        "ChannelDefinitions": roles.definitions(),
    }
    if config.output_kms_key_id:
        request["OutputEncryptionKMSKeyId"] = config.output_kms_key_id
    return request


def standard_request(
    config: TranscriptionConfig, bucket: str, recording: RecordingKey, version_id: str = ""
) -> dict[str, Any]:
    """The StartTranscriptionJob request for a mono recording: speakers told apart by voice."""
    settings: dict[str, Any] = {"ShowSpeakerLabels": True, "MaxSpeakerLabels": 2}
    if config.vocabulary_name:
        settings["VocabularyName"] = config.vocabulary_name
    request: dict[str, Any] = {
        "TranscriptionJobName": job_name(bucket, recording.key, version_id),
        "LanguageCode": config.language_code,
        "MediaFormat": recording.audio_format.value,
        "Media": {"MediaFileUri": f"s3://{bucket}/{recording.key}"},
        "OutputBucketName": bucket,
        "OutputKey": output_folder(config, recording),
        "Settings": settings,
    }
    if config.redaction.redaction_output:
        request["ContentRedaction"] = {
            "RedactionType": "PII",
            "RedactionOutput": config.redaction.redaction_output,
        }
    if config.output_kms_key_id:
        request["OutputEncryptionKMSKeyId"] = config.output_kms_key_id
    return request


def start(kind: JobKind, request: dict[str, Any]) -> StartedJob:
    """Submit the job; an existing job of the same name means a duplicate event: not an error."""
    from botocore.exceptions import ClientError

    client = aws.client("transcribe")
    if kind is JobKind.CALL_ANALYTICS:
        name = request["CallAnalyticsJobName"]
        operation, result_key, status_key = (
            client.start_call_analytics_job,
            "CallAnalyticsJob",
            "CallAnalyticsJobStatus",
        )
    else:
        name = request["TranscriptionJobName"]
        operation, result_key, status_key = (
            client.start_transcription_job,
            "TranscriptionJob",
            "TranscriptionJobStatus",
        )
    try:
        response = aws.call(f"Transcribe start {kind.value} job {name}", operation, **request)
    except ClientError as error:
        code = aws.error_code(error)
        if code == "ConflictException":
            logger.info("job %s already exists: duplicate event, nothing more to do", name)
            return StartedJob(name=name, kind=kind, status="", already_existed=True)
        if code == "BadRequestException":
            raise refusal(name, str(error.response["Error"].get("Message", code))) from error
        raise
    status = str(response.get(result_key, {}).get(status_key, "QUEUED"))
    return StartedJob(name=name, kind=kind, status=status, already_existed=False)


def describe(kind: JobKind, name: str) -> dict[str, Any]:
    """The job as GetCallAnalyticsJob or GetTranscriptionJob returns it; ClientError raised."""
    client = aws.client("transcribe")
    if kind is JobKind.CALL_ANALYTICS:
        response = aws.call(
            f"Transcribe GetCallAnalyticsJob {name}",
            client.get_call_analytics_job,
            CallAnalyticsJobName=name,
        )
        return dict(response.get("CallAnalyticsJob") or {})
    response = aws.call(
        f"Transcribe GetTranscriptionJob {name}",
        client.get_transcription_job,
        TranscriptionJobName=name,
    )
    return dict(response.get("TranscriptionJob") or {})


# BadRequestException covers both a recording Transcribe cannot take and settings it cannot use
# (a custom vocabulary that does not exist, a role it cannot assume, a language it does not
# support). Only the first is final; the second is fixed by the operator, so it must reach the
# dead-letter queue for `callrec replay`. The API reference documents no machine-readable
# reason, so the message is read: settings words first (they also mention "media" at times,
# e.g. "can't be accessed ... read permission"), then media words; anything else counts as a
# settings error, the safe side (a retried bad file costs a DLQ message, a dropped good one
# costs a call's report).
_SETTINGS_WORDS = (
    "vocabular",
    "role",
    "permission",
    "access",
    "language",
    "kms",
    "key",
    "bucket",
    "outputlocation",
    "category",
    "model",
    "redaction",
    "summar",
)
_MEDIA_WORDS = ("media", "format", "sample rate", "audio", "duration", "channel", "file size")


def refusal(job: str, message: str) -> CallRecError:
    """The error for a BadRequestException on ``job``: bad media, or a settings problem."""
    lowered = message.lower()
    settings_problem = any(word in lowered for word in _SETTINGS_WORDS)
    if not settings_problem and any(word in lowered for word in _MEDIA_WORDS):
        return UnprocessableRecordingError(
            f"Transcribe refused job {job}: {message}",
            hint="the recording itself cannot be transcribed as it is",
        )
    return ConfigurationError(
        f"Transcribe refused job {job} because of its settings: {message}",
        hint="fix the transcription settings (vocabulary, data access role, language), then "
        "re-drive the event from the dead-letter queue with `callrec replay`",
    )
