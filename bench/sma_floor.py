"""The floor for bench/sma.py: the leanest handler I could write that keeps what ``sma_handler``
must do on the bench's two sequences, to measure how far below ``sma_handler`` a redesign of
its machinery could go, and whether the reference's figure is within reach at all.

Kept, as ``sma_handler`` does it:

- the event validated to the documented shape (object, known ``InvocationEventType``,
  ``CallDetails`` with a non-empty ``TransactionId`` and ``Participants``, each with a
  ``CallId``, a LEG-A/LEG-B tag in any case and a known ``Status``; the attributes as strings);
- the call's state decoded from ``TransactionAttributes`` and checked (phase, direction,
  recording state, tries), and answered in full with cleared keys as "" and the 10-key /
  1,024-character limits checked;
- the same actions, attributes and call-record updates (one ``UpdateItem`` per writing
  invocation, through ``CallRecords``, a storage error never dropping the call); the owner
  directory, the call owner, the dial-out authorisation, the configuration and the clock are
  the app's own, called as the flow calls them;
- the checks the action builders make that the invocation has not already made (the caller id
  of a dial-out, read from the attributes, is E.164), the automatic start being configured, and
  ReceiveDigits armed only on a connected owner leg.

Dropped: every transition the two sequences do not take (the floor answers them with a
``Hangup``), the recording-request queue beyond the automatic start, the log lines and the
apology on errors. States that sma_handler would answer otherwise than these sequences do
(queued or earlier versions' pending requests, keys or ``rec``/``tries`` values it never writes,
two legs with one tag, left-over attributes on a new call) are not answered either. So the
floor is below what a redesign of the whole flow could reach.

Not a module of the app: it exists to be measured (bench/sma.py checks on every run that it
answers exactly as ``sma_handler`` does, record updates included).
"""

from __future__ import annotations

import logging
from datetime import datetime
from operator import itemgetter
from typing import Any

from chalicelib import settings
from chalicelib.call_records import TABLE_ENV, CallRecords, utc_now_iso
from chalicelib.owners import directory
from chalicelib.owners.call_owner import CallOwner
from chalicelib.owners.dial_out import authorize_dial_out
from chalicelib.owners.usage import UsageStore
from chalicelib.sma import config as sma_config
from chalicelib.sma import owner_effects
from chalicelib.sma.numbers import is_e164, to_e164

logger = logging.getLogger(__name__)

Answer = dict[str, Any]
Leg = tuple[str, bool, dict[str, Any]]  # CallId, connected, the raw participant

EVENT_TYPES = frozenset(
    {
        "NEW_INBOUND_CALL",
        "NEW_OUTBOUND_CALL",
        "RINGING",
        "CALL_ANSWERED",
        "ACTION_SUCCESSFUL",
        "ACTION_FAILED",
        "ACTION_INTERRUPTED",
        "DIGITS_RECEIVED",
        "CALL_UPDATE_REQUESTED",
        "INVALID_LAMBDA_RESPONSE",
        "HANGUP",
    }
)
TAGS = {"LEG-A": "LEG-A", "LEG-B": "LEG-B"}
STATUSES = frozenset({"Connected", "Disconnected"})
PHASES = frozenset({"new", "pin", "collecting", "connecting", "bridged", "ending", "ended"})
DIRECTIONS = frozenset({"inbound", "outbound"})
RECORDING_STATES = frozenset({"not_started", "recording", "paused", "stopped", "failed"})
KEYS = ("phase", "dir", "owner", "other", "sma", "rec", "tries", "recleg", "pending", "own")
KEY_SET = frozenset(KEYS)
# The values of ``tries`` sma_handler writes (str of an int below DIAL_MAX_ATTEMPTS, at most 9):
# any other value would not come back from it unchanged, so the floor does not answer it.
TRIES = frozenset(map(str, range(10)))


_VALUE = itemgetter(1)  # filter(_VALUE, d.items()): the items whose value is set


