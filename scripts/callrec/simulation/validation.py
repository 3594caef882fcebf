"""Does a handler response follow the documented action schema? (Chime's INVALID_LAMBDA_RESPONSE.)

Checks the envelope (``SchemaVersion`` "1.0", an ``Actions`` list of at most 10, string-valued
``TransactionAttributes`` within the documented 10 pairs / 20 KB) and each action's required
parameters and documented ranges, for the action types this project uses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
DIGITS = set("0123456789*#")
TRACKS = {"BOTH", "INCOMING", "OUTGOING"}
HANGUP_CODES = {"0", "480", "486"}
# "Using TransactionAttributes" allows 100 pairs, but its "Invalid inputs" example has an 11-pair
# map rejected with "Maximum number of mappings is 10": hold responses to the stricter figure.
MAX_ATTRIBUTES = 10
MAX_ACTIONS = 10  # "Responding to invocations with action lists": at most 10 per invocation
MAX_ATTRIBUTES_BYTES = 20 * 1024

Check = Callable[[Mapping[str, Any]], list[str]]


def response_problems(response: Any) -> list[str]:
    """Every way ``response`` breaks the schema; empty when Chime would accept it."""
    if not isinstance(response, Mapping):
        return [f"response is a {type(response).__name__}, not an object"]
    problems = []
    if response.get("SchemaVersion") != "1.0":
        problems.append(f"SchemaVersion is {response.get('SchemaVersion')!r}, not '1.0'")
    actions = response.get("Actions")
    if not isinstance(actions, list):
        problems.append("Actions is not a list")
        actions = []
    if len(actions) > MAX_ACTIONS:
        problems.append(f"{len(actions)} actions (max {MAX_ACTIONS} per invocation)")
    for index, action in enumerate(actions):
        problems += [f"Actions[{index}]: {p}" for p in action_problems(action)]
    attrs = response.get("TransactionAttributes")
    if attrs is not None:
        problems += _attribute_problems(attrs)
    return problems


def action_problems(action: Any) -> list[str]:
    if not isinstance(action, Mapping):
        return ["action is not an object"]
    kind = action.get("Type")
    params = action.get("Parameters")
    if not isinstance(params, Mapping):
        return [f"{kind}: Parameters is not an object"]
    check = CHECKS.get(str(kind))
    if check is None:
        return [f"unknown action Type {kind!r}"]
    return [f"{kind}: {p}" for p in check(params)]


def _attribute_problems(attrs: Any) -> list[str]:
    if not isinstance(attrs, Mapping):
        return ["TransactionAttributes is not an object"]
    problems = [
        f"TransactionAttributes[{k!r}] is not a string"
        for k, v in attrs.items()
        if not isinstance(v, str)
    ]
    if len(attrs) > MAX_ATTRIBUTES:
        problems.append(f"TransactionAttributes has {len(attrs)} pairs (max {MAX_ATTRIBUTES})")
    if len(json.dumps(attrs, default=str).encode()) > MAX_ATTRIBUTES_BYTES:
        problems.append("TransactionAttributes exceed 20 KB")
    return problems


def _target(p: Mapping[str, Any]) -> list[str]:
    """CallId or ParticipantTag (documented: the tag is ignored when CallId is given)."""
    has_call, has_tag = bool(p.get("CallId")), bool(p.get("ParticipantTag"))
    if not has_call and not has_tag:
        return ["needs CallId or ParticipantTag"]
    if has_tag and p["ParticipantTag"] not in ("LEG-A", "LEG-B"):
        return [f"ParticipantTag {p['ParticipantTag']!r} is not LEG-A or LEG-B"]
    return []


def _audio(p: Mapping[str, Any], key: str) -> list[str]:
    source = p.get(key)
    if not isinstance(source, Mapping):
        return [f"{key} is missing"]
    if source.get("Type") != "S3" or not source.get("BucketName") or not source.get("Key"):
        return [f"{key} needs Type S3, BucketName and Key"]
    return []


def _int(p: Mapping[str, Any], key: str, low: int, high: int, required: bool = True) -> list[str]:
    if key not in p:
        return [f"{key} is missing"] if required else []
    value = p[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return [f"{key}={value!r} is not an integer in {low}-{high}"]
    return []


def _regex(p: Mapping[str, Any], key: str, required: bool) -> list[str]:
    if key not in p:
        return [f"{key} is missing"] if required else []
    try:
        re.compile(str(p[key]))
    except re.error:
        return [f"{key} {p[key]!r} is not a regular expression"]
    return [] if p[key] else [f"{key} is empty"]


def _play_audio(p: Mapping[str, Any]) -> list[str]:
    return _target(p) + _audio(p, "AudioSource") + _int(p, "Repeat", 1, 10**6, required=False)


def _play_and_get(p: Mapping[str, Any]) -> list[str]:
    problems = _target(p) + _audio(p, "AudioSource") + _audio(p, "FailureAudioSource")
    problems += _int(p, "MinNumberOfDigits", 0, 128, required=False)
    problems += _int(p, "MaxNumberOfDigits", 1, 128, required=False)
    problems += _int(p, "Repeat", 1, 10**6, required=False)
    problems += _int(p, "RepeatDurationInMilliseconds", 1, 10**7)
    problems += _int(p, "InBetweenDigitsDurationInMilliseconds", 1, 10**7, required=False)
    problems += _regex(p, "InputDigitsRegex", required=False)
    if int(p.get("MinNumberOfDigits", 0) or 0) >= int(p.get("MaxNumberOfDigits", 128) or 128):
        problems.append("MaxNumberOfDigits must be greater than MinNumberOfDigits")
    terminators = p.get("TerminatorDigits", ["#"])
    if not isinstance(terminators, list) or not all(str(t) in DIGITS for t in terminators):
        problems.append("TerminatorDigits must be a list of keypad digits")
    return problems


def _receive_digits(p: Mapping[str, Any]) -> list[str]:
    return (
        _target(p)
        + _regex(p, "InputDigitsRegex", required=True)
        + _int(p, "InBetweenDigitsDurationInMilliseconds", 1, 10**7)
        + _int(p, "FlushDigitsDurationInMilliseconds", 1, 10**7)
        + _flush_not_shorter(p)
    )


def _flush_not_shorter(p: Mapping[str, Any]) -> list[str]:
    flush, between = (
        p.get("FlushDigitsDurationInMilliseconds"),
        p.get("InBetweenDigitsDurationInMilliseconds"),
    )
    if isinstance(flush, int) and isinstance(between, int) and flush < between:
        return ["FlushDigitsDurationInMilliseconds is shorter than the in-between interval"]
    return []


def _call_and_bridge(p: Mapping[str, Any]) -> list[str]:
    problems = _int(p, "CallTimeoutSeconds", 1, 120, required=False)
    if not E164.match(str(p.get("CallerIdNumber", ""))):
        problems.append(f"CallerIdNumber {p.get('CallerIdNumber')!r} is not E.164")
    endpoints = p.get("Endpoints")
    if not isinstance(endpoints, list) or not endpoints:
        return [*problems, "Endpoints must be a non-empty list"]
    for i, endpoint in enumerate(endpoints):
        if not isinstance(endpoint, Mapping):
            problems.append(f"Endpoints[{i}] is not an object")
        elif endpoint.get("BridgeEndpointType") == "PSTN":
            if not E164.match(str(endpoint.get("Uri", ""))):
                problems.append(f"Endpoints[{i}].Uri {endpoint.get('Uri')!r} is not E.164")
        elif endpoint.get("BridgeEndpointType") != "AWS":
            problems.append(f"Endpoints[{i}].BridgeEndpointType must be PSTN or AWS")
    return problems


def _start_recording(p: Mapping[str, Any]) -> list[str]:
    problems = [] if p.get("CallId") else ["CallId is missing"]
    if p.get("Track") not in TRACKS:
        problems.append(f"Track {p.get('Track')!r} is not BOTH, INCOMING or OUTGOING")
    dest = p.get("Destination")
    if not isinstance(dest, Mapping) or dest.get("Type") != "S3":
        problems.append("Destination.Type must be S3")
    elif not dest.get("Location") or str(dest["Location"]).startswith(("s3://", "/")):
        problems.append("Destination.Location must be bucket[/prefix]")
    return problems


def _call_id_only(p: Mapping[str, Any]) -> list[str]:
    return [] if p.get("CallId") else ["CallId is missing"]


def _hangup(p: Mapping[str, Any]) -> list[str]:
    problems = _target(p)
    if "SipResponseCode" in p and str(p["SipResponseCode"]) not in HANGUP_CODES:
        problems.append(f"SipResponseCode {p['SipResponseCode']!r} is not 0, 480 or 486")
    return problems


CHECKS: dict[str, Check] = {
    "PlayAudio": _play_audio,
    "PlayAudioAndGetDigits": _play_and_get,
    "ReceiveDigits": _receive_digits,
    "CallAndBridge": _call_and_bridge,
    "StartCallRecording": _start_recording,
    "PauseCallRecording": _call_id_only,
    "ResumeCallRecording": _call_id_only,
    "StopCallRecording": _call_id_only,
    "Hangup": _hangup,
}
