"""Events, actions, state, numbers and configuration of the SMA flow, one behaviour per test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.errors import ConfigurationError, InvalidEventError
from chalicelib.sma import actions
from chalicelib.sma.config import SmaConfig
from chalicelib.sma.events import ActionType, EventType, InvocationEvent
from chalicelib.sma.handler import handle
from chalicelib.sma.numbers import to_e164
from chalicelib.sma.requests import Command
from chalicelib.sma.state import (
    MAX_KEYS,
    MAX_VALUE_CHARS,
    CallState,
    Phase,
    check_limits,
    with_cleared_keys,
)

LoadEvent = Callable[..., dict[str, Any]]


# --- events --------------------------------------------------------------------------------------


def test_event_view_reads_the_documented_fields(load_event: LoadEvent) -> None:
    event = InvocationEvent.parse(load_event("digits_received", phase="bridged"))
    assert event.event_type is EventType.DIGITS_RECEIVED
    assert (event.transaction_id, event.sequence) == ("txn-0001", 6)
    assert [p.tag.value for p in event.participants] == ["LEG-A", "LEG-B"]
    assert event.action_type is ActionType.RECEIVE_DIGITS
    assert event.action_data.received_digits == "5"
    assert event.attributes == {"phase": "bridged"}


def test_recording_failure_error_field_is_split(load_event: LoadEvent) -> None:
    event = InvocationEvent.parse(load_event("action_failed_start_call_recording"))
    assert event.error_type == "NoAccessToDestination"
    assert event.error_message == "Error while accessing destination"


def test_invalid_lambda_response_error_is_read_from_the_top_level(load_event: LoadEvent) -> None:
    event = InvocationEvent.parse(load_event("invalid_lambda_response"))
    assert (event.error_type, event.error_message) == (
        "ActionNotAllowed",
        "Action Type is not allowed",
    )


def test_invalid_lambda_response_error_is_read_from_action_data(load_event: LoadEvent) -> None:
    event = InvocationEvent.parse(load_event("invalid_lambda_response_action_data"))
    assert event.error_type == "InvalidResponseSchema"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda e: e.pop("CallDetails"), "no CallDetails"),
        (lambda e: e["CallDetails"].pop("TransactionId"), "TransactionId"),
        (lambda e: e["CallDetails"].update(Participants=[]), "Participants is missing or empty"),
        (lambda e: e["CallDetails"]["Participants"][0].update(ParticipantTag="LEG-C"), "LEG-C"),
        (lambda e: e["CallDetails"]["Participants"][0].update(Status="Maybe"), "Status"),
        (lambda e: e.update(InvocationEventType="NOPE"), "unknown InvocationEventType"),
    ],
)
def test_malformed_events_are_rejected_with_the_field_named(
    load_event: LoadEvent, mutate: Callable[[dict[str, Any]], Any], message: str
) -> None:
    event = load_event("digits_received")
    mutate(event)
    with pytest.raises(InvalidEventError, match=message):
        InvocationEvent.parse(event)


# --- actions -------------------------------------------------------------------------------------


def test_start_call_recording_has_the_documented_shape() -> None:
    assert actions.start_call_recording("c1", "bucket/prefix") == {
        "Type": "StartCallRecording",
        "Parameters": {
            "CallId": "c1",
            "Track": "BOTH",
            "Destination": {"Type": "S3", "Location": "bucket/prefix"},
        },
    }


def test_start_call_recording_rejects_an_s3_url() -> None:
    with pytest.raises(ValueError, match="bucket"):
        actions.start_call_recording("c1", "s3://bucket/prefix")


def test_start_call_recording_rejects_an_unknown_track() -> None:
    with pytest.raises(ValueError, match="Track"):
        actions.start_call_recording("c1", "bucket", track="LEFT")


@pytest.mark.parametrize("timeout", [0, 121])
def test_call_and_bridge_timeout_must_be_1_to_120(timeout: int) -> None:
    with pytest.raises(ValueError, match="1-120"):
        actions.call_and_bridge("+15555550199", "+15555550123", timeout)


def test_call_and_bridge_needs_e164_numbers() -> None:
    with pytest.raises(ValueError, match=r"E\.164"):
        actions.call_and_bridge("5555550199", "+15555550123", 30)


def test_play_audio_targets_exactly_one_leg() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        actions.play_audio("b", "k.wav")


def test_hangup_rejects_an_undocumented_sip_code() -> None:
    with pytest.raises(ValueError, match="SipResponseCode"):
        actions.hangup(call_id="c1", code="404")


def test_receive_digits_regex_matches_only_the_control_digits() -> None:
    params = actions.receive_digits("c1", "5*7")["Parameters"]
    assert params["InputDigitsRegex"] == r"^[5\*7]$"
    assert params["InBetweenDigitsDurationInMilliseconds"] > 0
    assert params["FlushDigitsDurationInMilliseconds"] > 0


# --- state ---------------------------------------------------------------------------------------


def test_state_round_trips_through_transaction_attributes() -> None:
    state = CallState(phase=Phase.BRIDGED, owner="+15555550100", tries=2, pending="pause")
    assert CallState.from_attributes(state.to_attributes()) == state


def test_a_value_no_longer_set_is_sent_back_empty() -> None:
    # "Using TransactionAttributes": leaving a key out does not clear it (only {} does).
    before = {"phase": "bridged", "pending": "pause", "rec": "not_started", "foreign": "x"}
    after = {"phase": "bridged", "rec": "paused"}
    assert with_cleared_keys(before, after) == {"phase": "bridged", "rec": "paused", "pending": ""}
    assert CallState.from_attributes(with_cleared_keys(before, after)).pending == ""


def test_state_stays_within_ten_keys_and_1024_characters() -> None:
    attrs = CallState(phase=Phase.BRIDGED, other="+" + "9" * 15).to_attributes()
    assert len(attrs) <= MAX_KEYS
    assert all(len(v) <= MAX_VALUE_CHARS for v in attrs.values())


def test_limit_check_refuses_an_eleventh_key() -> None:
    with pytest.raises(ValueError, match="limit is 10"):
        check_limits({f"k{i}": "v" for i in range(11)})


def test_limit_check_refuses_a_long_value() -> None:
    with pytest.raises(ValueError, match="1025 characters"):
        check_limits({"k": "x" * 1025})


def test_oversized_state_is_refused_on_encoding() -> None:
    with pytest.raises(ValueError, match="recleg"):
        CallState(recorded_call_id="c" * 2000).to_attributes()


def test_no_attributes_mean_a_new_call() -> None:
    assert CallState.from_attributes({}).phase is Phase.NEW


def test_garbled_attributes_raise_invalid_event() -> None:
    with pytest.raises(InvalidEventError, match="TransactionAttributes"):
        CallState.from_attributes({"phase": "bridged", "tries": "many"})


# --- numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("digits", "country", "number"),
    [
        ("2065550123", "1", "+12065550123"),
        ("12065550123#", "1", "+12065550123"),
        ("011442071234567", "1", "+442071234567"),
        ("+442071234567", "1", "+442071234567"),
        ("02071234567", "44", "+442071234567"),
        ("0033142685300", "44", "+33142685300"),
    ],
)
def test_keypad_digits_become_e164(digits: str, country: str, number: str) -> None:
    assert to_e164(digits, country) == number


@pytest.mark.parametrize("digits", ["1234567", "0065550123", "20655501234", "", "12*45", "+0123"])
def test_uncallable_digits_are_refused(digits: str) -> None:
    assert to_e164(digits, "1") is None


# --- configuration -------------------------------------------------------------------------------


def test_configuration_defaults() -> None:
    config = SmaConfig.from_env()
    assert config.recording_location == "callrec-recordings/recordings"
    assert config.control_digits == "567"
    assert (config.dial_max_attempts, config.call_timeout_seconds) == (3, 30)
    assert config.auto_start is True


def test_blank_prefix_means_the_default_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECORDINGS_PREFIX", "")
    # unset/blank means the default prefix; documented: no leading slash
    assert SmaConfig.from_env().recording_location == "callrec-recordings/recordings"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("OWNER_PHONE_NUMBER", "5555550100", "E.164"),
        ("RECORDINGS_PREFIX", "/recordings", "leading"),
        ("RECORDINGS_BUCKET", "bucket/prefix", "'/'"),
        ("RECORDING_PAUSE_DIGIT", "55", "keypad digit"),
        ("RECORDING_RESUME_DIGIT", "5", "not distinct"),
        ("CALL_TIMEOUT_SECONDS", "121", "out of range"),
        ("DEFAULT_COUNTRY_CODE", "+1", "country calling code"),
        ("SMA_PHONE_NUMBER", "sma", "E.164"),
    ],
)
def test_bad_configuration_is_named(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=message):
        SmaConfig.from_env()


def test_the_digits_chime_listens_for_are_the_digits_with_a_command() -> None:
    # One source: a command added to the digit map is a digit ReceiveDigits listens for.
    config = SmaConfig.from_env()
    assert sorted(config.control_digits) == sorted(config.digit_commands)
    assert set(config.digit_commands.values()) == {Command.PAUSE, Command.RESUME, Command.STOP}


def test_a_digit_added_to_the_map_is_listened_for_and_obeyed(
    load_event: Callable[..., dict[str, Any]],
    outbound: Callable[..., dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(SmaConfig, "digit_commands", property(lambda self: {"9": Command.STOP}))
    event = load_event("digits_received", **outbound("bridged", rec="recording"))
    event["ActionData"]["ReceivedDigits"] = "9"
    response = handle(event)
    kinds = [a["Type"] for a in response["Actions"]]
    assert "StopCallRecording" in kinds
    assert response["Actions"][0]["Parameters"]["InputDigitsRegex"] == "^[9]$"