class NotAnsweredError(Exception):
    """The event or state is not what the floor answers."""


# --- machinery: parse, state, answer, write ------------------------------------------------------


def parse(raw: Any) -> tuple[str, str, dict[str, Leg], dict[str, str]]:
    """Event type, transaction id, legs by tag and attributes, checked as InvocationEvent.parse
    checks them."""
    if type(raw) is not dict:
        raise NotAnsweredError("invocation event is not an object")
    event_type = raw.get("InvocationEventType")
    if event_type not in EVENT_TYPES:
        raise NotAnsweredError(f"unknown InvocationEventType {event_type!r}")
    details = raw.get("CallDetails")
    if type(details) is not dict:
        raise NotAnsweredError("event has no CallDetails object")
    transaction_id = details.get("TransactionId")
    if type(transaction_id) is not str or not transaction_id:
        raise NotAnsweredError("CallDetails.TransactionId is missing or empty")
    participants = details.get("Participants")
    if type(participants) is not list or not participants:
        raise NotAnsweredError("CallDetails.Participants is missing or empty")
    legs = dict(map(_leg, participants))
    if len(legs) != len(participants):  # sma_handler reads the first of two LEG-As: not answered
        raise NotAnsweredError("two participants with one tag")
    attributes = details.get("TransactionAttributes") or {}
    if type(attributes) is not dict:
        raise NotAnsweredError("CallDetails.TransactionAttributes is not an object")
    for key, value in attributes.items():
        if type(key) is not str or type(value) is not str:
            attributes = {str(k): str(v) for k, v in attributes.items()}
            break
    return event_type, transaction_id, legs, attributes


def _leg(participant: Any) -> tuple[str, Leg]:
    if type(participant) is not dict:
        raise NotAnsweredError("a participant is not an object")
    call_id = participant.get("CallId")
    raw_tag: Any = participant.get("ParticipantTag")
    tag = TAGS.get(raw_tag) or TAGS.get(str(raw_tag).upper())
    status = participant.get("Status") or "Connected"
    if type(call_id) is not str or not call_id or tag is None or status not in STATUSES:
        raise NotAnsweredError("a participant has no CallId, tag or known Status")
    return tag, (call_id, status == "Connected", participant)


def phase_of(attributes: dict[str, str]) -> str:
    """The phase, with the rest of the state checked as CallState.from_attributes checks it."""
    phase = attributes.get("phase") or "new"
    if phase not in PHASES:
        raise NotAnsweredError(f"unknown phase {phase!r}")
    if phase == "new":
        if any(attributes.values()):  # left-overs sma_handler clears: not answered
            raise NotAnsweredError("TransactionAttributes without a phase")
        return phase
    # Only the keys and values sma_handler writes: it drops other keys from its answer and writes
    # ``rec`` and ``tries`` on every answer, so a state without them is not one it answers alike.
    direction = attributes.get("dir")
    if direction and direction not in DIRECTIONS:
        raise NotAnsweredError("TransactionAttributes do not decode to a call state")
    if attributes.get("rec") not in RECORDING_STATES or attributes.get("tries") not in TRIES:
        raise NotAnsweredError("TransactionAttributes do not decode to a call state")
    if not attributes.keys() <= KEY_SET:
        raise NotAnsweredError("TransactionAttributes hold keys sma_handler does not keep")
    return phase


def answer(actions: list[Answer], before: dict[str, str], changes: dict[str, str]) -> Answer:
    """The response: the state (``before`` with ``changes``, "" unsetting a key) in full when
    it changed, cleared keys as "". Empty values are dropped with C-level filters: a
    comprehension over the ten keys was a third of the function."""
    after = dict(filter(_VALUE, before.items()))
    # As sma_handler: attributes that differ only by empty values are not sent again.
    changed = False
    cleared = []
    for key, value in changes.items():
        old = after.get(key, "")
        if value:
            if value != old:
                after[key], changed = value, True
        elif old:
            del after[key]
            cleared.append(key)
    if len(after) > 10 or max(map(len, after.values())) > 1024:
        raise NotAnsweredError("TransactionAttributes over the limits")
    response: Answer = {"SchemaVersion": "1.0", "Actions": actions}
    if changed or cleared:
        for key in cleared:
            after[key] = ""
        response["TransactionAttributes"] = after
    return response


