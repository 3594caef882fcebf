"""Commands that cross an action in flight, minor failures in a bridged call, and what the call
record says about them (issue 11, "Call flow")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.call_records import CallRecords
from chalicelib.sma.handler import handle
from chalicelib.sma.requests import Command, Pending

Attrs = Callable[..., dict[str, str]]
LoadEvent = Callable[..., dict[str, Any]]


def types(response: dict[str, Any]) -> list[str]:
    return [a["Type"] for a in response["Actions"]]


def keys(response: dict[str, Any]) -> list[str]:
    return [
        a["Parameters"]["AudioSource"]["Key"]
        for a in response["Actions"]
        if "AudioSource" in a["Parameters"]
    ]


def pending(response: dict[str, Any]) -> Pending:
    return Pending.decode(response["TransactionAttributes"]["pending"])


def bridged_event(
    load_event: LoadEvent, kind: str, attrs: dict[str, str], **data: Any
) -> dict[str, Any]:
    """An event of a bridged outbound call (both legs connected) with the given ActionData."""
    event = load_event("digits_received", **attrs)
    event["InvocationEventType"] = kind
    event["ActionData"] = data
    return event


def api(load_event: LoadEvent, attrs: dict[str, str], command: str) -> dict[str, Any]:
    event = load_event("call_update_requested", **attrs)
    event["ActionData"]["Parameters"]["Arguments"] = {"recording": command}
    return event


def digit(load_event: LoadEvent, attrs: dict[str, str], pressed: str) -> dict[str, Any]:
    event = load_event("digits_received", **attrs)
    event["ActionData"]["ReceivedDigits"] = pressed
    return event


def start_succeeded(load_event: LoadEvent, attrs: dict[str, str]) -> dict[str, Any]:
    return load_event("action_successful_start_call_recording", **attrs)


@pytest.fixture
def on_demand(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECORDING_AUTO_START", "false")


# --- a command crossing the on-demand start --------------------------------------------------


@pytest.mark.usefixtures("on_demand")
def test_on_demand_start_is_in_flight_until_chime_confirms_it(
    load_event: LoadEvent, outbound: Attrs
) -> None:
    response = handle(api(load_event, outbound("bridged"), "start"))
    assert types(response) == ["ReceiveDigits", "PlayAudio", "PlayAudio", "StartCallRecording"]
    request = pending(response).inflight
    assert request is not None and (request.command, request.by) == (Command.START, "api")
    assert response["TransactionAttributes"]["rec"] == "not_started"


@pytest.mark.usefixtures("on_demand")
def test_owner_digit_during_the_consent_prompt_keeps_the_on_demand_start(
    load_event: LoadEvent, outbound: Attrs
) -> None:
    # The DIGITS_RECEIVED answer replaces the StartCallRecording queued behind the consent
    # prompt; it must send the start again, and the pause after it.
    started = handle(api(load_event, outbound("bridged"), "start"))
    crossing = handle(digit(load_event, started["TransactionAttributes"], "5"))
    assert types(crossing)[-1] == "StartCallRecording"
    assert [(r.command, r.by) for r in pending(crossing).queued] == [(Command.PAUSE, "owner")]
    done = handle(start_succeeded(load_event, crossing["TransactionAttributes"]))
    assert "PauseCallRecording" in types(done)
    assert done["TransactionAttributes"]["rec"] == "recording"


@pytest.mark.usefixtures("on_demand")
def test_api_update_during_the_consent_prompt_keeps_the_on_demand_start(
    load_event: LoadEvent, outbound: Attrs
) -> None:
    started = handle(api(load_event, outbound("bridged"), "start"))
    crossing = handle(api(load_event, started["TransactionAttributes"], "stop"))
    assert types(crossing)[-1] == "StartCallRecording"
    done = handle(start_succeeded(load_event, crossing["TransactionAttributes"]))
    assert "StopCallRecording" in types(done)


def test_commands_are_carried_out_in_the_order_they_arrive(
    load_event: LoadEvent, outbound: Attrs
) -> None:
    # pause and stop wait behind the automatic start; a resume after the start has run waits
    # behind them, so the stop is not overtaken.
    first = handle(api(load_event, outbound("bridged"), "pause"))
    second = handle(api(load_event, first["TransactionAttributes"], "stop"))
    started = handle(start_succeeded(load_event, second["TransactionAttributes"]))
    assert "PauseCallRecording" in types(started)
    resumed = handle(digit(load_event, started["TransactionAttributes"], "6"))
    assert "StopCallRecording" in types(resumed)
    assert "ResumeCallRecording" not in types(resumed)
    assert [r.command for r in pending(resumed).queued] == [Command.RESUME]


def test_hangup_with_commands_pending_notes_each_of_them(
    load_event: LoadEvent, outbound: Attrs, call_table: str
) -> None:
    queued = handle(api(load_event, outbound("bridged"), "stop"))
    hangup = load_event("hangup_leg_b", **queued["TransactionAttributes"])
    handle(hangup)
    record = CallRecords().get("txn-0001")
    assert record is not None
    texts = [n["text"] for n in record["notes"]]
    assert any("auto: start" in t and "not carried out" in t for t in texts)
    assert any("api: stop" in t and "not carried out" in t for t in texts)


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.usefixtures("on_demand")
def test_a_refused_command_is_told_to_the_owner_and_noted(
    load_event: LoadEvent, outbound: Attrs, call_table: str
) -> None:
    response = handle(api(load_event, outbound("bridged"), "pause"))
    assert types(response) == ["ReceiveDigits", "PlayAudio"]
    assert keys(response) == ["recording-command-refused.wav"]
    assert response["Actions"][1]["Parameters"]["CallId"] == "call-id-a"  # the owner
    record = CallRecords().get("txn-0001")
    assert record is not None
    assert "api: pause" in record["notes"][-1]["text"]
    assert "refused while recording is not_started" in record["notes"][-1]["text"]


# --- minor failures keep the call ------------------------------------------------------------


@pytest.mark.parametrize(
    "action", ["PauseCallRecording", "ResumeCallRecording", "StopCallRecording"]
)
def test_failed_recording_command_keeps_the_call_and_allows_a_retry(
    load_event: LoadEvent, outbound: Attrs, call_table: str, action: str
) -> None:
    rec = "paused" if action == "ResumeCallRecording" else "recording"
    pressed = {"PauseCallRecording": "5", "ResumeCallRecording": "6", "StopCallRecording": "7"}
    asked = handle(digit(load_event, outbound("bridged", rec=rec), pressed[action]))
    failure = bridged_event(
        load_event,
        "ACTION_FAILED",
        asked["TransactionAttributes"],
        Type=action,
        Parameters={"CallId": "call-id-a"},
        ErrorType="SystemException",
        ErrorMessage="System error while running an action.",
    )
    response = handle(failure)
    assert "Hangup" not in types(response)
    assert keys(response) == ["recording-command-failed.wav"]
    assert response["TransactionAttributes"]["rec"] == rec
    record = CallRecords().get("txn-0001")
    assert record is not None
    entry = record["recording_events"][-1]
    assert (entry["result"], entry["by"], entry["state"]) == ("ACTION_FAILED", "owner", rec)
    assert "SystemException" in entry["error"]
    retry = handle(digit(load_event, response["TransactionAttributes"], pressed[action]))
    assert action in types(retry)


def test_failed_confirmation_prompt_keeps_the_call_in_silence(
    load_event: LoadEvent, outbound: Attrs, call_table: str
) -> None:
    asked = handle(digit(load_event, outbound("bridged", rec="recording"), "5"))
    failure = bridged_event(
        load_event,
        "ACTION_FAILED",
        asked["TransactionAttributes"],
        Type="PlayAudio",
        Parameters={"CallId": "call-id-a", "AudioSource": {"Key": "recording-paused.wav"}},
        ErrorType="InvalidAudioSource",
        ErrorMessage="Audio Source parameter value is invalid.",
    )
    response = handle(failure)
    assert types(response) == ["ReceiveDigits"]  # no prompt: the prompt is what failed
    # The pause ran before the prompt that failed ("clears the remaining actions ... after").
    assert response["TransactionAttributes"]["rec"] == "paused"
    record = CallRecords().get("txn-0001")
    assert record is not None
    assert "PlayAudio failed: InvalidAudioSource" in record["notes"][-1]["text"]


def test_failed_consent_prompt_refuses_the_start_and_keeps_the_call(
    load_event: LoadEvent, outbound: Attrs, call_table: str
) -> None:
    # The start comes after the consent prompt, so it never ran: no recording without consent.
    failure = bridged_event(
        load_event,
        "ACTION_FAILED",
        outbound("bridged"),
        Type="PlayAudio",
        Parameters={"CallId": "call-id-b", "AudioSource": {"Key": "consent.wav"}},
        ErrorType="InvalidAudioSource",
        ErrorMessage="Audio Source parameter value is invalid.",
    )
    response = handle(failure)
    assert "Hangup" not in types(response)
    assert "StartCallRecording" not in types(response)
    assert response["TransactionAttributes"]["rec"] == "failed"
    record = CallRecords().get("txn-0001")
    assert record is not None
    entry = record["recording_events"][-1]
    assert (entry["command"], entry["result"]) == ("start", "ACTION_FAILED")
    assert entry["error"].startswith("not run: PlayAudio")


def test_failed_start_can_be_retried_from_the_api(load_event: LoadEvent, outbound: Attrs) -> None:
    failed = handle(load_event("action_failed_start_call_recording", **outbound("bridged")))
    retry = handle(api(load_event, failed["TransactionAttributes"], "start"))
    assert types(retry)[-1] == "StartCallRecording"
    assert "consent.wav" in keys(retry)


# --- harmless combinations keep a bridged call -----------------------------------------------


def test_update_without_action_type_keeps_a_bridged_call(
    load_event: LoadEvent, outbound: Attrs
) -> None:
    event = api(load_event, outbound("bridged", rec="recording"), "pause")
    del event["ActionData"]["Type"]
    response = handle(event)
    assert "Hangup" not in types(response)
    assert "PauseCallRecording" in types(response)


def test_update_without_action_data_keeps_a_bridged_call(
    load_event: LoadEvent, outbound: Attrs
) -> None:
    event = load_event("call_update_requested", **outbound("bridged", rec="recording"))
    del event["ActionData"]
    response = handle(event)
    assert "Hangup" not in types(response)
    assert response.get("TransactionAttributes", {}).get("phase", "bridged") == "bridged"


def test_unmatched_event_in_a_bridged_call_is_acknowledged_and_noted(
    load_event: LoadEvent, outbound: Attrs, call_table: str, caplog: pytest.LogCaptureFixture
) -> None:
    event = load_event("new_inbound_call_from_owner", **outbound("bridged", rec="recording"))
    response = handle(event)
    assert response["Actions"] == []
    assert "no transition for NEW_INBOUND_CALL" in caplog.text
    record = CallRecords().get("txn-0001")
    assert record is not None
    assert "the call goes on" in record["notes"][-1]["text"]


# --- the call record tells what happened -----------------------------------------------------


def test_bridge_records_no_recording_event_before_chime_confirms(
    load_event: LoadEvent, outbound: Attrs, call_table: str
) -> None:
    handle(load_event("action_successful_call_and_bridge", **outbound("connecting")))
    record = CallRecords().get("txn-0001")
    assert record is None or "recording_events" not in record


def test_confirmed_start_records_the_request_beside_the_result(
    load_event: LoadEvent, outbound: Attrs, call_table: str
) -> None:
    bridge = load_event("action_successful_call_and_bridge", **outbound("connecting"))
    answer = handle(bridge)
    handle(start_succeeded(load_event, answer["TransactionAttributes"]))
    record = CallRecords().get("txn-0001")
    assert record is not None
    entry = record["recording_events"][-1]
    assert entry["result"] == "ACTION_SUCCESSFUL"
    assert (entry["command"], entry["by"], entry["state"]) == ("start", "auto", "recording")
    assert entry["requested_in_event"] == str(bridge["Sequence"])
