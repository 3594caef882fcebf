"""The reference for bench/sma.py: a plain hand-written elif handler in the style of the original
sample (no validation, no state machine, boto3 imported and the table opened at module load),
answering the benchmarked sequences with the same actions as ``sma_handler``. It writes the call
record twice per call, as the sample does: when the call starts and when it ends.

Not a module of the app: it exists to be measured against.
"""

from __future__ import annotations

import os
from typing import Any

import boto3

TABLE = boto3.client("dynamodb")
PROMPTS = os.environ.get("PROMPTS_BUCKET", "callrec-prompts")
OWNER = os.environ.get("OWNER_PHONE_NUMBER", "")
LOCATION = os.environ.get("RECORDINGS_BUCKET", "") + "/recordings"


def audio(key: str, call_id: str) -> dict[str, Any]:
    source = {"Type": "S3", "BucketName": PROMPTS, "Key": key}
    return {"Type": "PlayAudio", "Parameters": {"CallId": call_id, "AudioSource": source}}


def bridge(caller_id: str, number: str) -> dict[str, Any]:
    endpoints = [{"BridgeEndpointType": "PSTN", "Uri": number}]
    params = {"CallTimeoutSeconds": 30, "CallerIdNumber": caller_id, "Endpoints": endpoints}
    return {"Type": "CallAndBridge", "Parameters": params}


def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    kind = event["InvocationEventType"]
    details = event["CallDetails"]
    legs = {p["ParticipantTag"]: p for p in details["Participants"]}
    attrs = details.get("TransactionAttributes") or {}
    if kind == "NEW_INBOUND_CALL":
        return new_call(details["TransactionId"], legs["LEG-A"])
    if kind == "ACTION_SUCCESSFUL" and event["ActionData"]["Type"] == "PlayAudioAndGetDigits":
        digits = event["ActionData"]["ReceivedDigits"].rstrip("#")
        number = digits if digits.startswith("+") else "+1" + digits
        actions = [audio("connecting.wav", legs["LEG-A"]["CallId"]), bridge(attrs["sma"], number)]
        return respond(actions, {**attrs, "other": number})
    if kind == "ACTION_SUCCESSFUL" and event["ActionData"]["Type"] == "CallAndBridge":
        return respond(bridged(legs, attrs.get("dir") == "outbound"), attrs)
    if kind == "HANGUP":
        live = [p for p in legs.values() if p.get("Status") != "Disconnected"]
        if live:
            hangups = [
                {"Type": "Hangup", "Parameters": {"CallId": p["CallId"], "SipResponseCode": "0"}}
                for p in sorted(live, key=lambda p: str(p["ParticipantTag"]), reverse=True)
            ]
            return respond(hangups, attrs)
        TABLE.update_item(
            TableName=os.environ["CALL_RECORDS_TABLE"],
            Key={"transaction_id": {"S": details["TransactionId"]}},
            UpdateExpression="SET ended = :e",
            ExpressionAttributeValues={":e": {"S": "yes"}},
        )
    return respond([], attrs)


def new_call(transaction_id: str, a: dict[str, Any]) -> dict[str, Any]:
    item = {"transaction_id": {"S": transaction_id}, "started": {"S": "yes"}}
    TABLE.put_item(TableName=os.environ["CALL_RECORDS_TABLE"], Item=item)
    if a["From"] != OWNER:
        actions = [audio("consent.wav", a["CallId"]), bridge(a["From"], OWNER)]
        return respond(actions, {"dir": "inbound"})
    failure = {"Type": "S3", "BucketName": PROMPTS, "Key": "digits-not-understood.wav"}
    digits = {
        "Type": "PlayAudioAndGetDigits",
        "Parameters": {
            "CallId": a["CallId"],
            "AudioSource": {"Type": "S3", "BucketName": PROMPTS, "Key": "enter-number.wav"},
            "FailureAudioSource": failure,
            "MinNumberOfDigits": 7,
            "MaxNumberOfDigits": 18,
            "TerminatorDigits": ["#"],
            "InBetweenDigitsDurationInMilliseconds": 5000,
            "Repeat": 3,
            "RepeatDurationInMilliseconds": 10000,
            "InputDigitsRegex": "^\\+?\\d{7,17}#?$",
        },
    }
    return respond([digits], {"dir": "outbound", "sma": a["To"]})


def bridged(legs: dict[str, Any], outbound: bool) -> list[dict[str, Any]]:
    a, b = legs["LEG-A"], legs["LEG-B"]
    listen = {
        "Type": "ReceiveDigits",
        "Parameters": {
            "CallId": (a if outbound else b)["CallId"],
            "InputDigitsRegex": "^[567]$",
            "InBetweenDigitsDurationInMilliseconds": 1000,
            "FlushDigitsDurationInMilliseconds": 10000,
        },
    }
    actions = [listen, audio("consent.wav", b["CallId"])] if outbound else [listen]
    destination = {"Type": "S3", "Location": LOCATION}
    params = {"CallId": a["CallId"], "Track": "BOTH", "Destination": destination}
    return [*actions, {"Type": "StartCallRecording", "Parameters": params}]


def respond(actions: list[dict[str, Any]], attrs: dict[str, str]) -> dict[str, Any]:
    return {"SchemaVersion": "1.0", "Actions": actions, "TransactionAttributes": attrs}
