"""One test per transition of the call flow, driven through the handler with documented events."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.call_records import CallRecords
from chalicelib.sma import flow
from chalicelib.sma.events import ActionType, EventType
from chalicelib.sma.handler import handle
from chalicelib.sma.requests import Command, Pending
from chalicelib.sma.state import Phase

OWNER, SMA, OTHER = "+15555550100", "+15555550199", "+15555550123"
Attrs = Callable[..., dict[str, str]]
LoadEvent = Callable[..., dict[str, Any]]


def types(response: dict[str, Any]) -> list[str]:
    return [a["Type"] for a in response["Actions"]]


def params(response: dict[str, Any], action_type: str) -> dict[str, Any]:
    found = [a["Parameters"] for a in response["Actions"] if a["Type"] == action_type]
    assert found, f"no {action_type} in {types(response)}"
    return found[0]


def keys(response: dict[str, Any]) -> list[str]:
    return [
        a["Parameters"]["AudioSource"]["Key"]
        for a in response["Actions"]
        if a["Type"] in ("PlayAudio", "PlayAudioAndGetDigits")
    ]


def phase(response: dict[str, Any]) -> str:
    return str(response["TransactionAttributes"]["phase"])


# --- start ---------------------------------------------------------------------------------------


def test_owner_calling_in_is_asked_for_a_number(load_event: LoadEvent) -> None:
    response = handle(load_event("new_inbound_call_from_owner"))
    assert types(response) == ["PlayAudioAndGetDigits"]
    assert params(response, "PlayAudioAndGetDigits")["CallId"] == "call-id-a"
    assert response["TransactionAttributes"]["dir"] == "outbound"
    assert phase(response) == "collecting"


def test_number_prompt_uses_documented_parameters(load_event: LoadEvent) -> None:
    p = params(handle(load_event("new_inbound_call_from_owner")), "PlayAudioAndGetDigits")
    assert p["AudioSource"] == {
        "Type": "S3",
        "BucketName": "callrec-prompts",
        "Key": "enter-number.wav",
    }
    assert p["FailureAudioSource"]["Key"] == "digits-not-understood.wav"
    # Documented: MaxNumberOfDigits > MinNumberOfDigits >= 0 (default 128).
    assert 0 <= p["MinNumberOfDigits"] < p["MaxNumberOfDigits"] <= 128
    assert p["TerminatorDigits"] == ["#"]
    # The guide's examples match the terminator ("^\\d{2}#$"): accept digits with or without it.
    assert re.match(p["InputDigitsRegex"], "2065550123#")
    assert re.match(p["InputDigitsRegex"], "2065550123")
    assert not re.match(p["InputDigitsRegex"], "206#")
    assert p["Repeat"] >= 1 and p["RepeatDurationInMilliseconds"] > 0


def test_someone_else_hears_consent_and_is_bridged_to_the_owner(load_event: LoadEvent) -> None:
    response = handle(load_event("new_inbound_call_from_other"))
    assert types(response) == ["PlayAudio", "CallAndBridge"]
    assert keys(response) == ["consent.wav"]
    bridge = params(response, "CallAndBridge")
    assert bridge["Endpoints"] == [{"BridgeEndpointType": "PSTN", "Uri": OWNER}]
    assert bridge["CallerIdNumber"] == OTHER
    assert response["TransactionAttributes"]["dir"] == "inbound"


def test_sma_number_override_is_used(
    load_event: LoadEvent, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMA_PHONE_NUMBER", "+15555550888")
    response = handle(load_event("new_inbound_call_from_owner"))
    assert response["TransactionAttributes"]["sma"] == "+15555550888"


# --- collecting the number -----------------------------------------------------------------------


def test_valid_digits_bridge_with_the_sma_number_as_caller_id(
    load_event: LoadEvent, outbound: Attrs
) -> None:
    event = load_event("action_successful_play_audio_and_get_digits", **outbound("collecting"))
    response = handle(event)
    assert types(response) == ["PlayAudio", "CallAndBridge"]
    bridge = params(response, "CallAndBridge")
    assert bridge["CallerIdNumber"] == SMA
    assert bridge["Endpoints"][0]["Uri"] == "+15555550123"
    assert 1 <= bridge["CallTimeoutSeconds"] <= 120
    assert phase(response) == "connecting"


def test_uncallable_digits_reprompt(load_event: LoadEvent, outbound: Attrs) -> None:
    event = load_event("action_successful_play_audio_and_get_digits", **outbound("collecting"))
    event["ActionData"]["ReceivedDigits"] = "1234567"
    response = handle(event)
    assert types(response) == ["PlayAudio", "PlayAudioAndGetDigits"]
    assert keys(response)[0] == "invalid-number.wav"
    assert response["TransactionAttributes"]["tries"] == "1"


def test_dialling_the_sma_itself_is_refused(load_event: LoadEvent, outbound: Attrs) -> None:
    event = load_event("action_successful_play_audio_and_get_digits", **outbound("collecting"))
    event["ActionData"]["ReceivedDigits"] = "5555550199"
    assert "CallAndBridge" not in types(handle(event))


def test_last_failed_attempt_says_goodbye_and_hangs_up(
    load_event: LoadEvent, outbound: Attrs
) -> None:
    event = load_event(
        "action_successful_play_audio_and_get_digits", **outbound("collecting", tries="2")
    )
    event["ActionData"]["ReceivedDigits"] = "1234567"
    response = handle(event)
    assert types(response) == ["PlayAudio", "Hangup"]
    assert keys(response) == ["no-valid-number.wav"]
    assert phase(response) == "ending"


def test_invalid_digits_received_is_retried(load_event: LoadEvent, outbound: Attrs) -> None:
    response = handle(
        load_event("action_failed_play_audio_and_get_digits", **outbound("collecting"))
    )
    assert types(response) == ["PlayAudio", "PlayAudioAndGetDigits"]
    assert keys(response)[0] == "digits-not-understood.wav"


def test_other_prompt_failure_ends_politely(load_event: LoadEvent, outbound: Attrs) -> None:
    event = load_event("action_failed_play_audio_and_get_digits", **outbound("collecting"))
    event["ActionData"]["ErrorType"] = "InvalidAudioSource"
    response = handle(event)
    assert types(response) == ["PlayAudio", "Hangup"]
    assert keys(response) == ["apology.wav"]


@pytest.mark.parametrize("phase_name", ["collecting", "connecting"])
def test_update_before_the_bridge_leaves_the_running_actions_alone(
    load_event: LoadEvent, outbound: Attrs, phase_name: str
) -> None:
    # PlayAudioAndGetDigits and CallAndBridge are not interruptible, and an empty action set
    # keeps the existing actions: the owner's digits or the ringing callee are not disturbed.
    event = load_event("call_update_requested", **outbound(phase_name))
    event["CallDetails"]["Participants"] = event["CallDetails"]["Participants"][:1]
    response = handle(event)
    assert response["Actions"] == []
    assert "TransactionAttributes" not in response


# --- bridging ------------------------------------------------------------------------------------


def test_answered_outbound_call_plays_consent_to_callee_then_records_leg_a(
    load_event: LoadEvent, outbound: Attrs
) -> None:
    response = handle(load_event("action_successful_call_and_bridge", **outbound("connecting")))
    assert types(response) == ["ReceiveDigits", "PlayAudio", "StartCallRecording"]
    assert params(response, "PlayAudio")["CallId"] == "call-id-b"
    assert params(response, "StartCallRecording") == {
        "CallId": "call-id-a",
        "Track": "BOTH",
        "Destination": {"Type": "S3", "Location": "callrec-recordings/recordings"},
    }
    assert params(response, "ReceiveDigits")["CallId"] == "call-id-a"
    assert phase(response) == "bridged"


def test_answered_inbound_call_listens_to_the_owner_on_leg_b(
    load_event: LoadEvent, outbound: Attrs
) -> None:
    attrs = outbound("connecting", dir="inbound", other=OWNER)
    response = handle(load_event("action_successful_call_and_bridge", **attrs))
    assert types(response) == ["ReceiveDigits", "StartCallRecording"]
    assert params(response, "ReceiveDigits")["CallId"] == "call-id-b"
    assert params(response, "StartCallRecording")["CallId"] == "call-id-a"


def test_recordings_prefix_goes_into_the_location(
    load_event: LoadEvent, outbound: Attrs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECORDINGS_PREFIX", "calls/sales")
    response = handle(load_event("action_successful_call_and_bridge", **outbound("connecting")))
    location = params(response, "StartCallRecording")["Destination"]["Location"]
    assert location == "callrec-recordings/calls/sales"


def test_without_auto_start_the_bridge_does_not_record(
    load_event: LoadEvent, outbound: Attrs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECORDING_AUTO_START", "false")
    response = handle(load_event("action_successful_call_and_bridge", **outbound("connecting")))
    assert types(response) == ["ReceiveDigits"]


def test_call_not_answered_tells_the_caller(load_event: LoadEvent, outbound: Attrs) -> None:
    response = handle(load_event("action_failed_call_and_bridge", **outbound("connecting")))
    assert types(response) == ["PlayAudio", "Hangup"]
    assert keys(response) == ["not-answered.wav"]
    assert phase(response) == "ending"


def test_update_while_connecting_is_ignored(load_event: LoadEvent, outbound: Attrs) -> None:
    assert handle(load_event("call_update_requested", **outbound("connecting")))["Actions"] == []


# --- recording -----------------------------------------------------------------------------------


def test_recording_started_is_remembered(load_event: LoadEvent, outbound: Attrs) -> None:
    response = handle(load_event("action_successful_start_call_recording", **outbound("bridged")))
    assert response["Actions"] == []
    assert response["TransactionAttributes"]["rec"] == "recording"


@pytest.mark.parametrize(
    "error", ["NoAccessToDestination: Error while accessing destination", "SystemException: x"]
)
def test_failed_start_keeps_the_call_and_tells_the_owner(
    load_event: LoadEvent, outbound: Attrs, error: str
) -> None:
    # The parties are bridged and can still talk: only the recording is lost.
    event = load_event("action_failed_start_call_recording", **outbound("bridged"))
    event["ActionData"]["Error"] = error
    response = handle(event)
    assert types(response) == ["ReceiveDigits", "PlayAudio"]
    assert params(response, "PlayAudio")["CallId"] == "call-id-a"  # the owner, outbound
    assert keys(response) == ["recording-failed.wav"]
    assert response["TransactionAttributes"]["rec"] == "failed"
    assert phase(response) == "bridged"


DIGIT_CASES = [
    ("recording", "5", "PauseCallRecording", "paused", "recording-paused.wav"),
    ("paused", "6", "ResumeCallRecording", "recording", "recording-resumed.wav"),
    ("recording", "7", "StopCallRecording", "stopped", "recording-stopped.wav"),
    ("paused", "7", "StopCallRecording", "stopped", "recording-stopped.wav"),
]


def list_done(load_event: LoadEvent, attributes: dict[str, str]) -> dict[str, Any]:
    """ACTION_SUCCESSFUL of a list ending in a PlayAudio on LEG-A, in a bridged call."""
    event = load_event("digits_received", **attributes)
    event["InvocationEventType"] = "ACTION_SUCCESSFUL"
    event["ActionData"] = {"Type": "PlayAudio", "Parameters": {"CallId": "call-id-a"}}
    return event


@pytest.mark.parametrize("case", DIGIT_CASES, ids=[f"{c[0]}-{c[1]}" for c in DIGIT_CASES])
def test_owner_digits_control_the_recording(
    load_event: LoadEvent, outbound: Attrs, case: tuple[str, str, str, str, str]
) -> None:
    rec, digit, action, new_state, prompt = case
    event = load_event("digits_received", **outbound("bridged", rec=rec))
    event["ActionData"]["ReceivedDigits"] = digit
    response = handle(event)
    assert types(response) == ["ReceiveDigits", action, "PlayAudio", "PlayAudio"]
    assert params(response, action) == {"CallId": "call-id-a"}
    assert keys(response) == [prompt, prompt]
    # Sent, not yet done: the state changes when Chime settles the action.
    assert response["TransactionAttributes"]["rec"] == rec
    settled = handle(list_done(load_event, response["TransactionAttributes"]))
    assert settled["TransactionAttributes"]["rec"] == new_state
    assert settled["TransactionAttributes"]["pending"] == ""


def test_resume_after_stop_is_refused_with_a_prompt(load_event: LoadEvent, outbound: Attrs) -> None:
    event = load_event("digits_received", **outbound("bridged", rec="stopped"))
    event["ActionData"]["ReceivedDigits"] = "6"
    response = handle(event)
    assert types(response) == ["ReceiveDigits", "PlayAudio"]
    assert keys(response) == ["recording-cannot-resume.wav"]
    assert "TransactionAttributes" not in response  # nothing changed


def test_digits_from_the_other_party_are_ignored(load_event: LoadEvent, outbound: Attrs) -> None:
    event = load_event("digits_received", **outbound("bridged", rec="recording"))
    event["ActionData"]["Parameters"]["CallId"] = "call-id-b"
    assert handle(event)["Actions"] == []


def test_command_for_a_recorded_leg_that_is_gone_targets_nothing_gone(
    load_event: LoadEvent, outbound: Attrs
) -> None:
    # Recording actions need the CallId the recording runs on, and only a connected leg hears
    # prompts or re-arms digits; a leg that is gone is never targeted.
    event = load_event("digits_received", **outbound("bridged", rec="recording", recleg="gone"))
    assert types(handle(event)) == ["ReceiveDigits"]
    event = load_event("digits_received", **outbound("bridged", rec="recording"))
    event["CallDetails"]["Participants"][0]["Status"] = "Disconnected"
    response = handle(event)
    live = {"call-id-b"}
    assert all(a["Parameters"].get("CallId") in live for a in response["Actions"])


def test_configured_digits_replace_the_defaults(
    load_event: LoadEvent, outbound: Attrs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECORDING_PAUSE_DIGIT", "1")
    event = load_event("digits_received", **outbound("bridged", rec="recording"))
    event["ActionData"]["ReceivedDigits"] = "1"
    response = handle(event)
    assert "PauseCallRecording" in types(response)
    assert params(response, "ReceiveDigits")["InputDigitsRegex"] == "^[167]$"


@pytest.mark.parametrize(
    ("command", "rec", "action"),
    [
        ("pause", "recording", "PauseCallRecording"),
        ("resume", "paused", "ResumeCallRecording"),
        ("stop", "recording", "StopCallRecording"),
        ("START", "not_started", "StartCallRecording"),
    ],
)
def test_api_update_controls_the_recording(
    load_event: LoadEvent, outbound: Attrs, command: str, rec: str, action: str
) -> None:
    event = load_event("call_update_requested", **outbound("bridged", rec=rec))
    event["ActionData"]["Parameters"]["Arguments"] = {"recording": command}
    response = handle(event)
    assert action in types(response)
    assert types(response)[0] == "ReceiveDigits"


def test_api_command_ignores_case_and_surrounding_spaces(
    load_event: LoadEvent, outbound: Attrs
) -> None:
    event = load_event("call_update_requested", **outbound("bridged", rec="recording"))
    event["ActionData"]["Parameters"]["Arguments"] = {"recording": " Pause "}
    assert "PauseCallRecording" in types(handle(event))


def test_api_start_after_stop_is_refused(load_event: LoadEvent, outbound: Attrs) -> None:
    event = load_event("call_update_requested", **outbound("bridged", rec="stopped"))
    event["ActionData"]["Parameters"]["Arguments"] = {"recording": "start"}
    assert "StartCallRecording" not in types(handle(event))


def test_api_update_with_unknown_command_keeps_the_call(
    load_event: LoadEvent, outbound: Attrs
) -> None:
    event = load_event("call_update_requested", **outbound("bridged", rec="recording"))
    event["ActionData"]["Parameters"]["Arguments"] = {"recording": "rewind"}
    assert types(handle(event)) == ["ReceiveDigits"]


def test_api_pause_before_the_recording_runs_restarts_it_then_pauses(
    load_event: LoadEvent, outbound: Attrs
) -> None:
    response = handle(load_event("call_update_requested", **outbound("bridged")))
    assert types(response)[-1] == "StartCallRecording"
    pending = Pending.decode(response["TransactionAttributes"]["pending"])
    assert pending.inflight is not None and pending.inflight.command is Command.START
    assert [(r.command, r.by) for r in pending.queued] == [(Command.PAUSE, "api")]
    started = load_event(
        "action_successful_start_call_recording", **response["TransactionAttributes"]
    )
    follow = handle(started)
    assert "PauseCallRecording" in types(follow)
    assert follow["TransactionAttributes"]["rec"] == "recording"
    done = handle(list_done(load_event, follow["TransactionAttributes"]))
    assert done["TransactionAttributes"]["rec"] == "paused"
    # Cleared explicitly: a key left out of the returned map keeps its stored value.
    assert done["TransactionAttributes"]["pending"] == ""


@pytest.mark.parametrize("arguments", [{"recording": "resume"}, {"recording": "rewind"}, {}])
def test_any_update_before_the_recording_runs_starts_it_again(
    load_event: LoadEvent, outbound: Attrs, arguments: dict[str, str]
) -> None:
    # The update's actions replace the StartCallRecording still queued behind the consent prompt.
    event = load_event("call_update_requested", **outbound("bridged"))
    event["ActionData"]["Parameters"]["Arguments"] = arguments
    response = handle(event)
    assert types(response)[-1] == "StartCallRecording"
    assert params(response, "StartCallRecording")["CallId"] == "call-id-a"
    assert "consent.wav" in keys(response)
    pending = Pending.decode(response.get("TransactionAttributes", {}).get("pending", ""))
    assert pending.queued == ()


def test_owner_pause_before_the_recording_runs_restarts_it_then_pauses(
    load_event: LoadEvent, outbound: Attrs, call_table: str
) -> None:
    # "Responding to invocations with action lists": the DIGITS_RECEIVED answer replaces the
    # queued StartCallRecording too.
    response = handle(load_event("digits_received", **outbound("bridged")))
    assert types(response)[-1] == "StartCallRecording"
    pending = Pending.decode(response["TransactionAttributes"]["pending"])
    assert [(r.command, r.by) for r in pending.queued] == [(Command.PAUSE, "owner")]
    started = load_event(
        "action_successful_start_call_recording", **response["TransactionAttributes"]
    )
    follow = handle(started)
    assert params(follow, "PauseCallRecording")["CallId"] == "call-id-a"
    assert follow["TransactionAttributes"]["rec"] == "recording"  # the pause is sent
    handle(list_done(load_event, follow["TransactionAttributes"]))
    record = CallRecords().get("txn-0001")
    assert record is not None
    assert record["recording_events"][-1]["by"] == "owner"


def test_update_before_an_on_demand_start_changes_nothing_by_itself(
    load_event: LoadEvent, outbound: Attrs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECORDING_AUTO_START", "false")
    event = load_event("call_update_requested", **outbound("bridged"))
    event["ActionData"]["Parameters"]["Arguments"] = {"recording": "rewind"}
    assert types(handle(event)) == ["ReceiveDigits"]


def test_unknown_pending_command_is_dropped_once_recording(
    load_event: LoadEvent, outbound: Attrs
) -> None:
    event = load_event(
        "action_successful_start_call_recording", **outbound("bridged", pending="jump")
    )
    response = handle(event)
    assert response["Actions"] == []
    assert response["TransactionAttributes"]["rec"] == "recording"
    assert response["TransactionAttributes"]["pending"] == ""


# --- interruptions, failures, hangups --------------------------------------------------------


def test_action_interrupted_answers_with_no_actions(load_event: LoadEvent, outbound: Attrs) -> None:
    assert handle(load_event("action_interrupted", **outbound("bridged")))["Actions"] == []


def test_invalid_lambda_response_apologises_and_hangs_up(
    load_event: LoadEvent, outbound: Attrs
) -> None:
    response = handle(load_event("invalid_lambda_response", **outbound("bridged")))
    assert types(response) == ["PlayAudio", "PlayAudio", "Hangup", "Hangup"]
    assert phase(response) == "ending"


def test_invalid_lambda_response_while_ending_only_hangs_up(
    load_event: LoadEvent, outbound: Attrs
) -> None:
    response = handle(load_event("invalid_lambda_response", **outbound("ending")))
    assert types(response) == ["Hangup", "Hangup"]


def test_documented_leg_b_hangup_example_hangs_up_leg_a(
    load_event: LoadEvent, outbound: Attrs
) -> None:
    # "Ending a call": LEG-B's HANGUP in a bridged call, as the guide prints it: ActionData of
    # the running ReceiveDigits, and the tags spelled "Leg-A" / "Leg-B".
    event = load_event("hangup_leg_b", **outbound("bridged", rec="recording"))
    event["ActionData"] = {
        "Type": "ReceiveDigits",
        "Parameters": {"CallId": "call-id-b", "ParticipantTag": "LEG-B"},
    }
    for participant in event["CallDetails"]["Participants"]:
        participant["ParticipantTag"] = participant["ParticipantTag"].replace("LEG", "Leg")
    response = handle(event)
    assert response["Actions"] == [
        {"Type": "Hangup", "Parameters": {"CallId": "call-id-a", "SipResponseCode": "0"}}
    ]
    assert phase(response) == "ending"


def test_the_leg_that_hung_up_is_read_from_the_participants(
    load_event: LoadEvent, outbound: Attrs, caplog: pytest.LogCaptureFixture
) -> None:
    event = load_event("hangup_leg_b", **outbound("bridged", rec="recording"))
    event["ActionData"] = {"Type": "ReceiveDigits", "Parameters": {"CallId": "call-id-a"}}
    caplog.set_level("INFO")
    handle(event)
    assert "LEG-B hung up" in caplog.text


def test_one_leg_hanging_up_hangs_up_the_other(load_event: LoadEvent, outbound: Attrs) -> None:
    response = handle(load_event("hangup_leg_b", **outbound("bridged", rec="recording")))
    assert response["Actions"] == [
        {"Type": "Hangup", "Parameters": {"CallId": "call-id-a", "SipResponseCode": "0"}}
    ]
    assert phase(response) == "ending"


def test_last_leg_gone_ends_the_call(load_event: LoadEvent, outbound: Attrs) -> None:
    response = handle(load_event("hangup_all", **outbound("ending", rec="recording")))
    assert response["Actions"] == []
    assert phase(response) == "ended"
    assert response["TransactionAttributes"]["rec"] == "stopped"


@pytest.mark.parametrize("name", ["ringing", "new_outbound_call"])
def test_progress_events_need_no_actions(load_event: LoadEvent, name: str) -> None:
    assert handle(load_event(name))["Actions"] == []


def test_answered_api_call_is_not_this_flow(load_event: LoadEvent) -> None:
    # CALL_ANSWERED belongs to calls made with CreateSipMediaApplicationCall, not this flow.
    response = handle(load_event("call_answered"))
    assert types(response) == ["PlayAudio", "Hangup"]
    assert keys(response) == ["apology.wav"]


def test_unknown_combination_ends_politely(load_event: LoadEvent, outbound: Attrs) -> None:
    response = handle(load_event("digits_received", **outbound("collecting")))
    assert types(response) == ["PlayAudio", "PlayAudio", "Hangup", "Hangup"]
    assert keys(response) == ["apology.wav", "apology.wav"]
    assert phase(response) == "ending"


def test_unknown_combination_is_logged_with_its_reason(
    load_event: LoadEvent, outbound: Attrs, caplog: pytest.LogCaptureFixture
) -> None:
    handle(load_event("digits_received", **outbound("collecting")))
    assert "no transition for phase collecting, event DIGITS_RECEIVED" in caplog.text
    assert "txn-0001" in caplog.text


# --- the table itself ----------------------------------------------------------------------------


def test_every_event_type_has_a_transition() -> None:
    events = {key[1] for key in flow.TRANSITIONS}
    assert events == set(EventType)


def test_lookup_prefers_the_most_specific_entry() -> None:
    specific = flow.lookup(
        Phase.COLLECTING, EventType.ACTION_FAILED, ActionType.PLAY_AUDIO_AND_GET_DIGITS
    )
    general = flow.lookup(Phase.COLLECTING, EventType.ACTION_FAILED, ActionType.PLAY_AUDIO)
    assert specific is flow.digits_failed
    assert general is flow.failed_end


def test_lookup_finds_nothing_for_an_unknown_combination() -> None:
    assert flow.lookup(Phase.NEW, EventType.DIGITS_RECEIVED, ActionType.RECEIVE_DIGITS) is None
