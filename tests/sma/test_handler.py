"""The handler's guarantees: it never raises, it apologises and hangs up on anything it cannot
use, and call records are written (or the failure logged) without dropping the call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.call_records import CallRecords
from chalicelib.sma.handler import handle

LoadEvent = Callable[..., dict[str, Any]]
Attrs = Callable[..., dict[str, str]]


def types(response: dict[str, Any]) -> list[str]:
    return [a["Type"] for a in response["Actions"]]


@pytest.mark.parametrize("event", [None, 42, "text", [], {}, {"InvocationEventType": "HANGUP"}])
def test_garbled_event_hangs_up_leg_a(event: Any) -> None:
    response = handle(event)
    assert response["SchemaVersion"] == "1.0"
    assert response["Actions"] == [
        {"Type": "Hangup", "Parameters": {"ParticipantTag": "LEG-A", "SipResponseCode": "0"}}
    ]


def test_unknown_event_type_apologises_to_connected_legs(load_event: LoadEvent) -> None:
    event = load_event("digits_received")
    event["InvocationEventType"] = "SOMETHING_NEW"
    response = handle(event)
    assert types(response) == ["PlayAudio", "PlayAudio", "Hangup", "Hangup"]
    assert response["TransactionAttributes"]["phase"] == "ending"


def test_failure_hangs_up_leg_b_before_leg_a(load_event: LoadEvent) -> None:
    event = load_event("digits_received")
    event["InvocationEventType"] = "SOMETHING_NEW"
    legs = {p["ParticipantTag"]: p["CallId"] for p in event["CallDetails"]["Participants"]}
    hangups = [a["Parameters"]["CallId"] for a in handle(event)["Actions"] if a["Type"] == "Hangup"]
    assert hangups == [legs["LEG-B"], legs["LEG-A"]]


def test_garbled_attributes_end_the_call(load_event: LoadEvent) -> None:
    event = load_event("digits_received", phase="dancing")
    assert types(handle(event))[-1] == "Hangup"


def test_missing_configuration_ends_the_call_with_an_apology(
    load_event: LoadEvent, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("OWNER_PHONE_NUMBER")
    response = handle(load_event("new_inbound_call_from_owner"))
    assert types(response) == ["PlayAudio", "Hangup"]
    assert "OWNER_PHONE_NUMBER" in caplog.text and "txn-0001" in caplog.text


def test_without_prompts_bucket_it_still_hangs_up(
    load_event: LoadEvent, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PROMPTS_BUCKET")
    assert types(handle(load_event("new_inbound_call_from_owner"))) == ["Hangup"]


def test_unexpected_exception_is_caught_and_logged(
    load_event: LoadEvent, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(ctx: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr("chalicelib.sma.flow.step", boom)
    response = handle(load_event("new_inbound_call_from_owner"))
    assert types(response) == ["PlayAudio", "Hangup"]
    assert "unexpected error" in caplog.text and "txn-0001" in caplog.text


def test_call_record_is_written(load_event: LoadEvent, call_table: str) -> None:
    handle(load_event("new_inbound_call_from_owner"))
    record = CallRecords().get("txn-0001")
    assert record is not None
    assert record["direction"] == "outbound"
    assert record["owner_number"] == "+15555550100"
    assert record["sma_number"] == "+15555550199"
    assert record["source_path"] == "sma"
    assert record["recording_state"] == "not_started"


def test_recording_location_is_recorded(
    load_event: LoadEvent, outbound: Attrs, call_table: str
) -> None:
    handle(load_event("action_successful_start_call_recording", **outbound("bridged")))
    record = CallRecords().get("txn-0001")
    assert record is not None
    key = "recordings/2024/03/01/2024-03-01-17-10-00-010_txn-0001_call-id-a.wav"
    assert record["recording_location"] == f"s3://callrec-recordings/{key}"
    assert (record["recording_bucket"], record["recording_key"]) == ("callrec-recordings", key)
    assert record["recording_state"] == "recording"


def test_recording_events_are_appended_when_chime_settles_the_action(
    load_event: LoadEvent, outbound: Attrs, call_table: str
) -> None:
    asked = handle(load_event("digits_received", **outbound("bridged", rec="recording")))
    record = CallRecords().get("txn-0001")
    assert record is None or "recording_events" not in record  # asked, not done yet
    done = load_event(
        "action_successful_play_audio_and_get_digits", **asked["TransactionAttributes"]
    )
    done["ActionData"] = {"Type": "PlayAudio", "Parameters": {"CallId": "call-id-a"}}
    done["CallDetails"]["Participants"] = load_event("digits_received")["CallDetails"][
        "Participants"
    ]
    handle(done)
    record = CallRecords().get("txn-0001")
    assert record is not None
    entries = [(e["state"], e["by"], e["result"]) for e in record["recording_events"]]
    assert entries == [("paused", "owner", "ACTION_SUCCESSFUL")]


def test_storage_error_does_not_drop_the_call(
    load_event: LoadEvent,
    call_table: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("CALL_RECORDS_TABLE", "no-such-table")
    response = handle(load_event("new_inbound_call_from_owner"))
    assert types(response) == ["PlayAudioAndGetDigits"]
    assert "StorageError" in caplog.text and "txn-0001" in caplog.text


def test_response_carries_attributes_only_when_the_state_changes(
    load_event: LoadEvent, outbound: Attrs
) -> None:
    unchanged = handle(load_event("action_interrupted", **outbound("bridged")))
    assert "TransactionAttributes" not in unchanged


def test_the_clock_is_read_once_for_an_invocation_that_writes(
    load_event: LoadEvent, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []

    def clock() -> str:
        reads.append("read")
        return "2024-03-01T17:10:00.000Z"

    monkeypatch.setattr("chalicelib.sma.handler.clock", clock)
    handle(load_event("new_inbound_call_from_owner"))
    assert reads == ["read"]


def test_the_clock_is_not_read_for_an_acknowledgement(
    load_event: LoadEvent, outbound: Attrs, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []
    monkeypatch.setattr("chalicelib.sma.handler.clock", lambda: reads.append("read") or "")
    response = handle(load_event("action_interrupted", **outbound("bridged")))
    assert response["Actions"] == []
    assert reads == []
