"""Start and stop media insights pipelines from Voice Connector streaming events.

A Voice Connector streams each call to two Kinesis video streams, one per participant, and sends
a ``Chime VoiceConnector Streaming Status`` event per stream: STARTED, then ENDED (or FAILED).
The recording source of ``CreateMediaInsightsPipeline`` requires a fragment selector with a
complete timestamp range, so:

- STARTED: the stream (ARN, side, start time, start fragment) and the call's parties are written
  to the call record. Nothing is created yet: the range has no end.
- ENDED: the stream's end time is written; once both streams have ended, the pipeline is created
  for the range [first start, last end], exactly once per transaction id.
- FAILED: the failure is recorded and any pipeline of the call is deleted.

Idempotency has two layers: a conditional write of ``media_pipeline_request`` on the call record
(a duplicate or concurrent event finds the claim and does nothing), and a ClientRequestToken
derived from the transaction id (a retried API call is recognised by the service).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib import aws
from chalicelib.call_records import (
    CallRecords,
    RecordingSource,
    RecordingState,
    iso_utc,
    utc_now_iso,
)
from chalicelib.channels import Direction, Leg
from chalicelib.errors import InvalidEventError, MediaPipelineError
from chalicelib.media_insights.events import (
    StreamingStatus,
    StreamingStatusEvent,
    StreamSide,
    parse_timestamp,
)
from chalicelib.media_insights.request import (
    FragmentSelector,
    PipelineSettings,
    StartMode,
    build_create_request,
)

logger = logging.getLogger(__name__)

SERVICE = "chime-sdk-media-pipelines"
CLAIM_ATTRIBUTE = "media_pipeline_request"


@dataclass(frozen=True)
class MediaInsightsResult:
    """What a handler did, for logs, tests and the Lambda's return value."""

    transaction_id: str
    action: str
    pipeline_id: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "transactionId": self.transaction_id,
            "action": self.action,
            "mediaPipelineId": self.pipeline_id,
        }


def _stream_attr(side: StreamSide, name: str) -> str:
    return f"kvs_{side.value}_{name}"


def _parties(event: StreamingStatusEvent) -> dict[str, str]:
    """Direction and numbers in the call records' vocabulary (owner = the Voice Connector side)."""
    values = {"voice_connector_id": event.voice_connector_id}
    if event.call_id:
        values["call_id"] = event.call_id
    vc_direction = event.direction.lower()
    if vc_direction in {Direction.INBOUND.value, Direction.OUTBOUND.value}:
        values["direction"] = vc_direction
        inbound = vc_direction == Direction.INBOUND.value
        owner, other = (event.to_number, event.from_number)
        if not inbound:
            owner, other = other, owner
        if owner:
            values["owner_number"] = owner
        if other:
            values["other_number"] = other
    return values


def handle_streaming_event(
    event: Mapping[str, Any], records: CallRecords | None = None
) -> MediaInsightsResult:
    """Entry point of the ``media_insights_streaming_status`` Lambda."""
    view = StreamingStatusEvent.parse(event)
    records = records or CallRecords()
    handlers = {
        StreamingStatus.STARTED: _on_started,
        StreamingStatus.UPDATED: _on_updated,
        StreamingStatus.ENDED: _on_ended,
        StreamingStatus.FAILED: _on_failed,
    }
    return handlers[view.status](view, records)


def _on_started(event: StreamingStatusEvent, records: CallRecords) -> MediaInsightsResult:
    side = event.side
    values: dict[str, Any] = {
        "source_path": RecordingSource.MEDIA_INSIGHTS.value,
        # Streams are passed caller first, so the caller is channel 0 (left) as on the SMA path.
        "recorded_leg": Leg.A.value,
        _stream_attr(side, "stream_arn"): event.stream_arn,
        **_parties(event),
    }
    try:
        values[_stream_attr(side, "started_at")] = iso_utc(event.start_time)
    except InvalidEventError as error:
        # The stream is still worth filing: ENDED repeats startTime, and the note says why the
        # recording may not be created.
        logger.warning("stream %s of %s: %s", side, event.transaction_id, error)
        records.note(event.transaction_id, f"{side.value} stream STARTED event: {error}")
    if event.start_fragment_number:
        values[_stream_attr(side, "start_fragment_number")] = event.start_fragment_number
    if event.siprec_metadata:
        values["siprec_metadata"] = event.siprec_metadata
    records.update(event.transaction_id, values)
    logger.info("stream %s of %s started: %s", side, event.transaction_id, event.stream_arn)
    return MediaInsightsResult(event.transaction_id, f"recorded-{side.value}-stream")


