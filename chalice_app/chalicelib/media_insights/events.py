"""Typed, read-only views over the EventBridge events of the media insights recording path.

Shapes follow the Amazon Chime SDK documentation: "Automating the Amazon Chime SDK with
EventBridge" (Voice Connector streaming events) and "Using Amazon EventBridge notifications for
the Amazon Chime SDK" (``Media Insights State Change``). Only the fields this app uses are exposed;
a missing required field raises InvalidEventError naming it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from chalicelib.errors import InvalidEventError
from chalicelib.event_view import EventBridgeView

SOURCE = "aws.chime"
STREAMING_DETAIL_TYPE = "Chime VoiceConnector Streaming Status"
STATE_CHANGE_DETAIL_TYPE = "Media Insights State Change"


class StreamingStatus(StrEnum):
    STARTED = "STARTED"
    UPDATED = "UPDATED"
    ENDED = "ENDED"
    FAILED = "FAILED"


class MediaInsightsEventType(StrEnum):
    IN_PROGRESS = "chime:MediaInsightsInProgress"
    PAUSED = "chime:MediaInsightsPaused"
    STOPPED = "chime:MediaInsightsStopped"
    TEMPORARY_FAILURE = "chime:MediaInsightsTemporaryFailure"
    PERMANENT_FAILURE = "chime:MediaInsightsPermanentFailure"
    CREATED = "chime:MediaInsightsCreated"
    CREATE_FAILED = "chime:MediaInsightsCreateFailed"


class StreamSide(StrEnum):
    """Which participant's audio a Voice Connector KVS stream carries (``isCaller``)."""

    CALLER = "caller"
    CALLEE = "callee"


def parse_timestamp(raw: str, field: str) -> datetime:
    """Parse an ISO 8601 timestamp such as ``2023-04-05T22:14:02.238Z`` into an aware datetime."""
    text = raw.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(text)
    except ValueError as error:
        raise InvalidEventError(
            f"{field}={raw!r} is not an ISO 8601 timestamp",
            hint="Voice Connector events carry times like 2023-04-05T22:14:02.238Z",
        ) from error
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _required(detail: Mapping[str, Any], name: str, detail_type: str) -> str:
    value = detail.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidEventError(f"'{detail_type}' event detail has no {name}")
    return value


def _optional(detail: Mapping[str, Any], name: str) -> str:
    value = detail.get(name)
    return value if isinstance(value, str) else ""


def _as_bool(value: Any) -> bool | None:
    """``isCaller`` is a JSON boolean in the documentation, a string in some deliveries."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    return None


class StreamingStatusEvent(EventBridgeView):
    """A ``Chime VoiceConnector Streaming Status`` event (one per KVS stream, two per call)."""

    SOURCE = SOURCE
    DETAIL_TYPES = (STREAMING_DETAIL_TYPE,)

    @classmethod
    def parse(cls, event: Mapping[str, Any]) -> StreamingStatusEvent:
        view = cls(event)
        view.status  # noqa: B018 - validate eagerly so bad events fail at the boundary
        view.transaction_id  # noqa: B018
        return view

    @property
    def status(self) -> StreamingStatus:
        raw = _required(self.detail, "streamingStatus", STREAMING_DETAIL_TYPE)
        try:
            return StreamingStatus(raw)
        except ValueError as error:
            raise InvalidEventError(
                f"unknown streamingStatus {raw!r}",
                hint="documented values are STARTED, UPDATED, ENDED and FAILED",
            ) from error

    @property
    def transaction_id(self) -> str:
        return _required(self.detail, "transactionId", STREAMING_DETAIL_TYPE)

    @property
    def voice_connector_id(self) -> str:
        return _required(self.detail, "voiceConnectorId", STREAMING_DETAIL_TYPE)

    @property
    def call_id(self) -> str:
        return _optional(self.detail, "callId")

    @property
    def direction(self) -> str:
        """``Inbound`` or ``Outbound`` as the Voice Connector reports it (may be empty)."""
        return _optional(self.detail, "direction")

    @property
    def from_number(self) -> str:
        return _optional(self.detail, "fromNumber")

    @property
    def to_number(self) -> str:
        return _optional(self.detail, "toNumber")

    @property
    def stream_arn(self) -> str:
        return _required(self.detail, "streamArn", STREAMING_DETAIL_TYPE)

    @property
    def side(self) -> StreamSide:
        is_caller = _as_bool(self.detail.get("isCaller"))
        if is_caller is None:
            raise InvalidEventError(
                "streaming event has no boolean isCaller",
                hint="STARTED and ENDED events say which participant the stream carries",
            )
        return StreamSide.CALLER if is_caller else StreamSide.CALLEE

    @property
    def start_time(self) -> datetime:
        return parse_timestamp(
            _required(self.detail, "startTime", STREAMING_DETAIL_TYPE), "startTime"
        )

    @property
    def end_time(self) -> datetime:
        return parse_timestamp(_required(self.detail, "endTime", STREAMING_DETAIL_TYPE), "endTime")

    @property
    def start_fragment_number(self) -> str:
        return _optional(self.detail, "startFragmentNumber")

    @property
    def siprec_metadata(self) -> str:
        return _optional(self.detail, "siprecMetadata")

    @property
    def failure_reason(self) -> str:
        return _optional(self.detail, "failureReason")


@dataclass(frozen=True)
class ElementStatus:
    type: str
    status: str


class MediaInsightsStateEvent(EventBridgeView):
    """A ``Media Insights State Change`` event."""

    SOURCE = SOURCE
    DETAIL_TYPES = (STATE_CHANGE_DETAIL_TYPE,)

    @classmethod
    def parse(cls, event: Mapping[str, Any]) -> MediaInsightsStateEvent:
        view = cls(event)
        view.event_type  # noqa: B018 - validate eagerly
        return view

    @property
    def event_type(self) -> MediaInsightsEventType:
        raw = _required(self.detail, "eventType", STATE_CHANGE_DETAIL_TYPE)
        try:
            return MediaInsightsEventType(raw)
        except ValueError as error:
            raise InvalidEventError(
                f"unknown media insights eventType {raw!r}",
                hint="see 'Using Amazon EventBridge notifications' in the Chime SDK guide",
            ) from error

    @property
    def pipeline_arn(self) -> str:
        """Absent from ``chime:MediaInsightsCreateFailed`` (no pipeline was created)."""
        return _optional(self.detail, "mediaInsightsPipelineArn")

    @property
    def pipeline_id(self) -> str:
        arn = self.pipeline_arn
        return arn.rsplit("/", 1)[-1] if arn else ""

    @property
    def transaction_id(self) -> str:
        return _optional(self.detail, "transactionId")

    @property
    def failure_reason(self) -> str:
        return _optional(self.detail, "failureReason")

    @property
    def element_statuses(self) -> tuple[ElementStatus, ...]:
        raw = self.detail.get("mediaInsightsPipelineElementStatuses") or []
        if not isinstance(raw, list):
            raise InvalidEventError("mediaInsightsPipelineElementStatuses is not a list")
        return tuple(
            ElementStatus(type=str(item.get("type", "")), status=str(item.get("status", "")))
            for item in raw
            if isinstance(item, Mapping)
        )

    @property
    def is_failure(self) -> bool:
        return self.event_type in {
            MediaInsightsEventType.PERMANENT_FAILURE,
            MediaInsightsEventType.TEMPORARY_FAILURE,
            MediaInsightsEventType.CREATE_FAILED,
        }
