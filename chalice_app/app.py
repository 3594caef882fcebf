"""Wiring only: the Chalice app, its Lambda functions and their event sources.

All logic lives in chalicelib/. Imports here must stay light: every function deployed from this
app loads this module, so heavy libraries are imported inside the handlers that need them.
"""

from __future__ import annotations

import logging
from typing import Any

from chalice import Chalice
from chalice.app import CloudWatchEvent, KinesisEvent, S3Event

from chalicelib import settings
from chalicelib.console.routes import console_api
from chalicelib.transcription.config import recordings_prefix

app = Chalice(app_name="callrec")
app.log.setLevel(logging.INFO)

# --- Call console HTTP API (issue 13): routes in chalicelib/console/routes.py, served by the ----
# API handler Lambda (api_handler) behind API Gateway; contract in docs/console-api.md.
# CONSOLE_API=disabled (written by `callrec chalice-config` when the stack has no console, so no
# role for api_handler) leaves the REST API out of `chalice deploy`, as MEDIA_INSIGHTS_FUNCTIONS
# does for the media insights functions below.
if settings.optional("CONSOLE_API", "enabled") != "disabled":
    app.register_blueprint(console_api)

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
MEDIA_INSIGHTS_METADATA_STREAM = settings.optional(
    "MEDIA_INSIGHTS_METADATA_STREAM", "callrec-media-insights-metadata"
)
# Read when Chalice loads the app to deploy it (with the stage's environment_variables): a
# stage written by `callrec chalice-config` for a stack without the media insights path says
# "disabled", and `chalice deploy` then leaves these four functions and their event sources out
# (their Kinesis stream and roles do not exist). The functions stay defined either way.
MEDIA_INSIGHTS_FUNCTIONS = settings.optional("MEDIA_INSIGHTS_FUNCTIONS", "enabled")


def media_insights_streaming_status(event: CloudWatchEvent) -> dict[str, str]:
    from chalicelib.media_insights.pipelines import handle_streaming_event

    return handle_streaming_event(event.to_dict()).to_dict()


def media_insights_state_change(event: CloudWatchEvent) -> dict[str, str]:
    from chalicelib.media_insights.status import handle_state_change

    return handle_state_change(event.to_dict()).to_dict()


def media_insights_recording_metadata(event: KinesisEvent) -> dict[str, Any]:
    from chalicelib.media_insights.recording_metadata import consume

    # Raw records, not Chalice's KinesisRecord: its eager base64 decoding would fail the whole
    # batch on one malformed record instead of reporting that record alone.
    return consume(event.to_dict().get("Records", []))


def stop_media_insights_pipeline(event: dict[str, Any], context: Any) -> dict[str, str]:
    from chalicelib.media_insights.pipelines import stop_pipeline

    return stop_pipeline(
        transaction_id=str(event.get("transactionId", "")),
        pipeline_id=str(event.get("mediaPipelineId", "")),
    ).to_dict()


if MEDIA_INSIGHTS_FUNCTIONS != "disabled":
    media_insights_streaming_status = app.on_cw_event(
        {"source": ["aws.chime"], "detail-type": ["Chime VoiceConnector Streaming Status"]},
        name="media_insights_streaming_status",
    )(media_insights_streaming_status)
    media_insights_state_change = app.on_cw_event(
        {"source": ["aws.chime"], "detail-type": ["Media Insights State Change"]},
        name="media_insights_state_change",
    )(media_insights_state_change)
    media_insights_recording_metadata = app.on_kinesis_record(
        stream=MEDIA_INSIGHTS_METADATA_STREAM,
        name="media_insights_recording_metadata",
        starting_position="TRIM_HORIZON",
        batch_size=100,
    )(media_insights_recording_metadata)
    stop_media_insights_pipeline = app.lambda_function(name="stop_media_insights_pipeline")(
        stop_media_insights_pipeline
    )


# --- Post-call processing: transcription and report (issue 4) --------------------------------
# start_transcription: S3 object-created events on the recordings bucket, filtered by prefix
# here and by suffix (.wav, .ogg) in code. Chalice's on_s3_event takes one suffix, and two
# registrations would deploy two functions; S3 also refuses overlapping notification filters, so
# one prefix-only registration is the simplest correct choice. The media insights recording sink
# must therefore write under the same prefix. render_report: Transcribe's job state changes for
# Call Analytics jobs and for standard jobs (the mono fallback); other statuses and jobs that this
# app did not start are ignored in code. Both raise on transient AWS errors so that Lambda's
# asynchronous retry and the dead-letter queue apply; `callrec replay` re-drives that queue.
# The prefix is read by the same function the handler filters with, so the two always agree.
RECORDINGS_BUCKET = settings.optional("RECORDINGS_BUCKET", "callrec-recordings")


@app.on_s3_event(
    bucket=RECORDINGS_BUCKET,
    events=["s3:ObjectCreated:*"],
    prefix=recordings_prefix() or None,
    name="start_transcription",
)
def start_transcription(event: S3Event) -> list[dict[str, str]]:
    from chalicelib.transcription.handler import handle_s3_event

    return [result.to_dict() for result in handle_s3_event(event.to_dict())]


@app.on_cw_event(
    {
        "source": ["aws.transcribe"],
        "detail-type": ["Call Analytics Job State Change", "Transcribe Job State Change"],
    },
    name="render_report",
)
def render_report(event: CloudWatchEvent) -> dict[str, str]:
    from chalicelib.report.handler import handle_job_event

    return handle_job_event(event.to_dict()).to_dict()
