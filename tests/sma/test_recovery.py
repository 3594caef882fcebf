"""Documented events that arrive without TransactionAttributes mid-call: the state is rebuilt
from the event, and the answer is the one the flow would give with its own attributes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.sma.handler import handle

LoadEvent = Callable[..., dict[str, Any]]


def types(response: dict[str, Any]) -> list[str]:
    return [a["Type"] for a in response["Actions"]]


def test_bridge_success_without_attributes_records_leg_a(load_event: LoadEvent) -> None:
    response = handle(load_event("action_successful_call_and_bridge"))
    assert types(response) == ["ReceiveDigits", "PlayAudio", "StartCallRecording"]
    assert response["TransactionAttributes"]["phase"] == "bridged"


def test_digits_without_attributes_pause_the_recording(load_event: LoadEvent) -> None:
    assert "PauseCallRecording" in types(handle(load_event("digits_received")))


def test_a_number_without_attributes_is_never_dialled(load_event: LoadEvent) -> None:
    # A rebuilt state never grants dial-out: only an owner verified within this call may.
    response = handle(load_event("action_successful_play_audio_and_get_digits"))
    assert types(response) == ["PlayAudio", "Hangup"]
    assert response["TransactionAttributes"]["phase"] == "ending"


def test_recording_failure_without_attributes_keeps_the_call(load_event: LoadEvent) -> None:
    response = handle(load_event("action_failed_start_call_recording"))
    assert types(response) == ["ReceiveDigits", "PlayAudio"]
    assert response["TransactionAttributes"]["rec"] == "failed"


def test_rebuilding_is_logged(load_event: LoadEvent, caplog: pytest.LogCaptureFixture) -> None:
    handle(load_event("digits_received"))
    assert "without TransactionAttributes; state rebuilt" in caplog.text


def test_inbound_bridge_without_attributes_listens_to_the_owner_on_leg_b(
    load_event: LoadEvent,
) -> None:
    """The caller is not the owner: inbound, the caller heard consent before the bridge."""
    event = load_event("action_successful_call_and_bridge")
    event["CallDetails"]["Participants"][0]["From"] = "+12065550123"
    response = handle(event)
    assert types(response) == ["ReceiveDigits", "StartCallRecording"]
    assert response["Actions"][0]["Parameters"]["CallId"] == "call-id-b"
    assert response["TransactionAttributes"]["dir"] == "inbound"


def test_digits_without_attributes_do_not_pause_a_recording_that_never_auto_started(
    load_event: LoadEvent, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECORDING_AUTO_START", "false")
    response = handle(load_event("digits_received"))
    assert "PauseCallRecording" not in types(response)
    assert response["TransactionAttributes"]["rec"] == "not_started"
