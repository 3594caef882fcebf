"""`callrec demo --path media-insights` end to end: a Voice Connector call recorded by a media
insights pipeline flows through the same transcription, report and notification stages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document

from callrec.local import audio
from callrec.local.demo import DEFAULT_SCENARIO, DemoOptions
from callrec.local.media_insights_call import run


@pytest.mark.slow
def test_media_insights_path_ends_in_a_report(tmp_path: Path) -> None:
    lines: list[str] = []
    result = run(DemoOptions(scenario=DEFAULT_SCENARIO, out_dir=tmp_path), lines.append)
    assert result.recording is not None and result.report is not None
    frames, rate = audio.read_wav(result.recording.read_bytes())
    assert (frames.shape[1], rate) == (2, 8000)
    assert "/callreclocalvc0000000001/" in result.recording_uri
    record = result.call_record
    assert record["source_path"] == "media-insights"
    assert record["media_pipeline_status"] == "Stopped"
    assert record["transcription_kind"] == "call-analytics"
    assert result.report.stat().st_size > 0
    assert _media_line(result.report) == "WAV/PCM 16-bit, 8000 Hz, 2 channels"
    assert result.notification.startswith("Call report ready")
    # The Kinesis recording metadata and the state changes reached the call record.
    assert float(record["recording_duration"]) > 30
    assert [e["event_type"] for e in record["media_pipeline_events"]] == [
        "chime:MediaInsightsInProgress",
        "chime:MediaInsightsStopped",
    ]
    # Caller first = channel 0: the owner (who dials out) is the AGENT, the customer the CUSTOMER.
    assert result.transcript is not None
    turns = json.loads(result.transcript.read_text())["Transcript"]
    said = {
        role: " ".join(t["Content"].lower() for t in turns if t["ParticipantRole"] == role)
        for role in ("AGENT", "CUSTOMER")
    }
    assert "replacement card" in said["AGENT"] and "replacement card" not in said["CUSTOMER"]
    assert "home address" in said["CUSTOMER"] and "home address" not in said["AGENT"]
    assert [line.split("]")[0] + "]" for line in lines] == [
        "[setup]",
        "[call]",
        "[recording]",
        "[transcription]",
        "[report]",
        "[notification]",
    ]


@pytest.mark.slow
def test_an_opus_recording_is_transcribed_and_reported(tmp_path: Path) -> None:
    result = run(
        DemoOptions(scenario=DEFAULT_SCENARIO, out_dir=tmp_path), lambda _: None, file_format="Opus"
    )
    assert result.recording is not None and result.report is not None
    assert result.recording.read_bytes()[:4] == b"OggS"
    frames, _ = audio.read_media(result.recording.read_bytes())
    assert frames.shape[1] == 2
    assert result.recording_uri.endswith(".ogg")
    assert result.call_record["transcription_kind"] == "call-analytics"
    assert result.call_record["transcription_status"] == "COMPLETED"
    assert _media_line(result.report).startswith("Ogg/Opus, ")
    assert _media_line(result.report).endswith(" Hz, 2 channels")


def _media_line(report: Path) -> str:
    """The report's Media fact (the first table holds the facts)."""
    facts = {row.cells[0].text: row.cells[1].text for row in Document(str(report)).tables[0].rows}
    return facts["Media"]