def _on_updated(event: StreamingStatusEvent, records: CallRecords) -> MediaInsightsResult:
    if event.siprec_metadata:
        records.update(event.transaction_id, {"siprec_metadata": event.siprec_metadata})
        return MediaInsightsResult(event.transaction_id, "updated-siprec-metadata")
    return MediaInsightsResult(event.transaction_id, "ignored-update")


def _on_ended(event: StreamingStatusEvent, records: CallRecords) -> MediaInsightsResult:
    side = event.side
    values: dict[str, Any] = {
        "source_path": RecordingSource.MEDIA_INSIGHTS.value,
        "recorded_leg": Leg.A.value,
        _stream_attr(side, "stream_arn"): event.stream_arn,
        _stream_attr(side, "ended_at"): iso_utc(event.end_time),
        **_parties(event),
    }
    # ENDED repeats startTime: a lost STARTED event (EventBridge delivery is best effort) does
    # not lose the stream's start.
    if event.detail.get("startTime"):
        values[_stream_attr(side, "started_at")] = iso_utc(event.start_time)
    records.update(event.transaction_id, values)
    record = records.get(event.transaction_id) or {}
    if not _both_streams_ended(record):
        return MediaInsightsResult(
            event.transaction_id, f"ended-{side.value}-stream-waiting-for-other"
        )
    started, ended = _call_span(record)
    records.update(
        event.transaction_id, {"started_at": iso_utc(started), "ended_at": iso_utc(ended)}
    )
    if StartMode.from_env() is StartMode.VOICE_CONNECTOR:
        # The configuration is associated with the Voice Connector: it records every call.
        return MediaInsightsResult(event.transaction_id, "left-to-voice-connector")
    if record.get(CLAIM_ATTRIBUTE):
        return MediaInsightsResult(
            event.transaction_id, "duplicate", str(record.get("media_pipeline_id", ""))
        )
    pipeline_id = start_pipeline(event.transaction_id, record, records)
    if pipeline_id is None:
        return MediaInsightsResult(event.transaction_id, "duplicate")
    return MediaInsightsResult(event.transaction_id, "created-pipeline", pipeline_id)


def _on_failed(event: StreamingStatusEvent, records: CallRecords) -> MediaInsightsResult:
    reason = event.failure_reason or "no reason given"
    records.update(event.transaction_id, {"recording_state": RecordingState.FAILED.value})
    records.note(event.transaction_id, f"Voice Connector streaming failed: {reason}")
    logger.error("streaming of %s failed: %s", event.transaction_id, reason)
    record = records.get(event.transaction_id) or {}
    pipeline_id = str(record.get("media_pipeline_id", ""))
    if pipeline_id:
        stop_pipeline(pipeline_id=pipeline_id, transaction_id=event.transaction_id, records=records)
        return MediaInsightsResult(
            event.transaction_id, "stopped-pipeline-after-failure", pipeline_id
        )
    return MediaInsightsResult(event.transaction_id, "recorded-failure")


def _both_streams_ended(record: Mapping[str, Any]) -> bool:
    return all(
        record.get(_stream_attr(side, name))
        for side in StreamSide
        for name in ("stream_arn", "started_at", "ended_at")
    )


