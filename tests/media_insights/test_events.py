"""The typed views read the documented EventBridge payloads (tests/events/media_insights)."""

from __future__ import annotations

import copy

import pytest

from chalicelib.errors import InvalidEventError
from chalicelib.media_insights.events import (
    MediaInsightsEventType,
    MediaInsightsStateEvent,
    StreamingStatus,
    StreamingStatusEvent,
    StreamSide,
    parse_timestamp,
)

from .conftest import load_event


def test_documented_started_event_exposes_stream_and_side() -> None:
    event = StreamingStatusEvent.parse(load_event("doc_streaming_started.json"))
    assert event.status is StreamingStatus.STARTED
    assert event.transaction_id == "12345678-1234-1234"
    assert event.voice_connector_id == "abcdef1ghij2klmno3pqr4"
    assert event.side is StreamSide.CALLEE  # "isCaller": false
    assert event.stream_arn.endswith("/111122223333")
    assert event.start_fragment_number == "1234567899444"
    assert event.siprec_metadata.startswith("<&xml")


def test_documented_failed_event_carries_reason() -> None:
    event = StreamingStatusEvent.parse(load_event("doc_streaming_failed.json"))
    assert event.status is StreamingStatus.FAILED
    assert event.failure_reason == "Internal failure"


def test_is_caller_as_string_is_accepted() -> None:
    raw = load_event("call_started_callee.json")
    raw["detail"]["isCaller"] = "True"
    assert StreamingStatusEvent.parse(raw).side is StreamSide.CALLER


def test_concrete_times_parse_to_aware_datetimes() -> None:
    event = StreamingStatusEvent.parse(load_event("call_ended_caller.json"))
    assert (event.end_time - event.start_time).total_seconds() == pytest.approx(68.274)


def test_placeholder_time_is_rejected_with_its_field_name() -> None:
    event = StreamingStatusEvent.parse(load_event("doc_streaming_started.json"))
    with pytest.raises(InvalidEventError, match="startTime"):
        _ = event.start_time


def test_unknown_streaming_status_is_rejected() -> None:
    raw = copy.deepcopy(load_event("call_started_caller.json"))
    raw["detail"]["streamingStatus"] = "PAUSED"
    with pytest.raises(InvalidEventError, match="unknown streamingStatus"):
        StreamingStatusEvent.parse(raw)


def test_event_of_another_detail_type_is_rejected() -> None:
    with pytest.raises(InvalidEventError, match="Chime VoiceConnector Streaming Status"):
        StreamingStatusEvent.parse(load_event("state_in_progress.json"))


def test_missing_transaction_id_is_rejected() -> None:
    raw = load_event("call_started_caller.json")
    del raw["detail"]["transactionId"]
    with pytest.raises(InvalidEventError, match="transactionId"):
        StreamingStatusEvent.parse(raw)


def test_missing_is_caller_is_rejected_when_side_is_needed() -> None:
    raw = load_event("call_started_caller.json")
    del raw["detail"]["isCaller"]
    with pytest.raises(InvalidEventError, match="isCaller"):
        _ = StreamingStatusEvent.parse(raw).side


def test_state_event_with_element_statuses() -> None:
    event = MediaInsightsStateEvent.parse(load_event("state_recording_sink_failed.json"))
    assert event.event_type is MediaInsightsEventType.PERMANENT_FAILURE
    assert event.pipeline_id == "e40ee45e-2ed1-408e-9156-f52b8208a491"
    assert [(e.type, e.status) for e in event.element_statuses] == [
        ("AmazonTranscribeProcessor", "Stopped"),
        ("S3RecordingSink", "Failed"),
    ]
    assert event.is_failure


def test_create_failed_event_has_no_pipeline() -> None:
    event = MediaInsightsStateEvent.parse(load_event("state_create_failed.json"))
    assert event.event_type is MediaInsightsEventType.CREATE_FAILED
    assert event.pipeline_arn == ""
    assert event.failure_reason == "Access denied when assuming resource access role"


def test_unknown_state_event_type_is_rejected() -> None:
    raw = load_event("state_in_progress.json")
    raw["detail"]["eventType"] = "chime:MediaInsightsExploded"
    with pytest.raises(InvalidEventError, match="unknown media insights eventType"):
        MediaInsightsStateEvent.parse(raw)


def test_timestamp_without_zone_is_taken_as_utc() -> None:
    assert parse_timestamp("2023-04-05T22:14:02", "t").utcoffset() is not None
