"""Every event view derives from the one read-only base, and the EventBridge envelope is checked
in one place (issue 16, "One event-view base")."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from chalicelib.errors import InvalidEventError
from chalicelib.event_view import EventBridgeView, EventView
from chalicelib.media_insights.events import MediaInsightsStateEvent, StreamingStatusEvent
from chalicelib.media_insights.recording_metadata import MetadataRecord
from chalicelib.report.job_events import JobStateChange
from chalicelib.sma.events import ActionData, InvocationEvent
from chalicelib.transcription.s3_events import S3Event, S3EventRecord

EVENTS = Path(__file__).resolve().parent.parent / "events"


def load(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return loaded


EVENTBRIDGE_VIEWS = [
    (JobStateChange, "eventbridge/call_analytics_job_completed.json"),
    (StreamingStatusEvent, "media_insights/doc_streaming_started.json"),
    (MediaInsightsStateEvent, "media_insights/state_in_progress.json"),
]


@pytest.mark.parametrize(
    "view",
    [InvocationEvent, ActionData, S3Event, S3EventRecord, MetadataRecord]
    + [v for v, _ in EVENTBRIDGE_VIEWS],
)
def test_every_view_derives_from_the_one_base(view: type) -> None:
    assert issubclass(view, EventView)


def test_a_view_is_read_only() -> None:
    view = S3Event(load("s3/object_created_sma_recording.json"))
    with pytest.raises(AttributeError, match="read-only"):
        view.raw = {}  # type: ignore[misc]


def test_fields_of_the_wrong_type_read_as_empty() -> None:
    data = ActionData({"Type": None, "Parameters": ["not", "an", "object"], "ReceivedDigits": 0})
    assert (data.type, dict(data.parameters), data.received_digits, data.call_id) == (
        "",
        {},
        "",
        "",
    )


@pytest.mark.parametrize(
    ("view", "sample"), EVENTBRIDGE_VIEWS, ids=lambda v: getattr(v, "__name__", "")
)
def test_eventbridge_views_share_the_envelope_check(
    view: type[EventBridgeView], sample: str
) -> None:
    event = load(sample)
    assert view(event).detail == event["detail"]
    wrong = {**event, "source": "aws.s3"}
    with pytest.raises(InvalidEventError, match=r"expected a .* event, got source='aws.s3'"):
        view(wrong)


@pytest.mark.parametrize(
    ("view", "sample"), EVENTBRIDGE_VIEWS, ids=lambda v: getattr(v, "__name__", "")
)
def test_eventbridge_views_refuse_an_event_without_a_detail_object(
    view: type[EventBridgeView], sample: str
) -> None:
    event = copy.deepcopy(load(sample))
    event["detail"] = "not an object"
    with pytest.raises(InvalidEventError, match="no detail object"):
        view(event)


def test_a_routed_detail_type_of_another_view_is_refused() -> None:
    streaming = load("media_insights/doc_streaming_started.json")
    with pytest.raises(InvalidEventError, match="Media Insights State Change"):
        MediaInsightsStateEvent(streaming)
