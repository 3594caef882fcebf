"""Record ``Media Insights State Change`` events on the call record and surface failures.

Status per event type (from "Using Amazon EventBridge notifications for the Amazon Chime SDK"):
a temporary failure is retried by the service ("no action is required"), so it is noted and
logged as a warning; a permanent failure or a failed creation needs the operator ("use the
failureReason to troubleshoot"), so the recording is marked failed and the reason is logged as
an error and kept in the record's notes.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from chalicelib.call_records import CallRecords, RecordingState, utc_now_iso
from chalicelib.media_insights.events import MediaInsightsEventType, MediaInsightsStateEvent
from chalicelib.media_insights.pipelines import MediaInsightsResult

logger = logging.getLogger(__name__)

PIPELINE_STATUS = {
    MediaInsightsEventType.CREATED: "Initializing",
    MediaInsightsEventType.IN_PROGRESS: "InProgress",
    MediaInsightsEventType.PAUSED: "Paused",
    MediaInsightsEventType.STOPPED: "Stopped",
    MediaInsightsEventType.TEMPORARY_FAILURE: "TemporaryFailure",
    MediaInsightsEventType.PERMANENT_FAILURE: "PermanentFailure",
    MediaInsightsEventType.CREATE_FAILED: "CreateFailed",
}


def handle_state_change(
    event: Mapping[str, Any], records: CallRecords | None = None
) -> MediaInsightsResult:
    """Entry point of the ``media_insights_state_change`` Lambda."""
    view = MediaInsightsStateEvent.parse(event)
    status = PIPELINE_STATUS[view.event_type]
    transaction_id = view.transaction_id
    if not transaction_id:
        # Pipelines of other applications share the default bus; without the id nothing is ours.
        logger.warning(
            "%s for pipeline %s carries no transactionId; not recorded", status, view.pipeline_arn
        )
        return MediaInsightsResult("", f"ignored-{status}", view.pipeline_id)
    records = records or CallRecords()
    values: dict[str, Any] = {"media_pipeline_status": status}
    if view.pipeline_id:
        values["media_pipeline_id"] = view.pipeline_id
        values["media_pipeline_arn"] = view.pipeline_arn
    failed_elements = [e.type for e in view.element_statuses if e.status == "Failed"]
    permanent = view.event_type in {
        MediaInsightsEventType.PERMANENT_FAILURE,
        MediaInsightsEventType.CREATE_FAILED,
    }
    if permanent:
        values["recording_state"] = RecordingState.FAILED.value
    event = {
        "at": utc_now_iso(),
        "event_type": view.event_type.value,
        "elements": {e.type: e.status for e in view.element_statuses},
        "failure_reason": view.failure_reason,
    }
    records.update(transaction_id, values, {"media_pipeline_events": [event]})
    if view.is_failure:
        reason = view.failure_reason or "no failureReason given"
        where = f" (failed elements: {', '.join(failed_elements)})" if failed_elements else ""
        if permanent:
            logger.error("media insights %s for %s: %s%s", status, transaction_id, reason, where)
            records.note(
                transaction_id,
                f"Media insights pipeline {status}: {reason}{where}. Check the resource access "
                "role's permissions, the KVS streams' retention and the sinks.",
            )
        else:
            logger.warning("media insights %s for %s: %s", status, transaction_id, reason)
            records.note(
                transaction_id,
                f"Media insights pipeline TemporaryFailure (the service retries): {reason}",
            )
    return MediaInsightsResult(transaction_id, f"recorded-{status}", view.pipeline_id)
