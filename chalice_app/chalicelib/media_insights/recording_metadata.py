"""Consume the media insights pipeline's Kinesis data stream sink.

The documented record for an S3 recording ("Amazon S3 call recording metadata output"):

    {"time": ISO8601, "service-type": "CallAnalytics", "detail-type": "Recording",
     "mediaInsightsPipelineId": str, "s3MediaObjectConsoleUrl": str,
     "recordingDurationSeconds": number, "metadata": JSON string}

``metadata`` holds voiceConnectorId, callId, transactionId, fromNumber, toNumber, direction,
startTime, endTime and ``oneTimeMetadata`` (itself a JSON string with sipHeaders, siprecMetadata
and siprecMetadataJson). A ``CallAnalyticsMetadata`` record is sent once at the start of a Voice
Connector session with the same ``oneTimeMetadata``. Other detail types (transcripts, voice
analytics) are not this app's concern and are skipped.

Each record updates the call record so that a recording from this path is found exactly like one
from the SMA path (``recording_location``, ``recording_bucket``, ``recording_key``,
``recording_duration``, ``recording_format``). A malformed record is reported by sequence number
in ``batchItemFailures`` (Lambda's partial batch response): the rest of the batch is kept, and
the bad record is retried and then sent to the event source mapping's on-failure destination.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, unquote_plus, urlparse

from chalicelib.call_records import CallRecords, RecordingSource, RecordingState
from chalicelib.errors import CallRecError, InvalidEventError
from chalicelib.event_view import EventView

logger = logging.getLogger(__name__)

RECORDING = "Recording"
CALL_ANALYTICS_METADATA = "CallAnalyticsMetadata"
FORMATS = {"wav": "wav", "ogg": "ogg", "opus": "ogg"}


@dataclass(frozen=True)
class S3Location:
    bucket: str
    key: str

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def parse_s3_console_url(url: str) -> S3Location:
    """Bucket and key from an S3 console object URL (or an ``s3://`` URI).

    The console form is ``https://s3.console.aws.amazon.com/s3/object/<bucket>?region=<r>&prefix=<key>``.
    """
    parsed = urlparse(url)
    if parsed.scheme == "s3" and parsed.netloc and parsed.path.strip("/"):
        return S3Location(parsed.netloc, unquote(parsed.path.lstrip("/")))
    parts = [p for p in parsed.path.split("/") if p]
    prefix = parse_qs(parsed.query).get("prefix", [""])[0]
    if parsed.scheme == "https" and len(parts) >= 3 and parts[:2] == ["s3", "object"] and prefix:
        return S3Location(unquote_plus(parts[2]), prefix)
    raise InvalidEventError(
        f"s3MediaObjectConsoleUrl {url!r} does not name a bucket and key",
        hint="expected https://s3.console.aws.amazon.com/s3/object/<bucket>?prefix=<key>",
    )


def _json_object(value: Any, field: str) -> dict[str, Any]:
    """Fields documented as "JSON encoded string" may also arrive already decoded."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, str):
        if not value.strip():
            return {}
        try:
            decoded = json.loads(value)
        except json.JSONDecodeError as error:
            raise InvalidEventError(f"{field} is not valid JSON: {error.msg}") from error
        if isinstance(decoded, Mapping):
            return dict(decoded)
    if value is None:
        return {}
    raise InvalidEventError(f"{field} is not a JSON object")


class MetadataRecord(EventView):
    """One decoded record of the Kinesis data stream sink."""

    @property
    def body(self) -> Mapping[str, Any]:
        """The decoded record (the view's raw event)."""
        return self.raw

    @classmethod
    def decode(cls, data: bytes) -> MetadataRecord:
        try:
            body = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise InvalidEventError(f"record data is not UTF-8 JSON: {error}") from error
        if not isinstance(body, Mapping):
            raise InvalidEventError("record data is JSON but not an object")
        return cls(body)

    @property
    def detail_type(self) -> str:
        return self._text("detail-type")

    @property
    def pipeline_id(self) -> str:
        return self._text("mediaInsightsPipelineId")

    @property
    def metadata(self) -> dict[str, Any]:
        return _json_object(self.body.get("metadata"), "metadata")

    @property
    def one_time_metadata(self) -> dict[str, Any]:
        metadata = self.metadata
        raw = metadata.get("oneTimeMetadata", metadata.get("onetimeMetadata"))
        return _json_object(raw, "metadata.oneTimeMetadata")

    @property
    def transaction_id(self) -> str:
        value = self.metadata.get("transactionId")
        if not isinstance(value, str) or not value:
            raise InvalidEventError(
                f"{self.detail_type or 'record'} has no metadata.transactionId",
                hint="Voice Connector sessions and this app's pipelines always set it",
            )
        return value

    @property
    def location(self) -> S3Location:
        url = self.body.get("s3MediaObjectConsoleUrl")
        if not isinstance(url, str) or not url:
            raise InvalidEventError("Recording record has no s3MediaObjectConsoleUrl")
        return parse_s3_console_url(url)

    @property
    def duration_seconds(self) -> str:
        raw = self.body.get("recordingDurationSeconds")
        try:
            seconds = float(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError) as error:
            raise InvalidEventError(f"recordingDurationSeconds {raw!r} is not a number") from error
        if seconds < 0:
            raise InvalidEventError(f"recordingDurationSeconds {raw!r} is negative")
        # Milliseconds, trailing zeros dropped ("68.3", "3600.125"): the precision of the SMA
        # path's recording-duration; ``:g`` would round long calls to 6 significant digits.
        return f"{seconds:.3f}".rstrip("0").rstrip(".")


def _siprec_values(record: MetadataRecord) -> dict[str, Any]:
    one_time = record.one_time_metadata
    values: dict[str, Any] = {}
    if one_time.get("siprecMetadata"):
        values["siprec_metadata"] = str(one_time["siprecMetadata"])
    if one_time.get("siprecMetadataJson"):
        values["siprec_metadata_json"] = str(one_time["siprecMetadataJson"])
    headers = one_time.get("sipHeaders", one_time.get("inviteHeaders"))
    if headers:
        values["sip_headers"] = headers if isinstance(headers, str) else json.dumps(headers)
    return values


def _call_values(record: MetadataRecord) -> dict[str, Any]:
    metadata = record.metadata
    values: dict[str, Any] = {"source_path": RecordingSource.MEDIA_INSIGHTS.value}
    for source, target in (("voiceConnectorId", "voice_connector_id"), ("callId", "call_id")):
        if metadata.get(source):
            values[target] = str(metadata[source])
    if record.pipeline_id:
        values["media_pipeline_id"] = record.pipeline_id
    return values


def apply_record(record: MetadataRecord, records: CallRecords) -> str:
    """Update the call record from one metadata record; returns what was done."""
    if record.detail_type == RECORDING:
        location = record.location
        extension = location.key.rsplit(".", 1)[-1].lower() if "." in location.key else ""
        if extension not in FORMATS:
            raise InvalidEventError(
                f"recording {location.uri} is neither .wav nor .ogg",
                hint="the S3 recording sink writes Wav or Opus (.ogg) files",
            )
        values = {
            **_call_values(record),
            **_siprec_values(record),
            "recording_location": location.uri,
            "recording_bucket": location.bucket,
            "recording_key": location.key,
            "recording_duration": record.duration_seconds,
            "recording_format": FORMATS[extension],
            "recording_state": RecordingState.STOPPED.value,
        }
        records.update(record.transaction_id, values)
        return "recording"
    if record.detail_type == CALL_ANALYTICS_METADATA:
        records.update(record.transaction_id, {**_call_values(record), **_siprec_values(record)})
        return "call-metadata"
    return "skipped"


def _decode_kinesis_data(raw_record: Mapping[str, Any]) -> tuple[str, bytes]:
    kinesis = raw_record.get("kinesis")
    if not isinstance(kinesis, Mapping):
        raise InvalidEventError("Kinesis event record has no kinesis object")
    sequence = str(kinesis.get("sequenceNumber", ""))
    try:
        data = base64.b64decode(str(kinesis.get("data", "")), validate=True)
    except (binascii.Error, ValueError) as error:
        raise InvalidEventError(f"record {sequence} data is not base64: {error}") from error
    return sequence, data


def _sequence_number(raw: Any) -> str:
    kinesis = raw.get("kinesis") if isinstance(raw, Mapping) else None
    return str(kinesis.get("sequenceNumber", "")) if isinstance(kinesis, Mapping) else ""


def consume(
    raw_records: Iterable[Mapping[str, Any]], records: CallRecords | None = None
) -> dict[str, Any]:
    """Process a Kinesis batch; returns Lambda's partial batch response.

    Every record is attempted. Failures (malformed records, storage errors) are logged with their
    error code and reported in ``batchItemFailures`` by sequence number.
    """
    records = records or CallRecords()
    failures: list[dict[str, str]] = []
    for raw in raw_records:
        sequence = _sequence_number(raw)
        try:
            sequence, data = _decode_kinesis_data(raw)
            outcome = apply_record(MetadataRecord.decode(data), records)
            logger.info("kinesis record %s: %s", sequence, outcome)
        except CallRecError as error:
            logger.error("kinesis record %s rejected: %s: %s", sequence, error.code, error)
            failures.append({"itemIdentifier": sequence})
    return {"batchItemFailures": failures}