def start_pipeline(
    transaction_id: str, record: Mapping[str, Any], records: CallRecords
) -> str | None:
    """Create the call's pipeline unless another invocation already did; returns its id."""
    pipeline = PipelineSettings.from_env()
    sides = (StreamSide.CALLER, StreamSide.CALLEE)
    request = build_create_request(
        pipeline,
        transaction_id=transaction_id,
        stream_arns=[str(record[_stream_attr(s, "stream_arn")]) for s in sides],
        selector=FragmentSelector(pipeline.selector_type, *_call_span(record)),
        runtime_metadata=_runtime_metadata(transaction_id, record),
    )
    token = request["ClientRequestToken"]
    if not records.claim(transaction_id, CLAIM_ATTRIBUTE, token):
        logger.info("pipeline for %s already requested: duplicate event ignored", transaction_id)
        return None
    try:
        response = _call("create_media_insights_pipeline", **request)
    except MediaPipelineError:
        # Let a retry of the failed create try again (the request token still prevents duplicates).
        records.remove(transaction_id, CLAIM_ATTRIBUTE)
        raise
    created = response.get("MediaInsightsPipeline", {})
    pipeline_id = str(created.get("MediaPipelineId", ""))
    records.update(
        transaction_id,
        {
            "media_pipeline_id": pipeline_id,
            "media_pipeline_arn": str(created.get("MediaPipelineArn", "")),
            "media_pipeline_status": str(created.get("Status", "Initializing")),
            "recording_state": RecordingState.RECORDING.value,
        },
        {
            "recording_events": [
                {
                    "at": utc_now_iso(),
                    "state": RecordingState.RECORDING.value,
                    "by": "media-insights-pipeline",
                }
            ]
        },
    )
    logger.info("created media insights pipeline %s for %s", pipeline_id, transaction_id)
    return pipeline_id


def _call_span(record: Mapping[str, Any]) -> tuple[datetime, datetime]:
    """[first stream start, last stream end] of a call whose streams have both ended."""
    starts = [_time(record, _stream_attr(s, "started_at")) for s in StreamSide]
    ends = [_time(record, _stream_attr(s, "ended_at")) for s in StreamSide]
    return min(starts), max(ends)


def _time(record: Mapping[str, Any], attribute: str) -> datetime:
    return parse_timestamp(str(record[attribute]), attribute)


def _runtime_metadata(transaction_id: str, record: Mapping[str, Any]) -> dict[str, str]:
    """Echoed by the service in the KDS records and state change events, for correlation."""
    return {
        "transactionId": transaction_id,
        "callId": str(record.get("call_id", "")),
        "voiceConnectorId": str(record.get("voice_connector_id", "")),
        "direction": str(record.get("direction", "")),
    }


def stop_pipeline(
    *,
    transaction_id: str = "",
    pipeline_id: str = "",
    records: CallRecords | None = None,
) -> MediaInsightsResult:
    """Delete a call's media insights pipeline (by transaction id or pipeline id)."""
    records = records or CallRecords()
    if not pipeline_id:
        if not transaction_id:
            raise InvalidEventError(
                "stop request names neither transactionId nor mediaPipelineId",
                hint='invoke with {"transactionId": "..."} or {"mediaPipelineId": "..."}',
            )
        record = records.get(transaction_id) or {}
        pipeline_id = str(record.get("media_pipeline_id", ""))
        if not pipeline_id:
            raise InvalidEventError(
                f"call {transaction_id} has no media insights pipeline",
                hint="a pipeline is created when both of the call's streams have ended",
            )
    try:
        _call("delete_media_pipeline", MediaPipelineId=pipeline_id)
        action, status = "deleted-pipeline", "Stopping"
    except MediaPipelineError as error:
        if aws.error_code(error.__cause__) != "NotFoundException":
            raise
        action, status = "pipeline-already-gone", "Stopped"
    if transaction_id:
        records.update(transaction_id, {"media_pipeline_status": status})
        records.note(transaction_id, f"media insights pipeline {pipeline_id}: {action}")
    return MediaInsightsResult(transaction_id, action, pipeline_id)


def _call(operation: str, **params: Any) -> dict[str, Any]:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        result: dict[str, Any] = getattr(aws.client(SERVICE), operation)(**params)
    except ClientError as error:
        code = aws.error_code(error)
        message = error.response.get("Error", {}).get("Message", "")
        raise MediaPipelineError(
            f"{operation} failed: {code}: {message}",
            hint=_HINTS.get(code, "see the Chime SDK media pipelines API reference"),
        ) from error
    except BotoCoreError as error:
        raise MediaPipelineError(
            f"{operation} failed: {error}", hint="check network access and the endpoint"
        ) from error
    return result


_HINTS = {
    "BadRequestException": "the request does not match the API's limits; see the message",
    "ForbiddenException": "the function's role needs chime:CreateMediaInsightsPipeline "
    "(and chime:DeleteMediaPipeline to stop); check its policy",
    "NotFoundException": "the configuration or stream does not exist in this account and region",
    "ResourceLimitExceededException": "too many concurrent pipelines; raise the service quota",
    "ThrottledClientException": "throttled; the Lambda retry will try again",
}