def write(
    transaction_id: str, values: dict[str, Any], appends: dict[str, list[Any]] | None = None
) -> None:
    """One UpdateItem; a storage error never drops the call."""
    table = settings.optional(TABLE_ENV)
    if not table:
        return
    try:
        CallRecords(table).update(transaction_id, values, appends or {})
    except Exception:  # as sma_handler: any failure of the write is logged, the call goes on
        logger.exception("floor: call record not written")


def _epoch(now: str) -> float:
    return datetime.fromisoformat(now).timestamp()


# Parameters that depend only on the configuration, built once per configuration.
_TEMPLATES: dict[int, tuple[sma_config.SmaConfig, dict[str, Any]]] = {}


def templates(config: sma_config.SmaConfig) -> dict[str, Any]:
    known = _TEMPLATES.get(id(config))
    if known is not None and known[0] is config:
        return known[1]
    bucket = config.prompts_bucket

    def source(key: str) -> dict[str, str]:
        return {"Type": "S3", "BucketName": bucket, "Key": key}

    built = {
        "ask_number": {
            "InputDigitsRegex": "^\\d{7,18}#?$",
            "AudioSource": source("enter-number.wav"),
            "FailureAudioSource": source("digits-not-understood.wav"),
            "MinNumberOfDigits": 7,
            "MaxNumberOfDigits": 18,
            "TerminatorDigits": ["#"],
            "InBetweenDigitsDurationInMilliseconds": 5000,
            "Repeat": 3,
            "RepeatDurationInMilliseconds": 10000,
        },
        "connecting": source("connecting.wav"),
        "consent": source("consent.wav"),
        "listen": {
            "InputDigitsRegex": f"^[{config.control_digits}]$",
            "InBetweenDigitsDurationInMilliseconds": 1000,
            "FlushDigitsDurationInMilliseconds": 10000,
        },
        "destination": {"Type": "S3", "Location": config.recording_location},
    }
    _TEMPLATES[id(config)] = (config, built)
    return built


# --- the transitions of the two sequences --------------------------------------------------------


def handler(event: Any, context: Any = None) -> Answer:
    """Answer one invocation of the bench's sequences. Never raises."""
    try:
        event_type, transaction_id, legs, attributes = parse(event)
        phase = phase_of(attributes)
        config = sma_config.current()
        data = event.get("ActionData")
        action_type = data.get("Type") if type(data) is dict else None
        if event_type == "HANGUP":
            return hangup(transaction_id, legs, attributes, config)
        if event_type == "NEW_INBOUND_CALL" and phase == "new" and data is None:
            return new_call(transaction_id, legs, attributes, config)
        if event_type != "ACTION_SUCCESSFUL" or type(data) is not dict:
            raise NotAnsweredError("not a transition the floor answers")
        if phase == "collecting" and action_type == "PlayAudioAndGetDigits":
            return digits(legs, attributes, config, data)
        if phase == "connecting" and action_type == "CallAndBridge":
            return bridged(legs, attributes, config, event.get("Sequence", 0))
        if phase == "bridged" and action_type == "StartCallRecording":
            return recording_started(transaction_id, attributes, data)
        raise NotAnsweredError("not a transition the floor answers")
    except Exception:  # never raises, like sma_handler
        logger.exception("floor: not answered")
        return {"SchemaVersion": "1.0", "Actions": [{"Type": "Hangup", "Parameters": {}}]}


