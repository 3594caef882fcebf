"""Wiring only: the Chalice app, its Lambda functions and their event sources.

All logic lives in chalicelib/. Imports here must stay light: every function deployed from this
app loads this module, so heavy libraries are imported inside the handlers that need them.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from chalice import Chalice
from chalice.app import CloudWatchEvent, KinesisEvent

app = Chalice(app_name="callrec")
app.log.setLevel(logging.INFO)

# --- SIP media application call flow (issue: foundation) -------------------------------------


@app.lambda_function(name="sma_handler")
def sma_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Invoked by the SIP media application; answers with actions. Never raises to Chime."""
    from chalicelib.sma.handler import handle

    return handle(event, context)


# --- Media insights recording path: Voice Connector + KVS + media insights pipeline (issue 7) ---
# Function names are contracts (Terraform wires event sources to them by name):
#   media_insights_streaming_status   EventBridge "Chime VoiceConnector Streaming Status"
#   media_insights_state_change       EventBridge "Media Insights State Change"
#   media_insights_recording_metadata Kinesis data stream sink of the pipeline configuration
#   stop_media_insights_pipeline      direct invoke: {"transactionId"} or {"mediaPipelineId"}
# The stream name is a packaging-time choice (chalice package); it matches the Terraform default.
MEDIA_INSIGHTS_METADATA_STREAM = os.environ.get(
    "MEDIA_INSIGHTS_METADATA_STREAM", "callrec-media-insights-metadata"
)


@app.on_cw_event(
    {"source": ["aws.chime"], "detail-type": ["Chime VoiceConnector Streaming Status"]},
    name="media_insights_streaming_status",
)
def media_insights_streaming_status(event: CloudWatchEvent) -> dict[str, str]:
    from chalicelib.media_insights.pipelines import handle_streaming_event

    return handle_streaming_event(event.to_dict()).to_dict()


@app.on_cw_event(
    {"source": ["aws.chime"], "detail-type": ["Media Insights State Change"]},
    name="media_insights_state_change",
)
def media_insights_state_change(event: CloudWatchEvent) -> dict[str, str]:
    from chalicelib.media_insights.status import handle_state_change

    return handle_state_change(event.to_dict()).to_dict()


@app.on_kinesis_record(
    stream=MEDIA_INSIGHTS_METADATA_STREAM,
    name="media_insights_recording_metadata",
    starting_position="TRIM_HORIZON",
    batch_size=100,
)
def media_insights_recording_metadata(event: KinesisEvent) -> dict[str, Any]:
    from chalicelib.media_insights.recording_metadata import consume

    # Raw records, not Chalice's KinesisRecord: its eager base64 decoding would fail the whole
    # batch on one malformed record instead of reporting that record alone.
    return consume(event.to_dict().get("Records", []))


@app.lambda_function(name="stop_media_insights_pipeline")
def stop_media_insights_pipeline(event: dict[str, Any], context: Any) -> dict[str, str]:
    from chalicelib.media_insights.pipelines import stop_pipeline

    return stop_pipeline(
        transaction_id=str(event.get("transactionId", "")),
        pipeline_id=str(event.get("mediaPipelineId", "")),
    ).to_dict()
