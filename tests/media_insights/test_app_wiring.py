"""The four functions as Chalice wires them (chalice.test.Client), names included."""

from __future__ import annotations

import json

from chalice.test import Client

import app as chalice_app

from .conftest import Backends, load_event

TX = "ec97a8ff-3f83-4de2-8d73-d988070f6af4"


def test_function_names_are_the_documented_contract() -> None:
    assert {
        "media_insights_streaming_status",
        "media_insights_state_change",
        "media_insights_recording_metadata",
        "stop_media_insights_pipeline",
    } <= set(chalice_app.app.handler_map)


def test_streaming_status_function_handles_a_documented_event(backends: Backends) -> None:
    with Client(chalice_app.app) as client:
        response = client.lambda_.invoke(
            "media_insights_streaming_status", load_event("call_started_caller.json")
        )
    assert response.payload["action"] == "recorded-caller-stream"
    assert backends.record(TX)["kvs_caller_stream_arn"]


def test_state_change_function_records_status(backends: Backends) -> None:
    with Client(chalice_app.app) as client:
        response = client.lambda_.invoke(
            "media_insights_state_change", load_event("state_permanent_failure.json")
        )
    assert response.payload["action"] == "recorded-PermanentFailure"


def test_metadata_function_returns_a_partial_batch_response(backends: Backends) -> None:
    good = json.dumps(load_event("kds_recording.json")).encode()
    with Client(chalice_app.app) as client:
        event = client.events.generate_kinesis_event([b"not json", good])
        response = client.lambda_.invoke("media_insights_recording_metadata", event)
    first = event["Records"][0]["kinesis"]["sequenceNumber"]
    assert response.payload == {"batchItemFailures": [{"itemIdentifier": first}]}
    assert backends.record(TX)["recording_format"] == "wav"


def test_stop_function_accepts_a_pipeline_id(backends: Backends) -> None:
    with Client(chalice_app.app) as client:
        response = client.lambda_.invoke(
            "stop_media_insights_pipeline",
            {"mediaPipelineId": "e40ee45e-2ed1-408e-9156-f52b8208a491"},
        )
    assert response.payload["action"] == "pipeline-already-gone"