def new_call(
    transaction_id: str, legs: dict[str, Leg], attributes: dict[str, str], config: Any
) -> Answer:
    call_id, _, leg_a = legs["LEG-A"]
    dialled, caller = str(leg_a.get("To") or ""), str(leg_a.get("From") or "")
    owner = directory.owner_for_number(dialled)
    if owner is None:
        raise NotAnsweredError("no owner: not a transition the floor answers")
    record = {
        "owner_id": owner.owner_id,
        "owner_name": owner.display_name,
        "sma_number": owner.sma_number,
        "started_at": utc_now_iso(),
        "recording_state": "not_started",
        "recorded_leg": "LEG-A",
        "source_path": "sma",
    }
    if caller in owner.owner_numbers:
        call_owner = CallOwner.for_owner_calling(owner)
        if call_owner.pin_due:
            raise NotAnsweredError("PIN due: not a transition the floor answers")
        write(transaction_id, {**record, "owner_number": caller, "direction": "outbound"})
        ask = {"CallId": call_id, **templates(config)["ask_number"]}
        state = {"phase": "collecting", "dir": "outbound", "owner": caller}
        state.update(sma=owner.sma_number, rec="not_started", tries="0", own=call_owner.encode())
        return answer([{"Type": "PlayAudioAndGetDigits", "Parameters": ask}], attributes, state)
    owner_number = owner.owner_numbers[0]
    record.update(owner_number=owner_number, direction="inbound", other_number=caller)
    write(transaction_id, record)
    actions = [
        {
            "Type": "PlayAudio",
            "Parameters": {"CallId": call_id, "AudioSource": templates(config)["consent"]},
        },
        bridge(caller if is_e164(caller) else owner.sma_number, owner_number, config),
    ]
    state = {"phase": "connecting", "dir": "inbound", "owner": owner_number, "other": caller}
    state.update(
        sma=owner.sma_number,
        rec="not_started",
        tries="0",
        own=CallOwner.for_inbound(owner).encode(),
    )
    return answer(actions, attributes, state)


def bridge(caller_id: str, number: str, config: Any) -> Answer:
    endpoints = [{"BridgeEndpointType": "PSTN", "Uri": number}]
    parameters = {
        "CallTimeoutSeconds": config.call_timeout_seconds,
        "CallerIdNumber": caller_id,
        "Endpoints": endpoints,
    }
    return {"Type": "CallAndBridge", "Parameters": parameters}


def digits(
    legs: dict[str, Leg], attributes: dict[str, str], config: Any, data: dict[str, Any]
) -> Answer:
    number = to_e164(str(data.get("ReceivedDigits") or ""), config.default_country_code)
    if number is None or number in (attributes.get("owner"), attributes.get("sma")):
        raise NotAnsweredError("not a number the floor dials")
    if not is_e164(attributes.get("sma", "")):  # the caller id, checked as call_and_bridge does
        raise NotAnsweredError("the SMA number in the attributes is not E.164")
    usage = UsageStore.configured()
    decision = authorize_dial_out(
        CallOwner.decode(attributes.get("own", "")),
        number,
        usage=usage,
        now=_epoch(utc_now_iso()) if usage is not None else 0.0,
    )
    if decision.refusal is not None:
        raise NotAnsweredError("refused: not a transition the floor answers")
    source = templates(config)["connecting"]
    actions = [
        {"Type": "PlayAudio", "Parameters": {"CallId": legs["LEG-A"][0], "AudioSource": source}},
        bridge(attributes["sma"], number, config),
    ]
    return answer(actions, attributes, {"phase": "connecting", "other": number})


