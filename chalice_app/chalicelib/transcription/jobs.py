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
from chalicelib.errors import ConfigurationError, UnprocessableRecordingError
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


def job_name(bucket: str, key: str) -> str:
    """A deterministic job name within Transcribe's rules: readable stem plus a digest."""
    digest = hashlib.sha256(f"{bucket}/{key}".encode()).hexdigest()[:_DIGEST_CHARS]
    stem = key.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    readable = _INVALID_NAME_CHARS.sub("-", stem).strip("-.") or "recording"
    room = JOB_NAME_MAX - len(JOB_NAME_PREFIX) - len(digest) - 1
    return f"{JOB_NAME_PREFIX}{readable[:room]}-{digest}"


def output_folder(config: TranscriptionConfig, recording: RecordingKey) -> str:
    """Key folder (with trailing slash) for transcripts: ``<prefix>/YYYY/MM/DD/``."""
    return f"{config.transcripts_prefix}/{recording.date_path}/"


def call_analytics_request(
    config: TranscriptionConfig,
    bucket: str,
    recording: RecordingKey,
    roles: ChannelRoles,
) -> dict[str, Any]:
    """The StartCallAnalyticsJob request for a stereo recording."""
    if not config.data_access_role_arn:
        raise ConfigurationError(
            "environment variable TRANSCRIBE_DATA_ACCESS_ROLE_ARN is not set",
            hint="Call Analytics needs a role that can read the recording and write the output",
        )
    settings: dict[str, Any] = {"LanguageOptions": [config.language_code]}
    if config.vocabulary_name:
        settings["VocabularyName"] = config.vocabulary_name
    if config.redaction.redaction_output:
        settings["ContentRedaction"] = {
            "RedactionType": "PII",
            "RedactionOutput": config.redaction.redaction_output,
        }
    request: dict[str, Any] = {
        "CallAnalyticsJobName": job_name(bucket, recording.key),
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
    config: TranscriptionConfig, bucket: str, recording: RecordingKey
) -> dict[str, Any]:
    """The StartTranscriptionJob request for a mono recording: speakers told apart by voice."""
    settings: dict[str, Any] = {"ShowSpeakerLabels": True, "MaxSpeakerLabels": 2}
    if config.vocabulary_name:
        settings["VocabularyName"] = config.vocabulary_name
    request: dict[str, Any] = {
        "TranscriptionJobName": job_name(bucket, recording.key),
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
            raise UnprocessableRecordingError(
                f"Transcribe refused job {name}: {error.response['Error'].get('Message', code)}",
                hint="check the recording's format and the transcription settings",
            ) from error
        raise
    status = str(response.get(result_key, {}).get(status_key, "QUEUED"))
    return StartedJob(name=name, kind=kind, status=status, already_existed=False)
