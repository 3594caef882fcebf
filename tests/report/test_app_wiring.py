"""The Chalice wiring of start_transcription and render_report, through chalice.test.Client."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from chalice.test import Client

import app as chalice_app
from chalicelib.transcription.jobs import job_name

support = importlib.import_module("tests.transcription.conftest")
CHALICE_DIR = Path(__file__).resolve().parents[2] / "chalice_app"


def sources(name: str) -> list[Any]:
    return [s for s in chalice_app.app.event_sources if s.name == name]


def test_start_transcription_listens_to_object_created_under_the_prefix() -> None:
    [source] = sources("start_transcription")
    assert source.bucket == chalice_app.RECORDINGS_BUCKET
    assert source.events == ["s3:ObjectCreated:*"]
    assert source.prefix == "recordings/"
    assert source.suffix is None  # .wav and .ogg are both filtered in code


def test_render_report_listens_to_both_job_state_changes() -> None:
    [source] = sources("render_report")
    assert source.event_pattern == {
        "source": ["aws.transcribe"],
        "detail-type": ["Call Analytics Job State Change", "Transcribe Job State Change"],
    }


def test_s3_event_through_chalice_starts_a_job(stack: Any) -> None:
    stack.put(support.SMA_KEY, support.wav_bytes(2))
    name = job_name(support.BUCKET, support.SMA_KEY)
    stack.transcribe.add_response(
        "start_call_analytics_job",
        {"CallAnalyticsJob": {"CallAnalyticsJobName": name, "CallAnalyticsJobStatus": "QUEUED"}},
    )
    event = json.loads((support.EVENTS / "s3" / "object_created_sma_recording.json").read_text())
    with Client(chalice_app.app) as client:
        response = client.lambda_.invoke("start_transcription", event)
    assert response.payload == [
        {"key": support.SMA_KEY, "outcome": "started", "job_name": name, "detail": ""}
    ]


def test_handlers_keep_heavy_libraries_off_the_import_path() -> None:
    code = (
        "import sys, app\n"
        "import chalicelib.transcription.handler, chalicelib.report.handler\n"
        "heavy = [m for m in ('docx', 'matplotlib', 'numpy', 'boto3') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=CHALICE_DIR, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == ""


def test_recording_to_report_through_both_functions(stack: Any, example: dict[str, Any]) -> None:
    """The job start_transcription names is the job render_report finds, reports and records."""
    stack.put(support.SMA_KEY, support.wav_bytes(2))
    stack.records.update(support.SMA_TX, {"direction": "outbound", "recorded_leg": "LEG-A"})
    name = job_name(support.BUCKET, support.SMA_KEY)
    output = f"transcriptions/2026/11/20/{name}.json"
    stack.transcribe.add_response(
        "start_call_analytics_job",
        {"CallAnalyticsJob": {"CallAnalyticsJobName": name, "CallAnalyticsJobStatus": "QUEUED"}},
    )
    stack.transcribe.add_response(
        "get_call_analytics_job",
        {
            "CallAnalyticsJob": {
                "CallAnalyticsJobName": name,
                "CallAnalyticsJobStatus": "COMPLETED",
                "Media": {"MediaFileUri": f"s3://{support.BUCKET}/{support.SMA_KEY}"},
                "Transcript": {"TranscriptFileUri": f"s3://{support.BUCKET}/{output}"},
            }
        },
        {"CallAnalyticsJobName": name},
    )
    s3_event = json.loads((support.EVENTS / "s3" / "object_created_sma_recording.json").read_text())
    job_event = json.loads(
        (support.EVENTS / "eventbridge" / "call_analytics_job_completed.json").read_text()
    )
    with Client(chalice_app.app) as client:
        client.lambda_.invoke("start_transcription", s3_event)
        stack.put(output, json.dumps(example).encode())  # what Transcribe writes
        response = client.lambda_.invoke("render_report", job_event)
    assert response.payload["outcome"] == "rendered"
    record = stack.record(support.SMA_TX)
    assert (record["transcription_job"], record["transcription_status"]) == (name, "COMPLETED")
    assert record["report_key"] == response.payload["report_key"]
