"""Builders of the documented SIP media application actions.

Parameter names and ranges follow the Amazon Chime SDK developer guide pages of each action:
``CallAndBridge`` (``CallTimeoutSeconds`` 1-120, ``CallerIdNumber`` E.164, ``Endpoints`` with
``BridgeEndpointType`` PSTN and ``Uri``), ``PlayAudio`` / ``PlayAudioAndGetDigits``
(``AudioSource``/``FailureAudioSource`` of ``Type`` S3 with ``BucketName`` and ``Key``),
``ReceiveDigits`` (``InputDigitsRegex``, ``InBetweenDigitsDurationInMilliseconds``,
``FlushDigitsDurationInMilliseconds``), ``StartCallRecording`` (``CallId``, ``Track``
BOTH/INCOMING/OUTGOING, ``Destination`` {``Type`` S3, ``Location`` bucket[/prefix]}),
``Pause``/``Resume``/``StopCallRecording`` (``CallId``) and ``Hangup`` (``SipResponseCode``).
A builder given an out-of-range value raises ValueError: a malformed action would only come
back as INVALID_LAMBDA_RESPONSE in the middle of a call.
"""

from __future__ import annotations

import re
from typing import Any

from chalicelib.channels import Leg
from chalicelib.sma.events import ActionType
from chalicelib.sma.numbers import is_e164

Action = dict[str, Any]

TRACKS = ("BOTH", "INCOMING", "OUTGOING")
HANGUP_CODES = ("0", "480", "486")
DIGIT_CHARS = set("0123456789*#")

# PlayAudioAndGetDigits for the number to dial: the SMA itself replays the prompt (after the
# failure prompt) up to REPEAT times when the input does not match; the flow's own retries
# (DIAL_MAX_ATTEMPTS) cover digits that match but are not a callable number.
DIAL_MIN_DIGITS = 7
DIAL_MAX_DIGITS = 18
DIAL_REPEAT = 3
DIAL_REPEAT_MS = 10_000
DIAL_INTER_DIGIT_MS = 5_000

CONTROL_INTER_DIGIT_MS = 1_000
CONTROL_FLUSH_MS = 10_000

# The action types as plain strings, read once (an Enum's ``.value`` is a descriptor call).
_PLAY_AUDIO = ActionType.PLAY_AUDIO.value
_PLAY_AUDIO_AND_GET_DIGITS = ActionType.PLAY_AUDIO_AND_GET_DIGITS.value
_RECEIVE_DIGITS = ActionType.RECEIVE_DIGITS.value
_CALL_AND_BRIDGE = ActionType.CALL_AND_BRIDGE.value
_START_CALL_RECORDING = ActionType.START_CALL_RECORDING.value
_PAUSE_CALL_RECORDING = ActionType.PAUSE_CALL_RECORDING.value
_RESUME_CALL_RECORDING = ActionType.RESUME_CALL_RECORDING.value
_STOP_CALL_RECORDING = ActionType.STOP_CALL_RECORDING.value
_HANGUP = ActionType.HANGUP.value


def _target(call_id: str | None, leg: Leg | None) -> dict[str, str]:
    if (call_id is None) == (leg is None):
        raise ValueError("give exactly one of CallId or ParticipantTag")
    return {"CallId": call_id} if call_id is not None else {"ParticipantTag": str(leg)}


def _audio(bucket: str, key: str) -> dict[str, str]:
    if not bucket or not key:
        raise ValueError("an S3 audio source needs a bucket and a key")
    return {"Type": "S3", "BucketName": bucket, "Key": key}


def play_audio(
    bucket: str, key: str, *, call_id: str | None = None, leg: Leg | None = None
) -> Action:
    if call_id and leg is None and bucket and key:  # the flow's case, without the checks' calls
        target: dict[str, str] = {"CallId": call_id}
        source = {"Type": "S3", "BucketName": bucket, "Key": key}
    else:
        target, source = _target(call_id, leg), _audio(bucket, key)
    return {"Type": _PLAY_AUDIO, "Parameters": {**target, "AudioSource": source}}