def bridged(legs: dict[str, Leg], attributes: dict[str, str], config: Any, sequence: Any) -> Answer:
    if not config.auto_start:
        raise NotAnsweredError("recording on demand: not a transition the floor answers")
    leg_a, leg_b = legs["LEG-A"][0], legs["LEG-B"][0]
    outbound = attributes.get("dir") == "outbound"
    own = attributes.get("own", "")
    call_owner = CallOwner.decode(own)
    if outbound and call_owner is not None:
        own = call_owner.with_(bridged_at=int(_epoch(utc_now_iso()))).encode()
    built = templates(config)
    actions: list[Answer] = []
    owner_leg = legs["LEG-A" if outbound else "LEG-B"]
    if owner_leg[1]:  # the control digits are armed on the owner's leg while it is connected
        listen = {"CallId": owner_leg[0], **built["listen"]}
        actions.append({"Type": "ReceiveDigits", "Parameters": listen})
    if outbound:
        consent = {"CallId": leg_b, "AudioSource": built["consent"]}
        actions.append({"Type": "PlayAudio", "Parameters": consent})
    start = {"CallId": leg_a, "Track": "BOTH", "Destination": built["destination"]}
    actions.append({"Type": "StartCallRecording", "Parameters": start})
    asked_in = sequence if isinstance(sequence, int) and sequence else ""
    changes = {"phase": "bridged", "recleg": leg_a, "pending": f"start|auto|{asked_in}"}
    changes["own"] = own
    return answer(actions, attributes, changes)


def recording_started(
    transaction_id: str, attributes: dict[str, str], data: dict[str, Any]
) -> Answer:
    head, queue, _ = attributes.get("pending", "").partition(";")
    command, encoded, rest = head.partition("|")
    if command != "start" or not encoded or queue:  # a queue, or an earlier version's value
        raise NotAnsweredError("not a transition the floor answers")
    by, _, asked_in = rest.partition("|")
    sequence = int(asked_in) if asked_in.isdigit() else 0  # as Request.decode reads it
    now = utc_now_iso()
    destination = data.get("CallRecordingDestination")
    location = (destination.get("Location") or "") if type(destination) is dict else ""
    bucket, _, key = str(location).partition("/")
    values: dict[str, Any] = {"recording_state": "recording"}
    if bucket and key:
        values.update(
            recording_location=f"s3://{bucket}/{key}", recording_bucket=bucket, recording_key=key
        )
    if attributes.get("other"):
        values["other_number"] = attributes["other"]
    entry = {"at": now, "state": "recording", "by": by or "api", "command": command}
    entry["result"] = "ACTION_SUCCESSFUL"
    if sequence:
        entry["requested_in_event"] = str(sequence)
    write(transaction_id, values, {"recording_events": [entry]})
    return answer([], attributes, {"rec": "recording", "pending": ""})


def hangup(
    transaction_id: str, legs: dict[str, Leg], attributes: dict[str, str], config: Any
) -> Answer:
    phase = attributes.get("phase")
    if attributes.get("pending") or phase in ("new", "ended"):
        raise NotAnsweredError("not a transition the floor answers")
    if phase == "bridged" and attributes["rec"] == "not_started" and config.auto_start:
        # sma_handler takes the automatic start as in flight (an earlier version's call) and
        # notes that it is dropped
        raise NotAnsweredError("not a transition the floor answers")
    actions = [
        {"Type": "Hangup", "Parameters": {"CallId": legs[tag][0], "SipResponseCode": "0"}}
        for tag in ("LEG-B", "LEG-A")  # LEG-A, the transaction's leg, last
        if tag in legs and legs[tag][1]
    ]
    if actions:
        return answer(actions, attributes, {"phase": "ending"})
    now = utc_now_iso()
    values: dict[str, Any] = {"ended_at": now}
    if attributes.get("other"):
        values["other_number"] = attributes["other"]
    after = {"phase": "ended"}
    appends: dict[str, list[Any]] = {}
    if attributes.get("rec") in ("recording", "paused"):
        after["rec"] = values["recording_state"] = "stopped"
        entry = {"at": now, "state": "stopped", "by": "hangup", "result": "HANGUP"}
        appends["recording_events"] = [entry]
    own = attributes.get("own", "")
    call_owner = CallOwner.decode(own)
    talk = 0
    if call_owner is not None and call_owner.bridged_at:
        talk = max(0, round(_epoch(now)) - call_owner.bridged_at)
    write(transaction_id, values, appends)
    owner_effects.apply(transaction_id, own, (), talk)  # the owner's minutes, as the handler
    return answer([], attributes, after)
