"""``GET /calls/{id}/recording``, ``/report`` and ``/transcript``: short links minted after
authorization, stereo channels named, the transcript parsed server-side."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from botocore.stub import Stubber

from chalicelib import aws
from chalicelib.call_records import CallRecords
from tests.console.conftest import Console, add_call, body, store_recording, trail_entries

TX = "c1c1c1c1-0000-4000-8000-000000000001"
TX_OTHER = "d1d1d1d1-0000-4000-8000-000000000002"
JOB = "callrec-example-0123456789abcdef"
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "transcribe" / "example-call.json"
TRANSCRIPT_KEY = f"transcriptions/2026/12/01/{JOB}.json"


@pytest.fixture
def call(console: Console) -> dict[str, Any]:
    record = add_call("owner-a", TX)
    store_recording(console, TX, record)
    add_call("owner-b", TX_OTHER)
    return record


@pytest.fixture
def transcribed(console: Console, call: dict[str, Any]) -> Iterator[Stubber]:
    """The call has a Call Analytics transcript; Transcribe (stubbed) says where it is."""
    console.boto("s3").put_object(
        Bucket=console.bucket, Key=TRANSCRIPT_KEY, Body=FIXTURE.read_bytes()
    )
    _transcription_completed("call-analytics")
    stubber = Stubber(aws.client("transcribe"))
    location = f"https://s3.us-east-1.amazonaws.com/{console.bucket}/{TRANSCRIPT_KEY}"
    for _ in range(3):
        stubber.add_response(
            "get_call_analytics_job",
            {
                "CallAnalyticsJob": {
                    "CallAnalyticsJobName": JOB,
                    "CallAnalyticsJobStatus": "COMPLETED",
                    "Transcript": {"TranscriptFileUri": location},
                }
            },
            {"CallAnalyticsJobName": JOB},
        )
    with stubber:
        yield stubber


def expiry(url: str) -> int:
    return int(parse_qs(urlsplit(url).query)["X-Amz-Expires"][0])


def test_recording_link_opens_the_recording_and_expires_in_300_s(
    http: Any, console: Console, call: Any
) -> None:
    response = http.get(f"/calls/{TX}/recording", headers=console.headers("olive"))
    assert response.status_code == 200
    link = body(response)
    assert link["expires_in"] == 300
    assert expiry(link["url"]) == 300
    assert link["content_type"] == "audio/wav"
    with urllib.request.urlopen(link["url"], timeout=10) as opened:
        assert opened.read() == b"RIFF....WAVE"


def test_an_outbound_call_has_the_owner_on_the_left(http: Any, console: Console, call: Any) -> None:
    link = body(http.get(f"/calls/{TX}/recording", headers=console.headers("olive")))
    assert link["channels"] == {"left": "owner", "right": "other"}


def test_an_inbound_call_recorded_on_leg_a_has_the_owner_on_the_right(
    http: Any, console: Console, call: Any
) -> None:
    CallRecords().update(TX, {"direction": "inbound", "recorded_leg": "LEG-A"})
    link = body(http.get(f"/calls/{TX}/recording", headers=console.headers("olive")))
    assert link["channels"] == {"left": "other", "right": "owner"}


def test_link_expiry_follows_the_setting_up_to_900_s(
    http: Any, console: Console, call: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONSOLE_LINK_EXPIRY_SECONDS", "900")
    assert (
        body(http.get(f"/calls/{TX}/recording", headers=console.headers("olive")))["expires_in"]
        == 900
    )
    monkeypatch.setenv("CONSOLE_LINK_EXPIRY_SECONDS", "901")
    response = http.get(f"/calls/{TX}/recording", headers=console.headers("olive"))
    assert response.status_code == 500
    assert "url" not in body(response)


def test_another_owners_recording_is_404_and_no_link(
    http: Any, console: Console, call: Any
) -> None:
    store_recording(console, TX_OTHER, {"started_at": call["started_at"]})
    response = http.get(f"/calls/{TX_OTHER}/recording", headers=console.headers("olive"))
    assert response.status_code == 404
    assert "url" not in body(response)


def test_a_call_without_a_report_is_404(http: Any, console: Console, call: Any) -> None:
    response = http.get(f"/calls/{TX}/report", headers=console.headers("olive"))
    assert response.status_code == 404
    assert body(response)["error"] == "not_found"


def test_report_link_is_the_word_document(http: Any, console: Console, call: Any) -> None:
    console.boto("s3").put_object(Bucket=console.bucket, Key="reports/x.docx", Body=b"PK")
    CallRecords().update(TX, {"report_key": "reports/x.docx"})
    link = body(http.get(f"/calls/{TX}/report", headers=console.headers("olive")))
    assert link["content_type"].endswith("wordprocessingml.document")
    with urllib.request.urlopen(link["url"], timeout=10) as opened:
        assert opened.read() == b"PK"


def test_transcript_turns_are_parsed_with_speakers_and_times(
    http: Any, console: Console, transcribed: Stubber
) -> None:
    response = http.get(f"/calls/{TX}/transcript", headers=console.headers("olive"))
    assert response.status_code == 200
    view = body(response)
    document = json.loads(FIXTURE.read_text())
    assert len(view["turns"]) == len(document["Transcript"])
    assert view["turns"][0] == {
        "start": 0.04,
        "end": 5.05,
        "speaker": "owner",
        "text": document["Transcript"][0]["Content"],
        "sentiment": "POSITIVE",
    }
    assert view["talk_time"] == {"owner": 104.349, "other": 63.79, "non_talk": 0.0}
    assert view["sentiment"] == {"owner": 2.4, "other": 1.8}
    assert expiry(view["url"]) == 300


def test_the_text_filter_finds_calls_by_what_was_said(
    http: Any, console: Console, transcribed: Stubber
) -> None:
    add_call("owner-a", "e1e1e1e1-0000-4000-8000-000000000003")
    found = body(http.get("/calls?q=Anchor%20Credit", headers=console.headers("olive")))
    missed = body(http.get("/calls?q=submarine", headers=console.headers("olive")))
    assert [c["transaction_id"] for c in found["calls"]] == [TX]
    assert missed["calls"] == []


def test_plays_downloads_and_reads_are_trailed(
    http: Any, console: Console, transcribed: Stubber
) -> None:
    http.get(f"/calls/{TX}/recording", headers=console.headers("olive"))
    http.get(f"/calls/{TX}/report", headers=console.headers("olive"))
    http.get(f"/calls/{TX}/transcript", headers=console.headers("olive"))
    actions = sorted((e["action"], e["outcome"]) for e in trail_entries(console))
    assert actions == [("download", "not_found"), ("play", "ok"), ("read", "ok")]


def test_no_link_is_given_when_the_trail_cannot_be_written(
    http: Any, console: Console, call: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCESS_TRAIL_TABLE", "no-such-trail")
    response = http.get(f"/calls/{TX}/recording", headers=console.headers("olive"))
    assert response.status_code == 503
    assert "url" not in body(response)


def test_a_standard_job_transcript_is_found_through_get_transcription_job(
    http: Any, console: Console, call: Any
) -> None:
    """The mono fallback's job is a standard one: asking Call Analytics would not find it."""
    console.boto("s3").put_object(
        Bucket=console.bucket, Key=TRANSCRIPT_KEY, Body=FIXTURE.read_bytes()
    )
    _transcription_completed("standard")
    location = f"https://s3.us-east-1.amazonaws.com/{console.bucket}/{TRANSCRIPT_KEY}"
    with Stubber(aws.client("transcribe")) as stubber:
        stubber.add_response(
            "get_transcription_job",
            {"TranscriptionJob": {"Transcript": {"TranscriptFileUri": location}}},
            {"TranscriptionJobName": JOB},
        )
        response = http.get(f"/calls/{TX}/transcript", headers=console.headers("olive"))
        stubber.assert_no_pending_responses()
    assert response.status_code == 200
    assert len(body(response)["turns"]) == len(json.loads(FIXTURE.read_text())["Transcript"])