def play_audio_and_get_digits(
    bucket: str,
    key: str,
    failure_key: str,
    *,
    call_id: str,
    regex: str,
    digits: tuple[int, int] = (DIAL_MIN_DIGITS, DIAL_MAX_DIGITS),
) -> Action:
    return {
        "Type": _PLAY_AUDIO_AND_GET_DIGITS,
        "Parameters": {
            "CallId": call_id,
            "InputDigitsRegex": regex,
            "AudioSource": _audio(bucket, key),
            "FailureAudioSource": _audio(bucket, failure_key),
            "MinNumberOfDigits": digits[0],
            "MaxNumberOfDigits": digits[1],
            "TerminatorDigits": ["#"],
            "InBetweenDigitsDurationInMilliseconds": DIAL_INTER_DIGIT_MS,
            "Repeat": DIAL_REPEAT,
            "RepeatDurationInMilliseconds": DIAL_REPEAT_MS,
        },
    }


def dial_digits_regex() -> str:
    """7-18 digits, then the ``#`` terminator if the owner pressed it: the guide's examples match
    the terminator in the regex (``^\\d{2}#$`` with ``TerminatorDigits`` ``["#"]``)."""
    return rf"^\d{{{DIAL_MIN_DIGITS},{DIAL_MAX_DIGITS}}}#?$"


# The dial-out PIN: 4-12 digits (chalicelib.owners.pins) and the terminator. Unverified offline:
# that Chime counts the terminator within MaxNumberOfDigits, as the regex examples of the
# PlayAudioAndGetDigits page suggest (hence 13); ReceivedDigits then arrives without it.
PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 13


def pin_digits_regex() -> str:
    return r"^\d{4,12}#?$"


# Control digits -> their ReceiveDigits regex (a configuration has one set of digits).
_CONTROL_REGEX: dict[str, str] = {}


def receive_digits(call_id: str, digits: str) -> Action:
    """Arm DTMF detection of the single control ``digits`` on ``call_id``."""
    regex = _CONTROL_REGEX.get(digits)
    if regex is None:
        if not digits or not set(digits) <= DIGIT_CHARS:
            raise ValueError(f"control digits {digits!r} are not keypad digits")
        regex = _CONTROL_REGEX[digits] = "^[" + re.escape(digits) + "]$"
    return {
        "Type": _RECEIVE_DIGITS,
        "Parameters": {
            "CallId": call_id,
            "InputDigitsRegex": regex,
            "InBetweenDigitsDurationInMilliseconds": CONTROL_INTER_DIGIT_MS,
            "FlushDigitsDurationInMilliseconds": CONTROL_FLUSH_MS,
        },
    }


def call_and_bridge(caller_id: str, uri: str, timeout_seconds: int) -> Action:
    if not is_e164(caller_id) or not is_e164(uri):
        raise ValueError(f"CallAndBridge needs E.164 numbers, got {caller_id!r} -> {uri!r}")
    if not 1 <= timeout_seconds <= 120:
        raise ValueError(f"CallTimeoutSeconds {timeout_seconds} is outside 1-120")
    return {
        "Type": _CALL_AND_BRIDGE,
        "Parameters": {
            "CallTimeoutSeconds": timeout_seconds,
            "CallerIdNumber": caller_id,
            "Endpoints": [{"BridgeEndpointType": "PSTN", "Uri": uri}],
        },
    }


def start_call_recording(call_id: str, location: str, track: str = "BOTH") -> Action:
    if track not in TRACKS:
        raise ValueError(f"Track {track!r} is not one of {TRACKS}")
    if not location or location.startswith("/") or location.startswith("s3://"):
        raise ValueError(f"Destination.Location {location!r} must be bucket[/prefix]")
    return {
        "Type": _START_CALL_RECORDING,
        "Parameters": {
            "CallId": call_id,
            "Track": track,
            "Destination": {"Type": "S3", "Location": location},
        },
    }


def pause_call_recording(call_id: str) -> Action:
    return {"Type": _PAUSE_CALL_RECORDING, "Parameters": {"CallId": call_id}}


def resume_call_recording(call_id: str) -> Action:
    return {"Type": _RESUME_CALL_RECORDING, "Parameters": {"CallId": call_id}}


def stop_call_recording(call_id: str) -> Action:
    return {"Type": _STOP_CALL_RECORDING, "Parameters": {"CallId": call_id}}


def hangup(*, call_id: str | None = None, leg: Leg | None = None, code: str = "0") -> Action:
    if code not in HANGUP_CODES:
        raise ValueError(f"SipResponseCode {code!r} is not one of {HANGUP_CODES}")
    return {
        "Type": _HANGUP,
        "Parameters": {**_target(call_id, leg), "SipResponseCode": code},
    }
