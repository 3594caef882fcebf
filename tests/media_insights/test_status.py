"""Media Insights State Change: status recorded, failures surfaced."""

from __future__ import annotations

import pytest

from chalicelib.media_insights.status import handle_state_change

from .conftest import Backends, load_event

TX = "ec97a8ff-3f83-4de2-8d73-d988070f6af4"


def test_in_progress_is_recorded(backends: Backends) -> None:
    outcome = handle_state_change(load_event("state_in_progress.json"), backends.records)
    assert outcome.action == "recorded-InProgress"
    record = backends.record(TX)
    assert record["media_pipeline_status"] == "InProgress"
    assert record["media_pipeline_id"] == "e40ee45e-2ed1-408e-9156-f52b8208a491"
    assert record["media_pipeline_events"][0]["event_type"] == "chime:MediaInsightsInProgress"
    assert "recording_state" not in record


def test_permanent_failure_fails_the_recording_and_keeps_the_reason(
    backends: Backends, caplog: pytest.LogCaptureFixture
) -> None:
    handle_state_change(load_event("state_permanent_failure.json"), backends.records)
    record = backends.record(TX)
    assert record["media_pipeline_status"] == "PermanentFailure"
    assert record["recording_state"] == "failed"
    assert "Access denied when assuming resource access role" in record["notes"][-1]["text"]
    assert any(r.levelname == "ERROR" for r in caplog.records)


def test_failed_element_is_named(backends: Backends) -> None:
    handle_state_change(load_event("state_recording_sink_failed.json"), backends.records)
    record = backends.record(TX)
    assert "failed elements: S3RecordingSink" in record["notes"][-1]["text"]
    assert record["media_pipeline_events"][-1]["elements"]["S3RecordingSink"] == "Failed"


def test_temporary_failure_is_noted_but_not_failed(
    backends: Backends, caplog: pytest.LogCaptureFixture
) -> None:
    handle_state_change(load_event("state_temporary_failure.json"), backends.records)
    record = backends.record(TX)
    assert record["media_pipeline_status"] == "TemporaryFailure"
    assert "recording_state" not in record
    assert "service retries" in record["notes"][-1]["text"]
    assert any(r.levelname == "WARNING" for r in caplog.records)


def test_create_failed_fails_the_recording(backends: Backends) -> None:
    handle_state_change(load_event("state_create_failed.json"), backends.records)
    record = backends.record(TX)
    assert record["media_pipeline_status"] == "CreateFailed"
    assert record["recording_state"] == "failed"
    assert "media_pipeline_id" not in record


def test_event_without_transaction_id_is_not_recorded(backends: Backends) -> None:
    event = load_event("state_stopped.json")
    del event["detail"]["transactionId"]
    outcome = handle_state_change(event, backends.records)
    assert outcome.action == "ignored-Stopped"
    assert backends.record(TX) == {}