def test_the_redacted_transcript_is_the_one_shown(http: Any, console: Console, call: Any) -> None:
    redacted_key = f"transcriptions/redacted/{JOB}.json"
    console.boto("s3").put_object(
        Bucket=console.bucket, Key=redacted_key, Body=FIXTURE.read_bytes()
    )
    _transcription_completed("call-analytics")
    base = f"https://s3.us-east-1.amazonaws.com/{console.bucket}"
    with Stubber(aws.client("transcribe")) as stubber:
        stubber.add_response(
            "get_call_analytics_job",
            {
                "CallAnalyticsJob": {
                    "Transcript": {
                        "TranscriptFileUri": f"{base}/{TRANSCRIPT_KEY}",  # not stored: unredacted
                        "RedactedTranscriptFileUri": f"{base}/{redacted_key}",
                    }
                }
            },
            {"CallAnalyticsJobName": JOB},
        )
        response = http.get(f"/calls/{TX}/transcript", headers=console.headers("olive"))
    assert response.status_code == 200
    assert urlsplit(body(response)["url"]).path.endswith(redacted_key)


def _transcription_completed(kind: str) -> None:
    """The call record of a call whose Transcribe job (``kind``: call-analytics or standard)
    has completed."""
    CallRecords().update(
        TX,
        {"transcription_job": JOB, "transcription_kind": kind, "transcription_status": "COMPLETED"},
    )
