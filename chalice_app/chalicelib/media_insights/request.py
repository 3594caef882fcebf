"""Build and validate the ``CreateMediaInsightsPipeline`` request for one call.

Limits come from the Chime SDK Media Pipelines API reference (botocore's service model agrees):

- ``KinesisVideoStreamRecordingSourceRuntimeConfiguration.Streams``: 1 to 2 streams, each ARN
  matching ``arn:<partition>:kinesisvideo:<region>:<account>:stream/<name>/<creation-time>``;
  recording needs two streams, one per participant ("call recording does not support a single
  stereo audio input").
- ``FragmentSelector`` is required, with ``FragmentSelectorType`` ``ProducerTimestamp`` or
  ``ServerTimestamp`` and a ``TimestampRange`` of ``StartTimestamp`` and ``EndTimestamp``.
- ``S3RecordingSinkRuntimeConfiguration`` (optional) needs ``Destination`` (an S3 ARN) and
  ``RecordingFileFormat`` ``Wav`` or ``Opus``; it overrides the configuration's sink.
- ``ClientRequestToken``: 2 to 64 characters of ``[-_a-zA-Z0-9]``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from chalicelib import settings
from chalicelib.errors import ConfigurationError, InvalidEventError

CONFIGURATION_ARN_ENV = "MEDIA_INSIGHTS_PIPELINE_CONFIGURATION_ARN"
FRAGMENT_SELECTOR_ENV = "MEDIA_INSIGHTS_FRAGMENT_SELECTOR"
SINK_DESTINATION_ENV = "MEDIA_INSIGHTS_SINK_DESTINATION"
SINK_FORMAT_ENV = "MEDIA_INSIGHTS_SINK_FORMAT"
START_MODE_ENV = "MEDIA_INSIGHTS_START_MODE"

MAX_STREAMS = 2
KVS_STREAM_ARN = re.compile(
    r"^arn:[a-z\d-]+:kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+$"
)
CONFIGURATION_ARN = re.compile(
    r"^arn:[a-z\d-]+:chime:[a-z0-9-]+:[0-9]{12}:media-insights-pipeline-configuration/[-_.a-zA-Z0-9]+$"
)
S3_DESTINATION_ARN = re.compile(r"^arn:[a-z\d-]+:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(/.*)?$")
TOKEN_CHARS = re.compile(r"[^-_a-zA-Z0-9]")
TOKEN_MAX = 64


class StartMode(StrEnum):
    """Who creates the pipelines: this app per call, or the Voice Connector for every call."""

    LAMBDA = "lambda"
    VOICE_CONNECTOR = "voice_connector"

    @classmethod
    def from_env(cls) -> StartMode:
        raw = settings.optional(START_MODE_ENV, cls.LAMBDA.value).lower().replace("-", "_")
        try:
            return cls(raw)
        except ValueError as error:
            raise ConfigurationError(
                f"{START_MODE_ENV}={raw!r} is not a start mode",
                hint="use lambda or voice_connector (the module's pipeline_start_mode)",
            ) from error


class FragmentSelectorType(StrEnum):
    PRODUCER_TIMESTAMP = "ProducerTimestamp"
    SERVER_TIMESTAMP = "ServerTimestamp"

    @classmethod
    def parse(cls, raw: str) -> FragmentSelectorType:
        """Accept the API spelling or ``producer_timestamp`` / ``server_timestamp``."""
        wanted = raw.strip().replace("_", "").replace("-", "").lower()
        for member in cls:
            if member.value.lower() == wanted:
                return member
        raise ConfigurationError(
            f"fragment selector type {raw!r} is not supported",
            hint="use ProducerTimestamp (producer_timestamp) or ServerTimestamp (server_timestamp)",
        )


class RecordingFileFormat(StrEnum):
    WAV = "Wav"
    OPUS = "Opus"

    @classmethod
    def parse(cls, raw: str) -> RecordingFileFormat:
        for member in cls:
            if member.value.lower() == raw.strip().lower():
                return member
        raise ConfigurationError(
            f"recording file format {raw!r} is not supported", hint="use Wav or Opus"
        )

    @property
    def extension(self) -> str:
        """File extension of the recording object: Opus recordings are Ogg/Opus files."""
        return "wav" if self is RecordingFileFormat.WAV else "ogg"


@dataclass(frozen=True)
class FragmentSelector:
    type: FragmentSelectorType
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise InvalidEventError("fragment selector timestamps must be timezone-aware")
        if self.end <= self.start:
            raise InvalidEventError(
                f"fragment selector range is empty: start {self.start.isoformat()} is not "
                f"before end {self.end.isoformat()}",
                hint="the streaming ENDED time must follow the STARTED time",
            )

    def to_api(self) -> dict[str, Any]:
        return {
            "FragmentSelectorType": self.type.value,
            "TimestampRange": {"StartTimestamp": self.start, "EndTimestamp": self.end},
        }


@dataclass(frozen=True)
class SinkOverride:
    destination: str
    file_format: RecordingFileFormat

    def __post_init__(self) -> None:
        if not S3_DESTINATION_ARN.match(self.destination):
            raise ConfigurationError(
                f"recording destination {self.destination!r} is not an S3 ARN",
                hint="use arn:aws:s3:::bucket or arn:aws:s3:::bucket/prefix",
            )

    def to_api(self) -> dict[str, str]:
        return {"Destination": self.destination, "RecordingFileFormat": self.file_format.value}


@dataclass(frozen=True)
class PipelineSettings:
    """What the deployment decides, read from the environment at call time."""

    configuration_arn: str
    selector_type: FragmentSelectorType
    sink_override: SinkOverride | None

    @classmethod
    def from_env(cls) -> PipelineSettings:
        arn = settings.require(CONFIGURATION_ARN_ENV)
        if not CONFIGURATION_ARN.match(arn):
            raise ConfigurationError(
                f"{CONFIGURATION_ARN_ENV}={arn!r} is not a pipeline configuration ARN",
                hint="use the media_insights module's configuration_arn output",
            )
        selector = FragmentSelectorType.parse(
            settings.optional(FRAGMENT_SELECTOR_ENV, FragmentSelectorType.PRODUCER_TIMESTAMP.value)
        )
        destination = settings.optional(SINK_DESTINATION_ENV)
        raw_format = settings.optional(SINK_FORMAT_ENV)
        override = None
        if destination:
            override = SinkOverride(destination, RecordingFileFormat.parse(raw_format or "Wav"))
        elif raw_format:
            raise ConfigurationError(
                f"{SINK_FORMAT_ENV} is set but {SINK_DESTINATION_ENV} is not",
                hint="the runtime sink override needs both (the API requires Destination); "
                "to change only the format, change the configuration's recording_file_format",
            )
        return cls(arn, selector, override)


def client_request_token(transaction_id: str) -> str:
    """A ClientRequestToken derived from the transaction id: a retried request is the same request.

    Characters outside ``[-_a-zA-Z0-9]`` are replaced; long or altered ids are shortened with a
    hash so that two different transaction ids never share a token.
    """
    cleaned = TOKEN_CHARS.sub("_", transaction_id)
    if cleaned == transaction_id and 2 <= len(cleaned) <= TOKEN_MAX:
        return cleaned
    digest = hashlib.sha256(transaction_id.encode()).hexdigest()[:16]
    return f"{cleaned[: TOKEN_MAX - 17]}-{digest}"


def validate_streams(stream_arns: Sequence[str]) -> list[str]:
    """Check the count (the API's maximum is two) and the ARN form of each stream."""
    if not stream_arns:
        raise InvalidEventError("no Kinesis video stream to record")
    if len(stream_arns) > MAX_STREAMS:
        raise InvalidEventError(
            f"{len(stream_arns)} Kinesis video streams given; a media insights pipeline "
            f"records at most {MAX_STREAMS}",
            hint="pass one stream per participant: the caller's and the callee's",
        )
    if len(set(stream_arns)) != len(stream_arns):
        raise InvalidEventError("the same Kinesis video stream is listed twice")
    for arn in stream_arns:
        if not KVS_STREAM_ARN.match(arn):
            raise InvalidEventError(
                f"{arn!r} is not a Kinesis video stream ARN",
                hint="expected arn:aws:kinesisvideo:<region>:<account>:stream/<name>/<time>",
            )
    return list(stream_arns)


def build_create_request(
    pipeline: PipelineSettings,
    *,
    transaction_id: str,
    stream_arns: Sequence[str],
    selector: FragmentSelector,
    runtime_metadata: Mapping[str, str],
) -> dict[str, Any]:
    """The keyword arguments of ``create_media_insights_pipeline`` for one call."""
    request: dict[str, Any] = {
        "MediaInsightsPipelineConfigurationArn": pipeline.configuration_arn,
        "KinesisVideoStreamRecordingSourceRuntimeConfiguration": {
            "Streams": [{"StreamArn": arn} for arn in validate_streams(stream_arns)],
            "FragmentSelector": selector.to_api(),
        },
        "MediaInsightsRuntimeMetadata": {k: v for k, v in runtime_metadata.items() if k and v},
        "ClientRequestToken": client_request_token(transaction_id),
    }
    if pipeline.sink_override is not None:
        request["S3RecordingSinkRuntimeConfiguration"] = pipeline.sink_override.to_api()
    return request
