"""``DELETE /calls/{id}`` across every store, Object Lock refusals, and admin legal holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.stub import Stubber

from chalicelib import aws
from chalicelib.call_records import CallRecords
from tests.console.conftest import Console, add_call, body, store_recording, trail_entries

TX = "0d0d0d0d-0000-4000-8000-000000000001"
TX_OTHER = "0e0e0e0e-0000-4000-8000-000000000002"
REPORT_KEY = "reports/2026/12/01/call.docx"


@pytest.fixture
def call(console: Console) -> dict[str, str]:
    """A call with two versions of its recording (the bucket is versioned) and a report."""
    s3 = console.boto("s3")
    record = add_call("owner-a", TX)
    key = store_recording(console, TX, record)
    s3.put_object(Bucket=console.bucket, Key=key, Body=b"second version")
    s3.put_object(Bucket=console.bucket, Key=REPORT_KEY, Body=b"PK")
    CallRecords().update(TX, {"report_key": REPORT_KEY})
    add_call("owner-b", TX_OTHER)
    return {"recording": key}


def versions(console: Console) -> list[tuple[str, str]]:
    listed = console.boto("s3").list_object_versions(Bucket=console.bucket)
    entries = listed.get("Versions", []) + listed.get("DeleteMarkers", [])
    return sorted((entry["Key"], entry["VersionId"]) for entry in entries)


def test_deletion_removes_every_version_and_the_record(
    http: Any, console: Console, call: dict[str, str]
) -> None:
    response = http.delete(f"/calls/{TX}", headers=console.headers("olive"))
    assert response.status_code == 200
    assert body(response) == {"deleted": {"objects": 3, "record": True}}
    assert versions(console) == []
    assert CallRecords().get(TX) is None


def test_deletion_is_trailed(http: Any, console: Console, call: dict[str, str]) -> None:
    http.delete(f"/calls/{TX}", headers=console.headers("olive"))
    [entry] = trail_entries(console)
    assert (entry["actor"], entry["action"], entry["transaction_id"]) == ("olive", "delete", TX)


def test_another_owners_call_is_404_and_kept(
    http: Any, console: Console, call: dict[str, str]
) -> None:
    response = http.delete(f"/calls/{TX}", headers=console.headers("otto"))
    assert response.status_code == 404
    assert CallRecords().get(TX) is not None


def test_a_legal_hold_refuses_deletion_before_anything_is_deleted(
    http: Any, console: Console, call: dict[str, str]
) -> None:
    s3 = console.boto("s3")
    s3.put_object_legal_hold(Bucket=console.bucket, Key=REPORT_KEY, LegalHold={"Status": "ON"})
    before = versions(console)
    response = http.delete(f"/calls/{TX}", headers=console.headers("olive"))
    assert response.status_code == 409
    assert "legal hold" in body(response)["message"]
    assert versions(console) == before
    assert CallRecords().get(TX) is not None


def test_retention_not_yet_passed_refuses_deletion(
    http: Any, console: Console, call: dict[str, str]
) -> None:
    until = datetime.now(UTC) + timedelta(days=1)
    console.boto("s3").put_object_retention(
        Bucket=console.bucket,
        Key=call["recording"],
        Retention={"Mode": "GOVERNANCE", "RetainUntilDate": until},
    )
    response = http.delete(f"/calls/{TX}", headers=console.headers("olive"))
    assert response.status_code == 409
    assert "retained by Object Lock (GOVERNANCE)" in body(response)["message"]
    assert CallRecords().get(TX) is not None


def test_an_admin_sets_and_clears_a_legal_hold_on_every_version(
    http: Any, console: Console, call: dict[str, str]
) -> None:
    s3 = console.boto("s3")
    response = http.put(f"/calls/{TX}/legal-hold", headers=console.headers("ada"))
    assert (response.status_code, body(response)) == (200, {"legal_hold": "ON"})
    holds = {
        s3.get_object_legal_hold(Bucket=console.bucket, Key=key, VersionId=version)["LegalHold"][
            "Status"
        ]
        for key, version in versions(console)
    }
    assert holds == {"ON"}
    assert http.delete(f"/calls/{TX}", headers=console.headers("olive")).status_code == 409
    cleared = http.delete(f"/calls/{TX}/legal-hold", headers=console.headers("ada"))
    assert body(cleared) == {"legal_hold": "OFF"}
    assert http.delete(f"/calls/{TX}", headers=console.headers("olive")).status_code == 200


def test_an_owner_may_not_set_a_legal_hold(
    http: Any, console: Console, call: dict[str, str]
) -> None:
    response = http.put(f"/calls/{TX}/legal-hold", headers=console.headers("olive"))
    assert response.status_code == 403
    assert body(response)["error"] == "forbidden"


def test_a_bucket_without_object_lock_has_no_legal_hold(
    http: Any, console: Console, call: dict[str, str]
) -> None:
    plain = f"{console.bucket}-plain"
    s3 = console.boto("s3")
    s3.create_bucket(Bucket=plain)
    s3.put_object(Bucket=plain, Key=call["recording"], Body=b"x")
    CallRecords().update(TX, {"recording_bucket": plain})
    response = http.put(f"/calls/{TX}/legal-hold", headers=console.headers("ada"))
    assert response.status_code == 409
    assert "no Object Lock" in body(response)["message"]


def test_deletion_removes_the_transcript_after_transcribe_has_forgotten_the_job(
    http: Any, console: Console, call: dict[str, str]
) -> None:
    """Transcribe forgets jobs after 90 days: the transcript is found where this app put it."""
    job = "callrec-forgotten-0123456789abcdef"
    date_path = "/".join(call["recording"].split("/")[1:4])
    transcript = f"transcriptions/{date_path}/{job}.json"
    console.boto("s3").put_object(Bucket=console.bucket, Key=transcript, Body=b"{}")
    CallRecords().update(
        TX,
        {
            "transcription_job": job,
            "transcription_kind": "call-analytics",
            "transcription_status": "COMPLETED",
        },
    )
    with Stubber(aws.client("transcribe")) as transcribe:
        transcribe.add_client_error("get_call_analytics_job", "NotFoundException")
        response = http.delete(f"/calls/{TX}", headers=console.headers("olive"))
    assert response.status_code == 200
    assert body(response)["deleted"]["objects"] == 4
    assert versions(console) == []
