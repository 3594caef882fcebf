"""The scenario format of ``callrec simulate`` (YAML or JSON), parsed into validated dataclasses.

A scenario scripts one call through the SIP media application. Every field, with its default::

    name: owner-dial-out                 # required; letters, digits, '-' and '_'
    description: free text
    owner: "+15555550100"                # OWNER_PHONE_NUMBER of the handler; required unless
                                         #   owners: is given (then: the dialled number's owner)
    owners:                              # an owner directory instead (chalicelib.owners)
      alice:                             #   owner id
        numbers: ["+15555550100"]        #   the owner's own phones (required)
        sma_number: "+15555550199"       #   their SMA number (required)
        pin: "4821"                      #   dial-out PIN (hashed into the directory)
        allowed_prefixes: ["+1"]         #   default: the owner's country code
        daily_call_limit: 50             #   dial-outs a day (default 50)
        daily_minute_limit: 240          #   minutes a day (default 240)
        calls_today: 0                   #   dial-outs already counted today (default 0)
    sma_number: "+15555550199"           # required: the SMA's phone number (To of LEG-A)
    caller: "+15555550100"               # required: who dials the SMA (From of LEG-A).
                                         #   caller == owner -> outbound (owner dials out)
    callee:                              # who the SMA bridges to: the number the owner dials,
      number: "+15555550123"             #   or (inbound) the owner; required
      answer: answer                     # answer | no-answer | busy        (default answer)
      answer_after: 3                    # seconds of ringing before answering (default 3)
    env: {RECORDING_AUTO_START: "true"}  # extra environment for the handler (strings)
    timeline:                            # what the parties and the API do, in time order
      - at: 1                            # seconds from the start of the call (>= 0)
        party: caller                    # caller | callee | owner | other
        dtmf: "5555550123#"              # keys pressed (0-9 * #)
      - at: 40
        api: {recording: pause}          # UpdateSipMediaApplicationCall Arguments (strings)
      - at: 60
        party: callee
        hangup: true                     # that party hangs up
    failures:                            # injected by the simulated Chime side
      - action: StartCallRecording       # the action type that fails ...
        occurrence: 1                    # ... the n-th time it is run (default 1)
        error_type: NoAccessToDestination
        error_message: Error while accessing destination
      - reject_response_to: 3            # Chime refuses the handler's answer to event #3
        error_type: ActionNotAllowed     #   (sends INVALID_LAMBDA_RESPONSE instead)
        error_message: Action Type is not allowed
    utterances:                          # reserved for the offline stack (speech to record);
      - {party: callee, at: 12, text: "Hello?", clip: optional/path.wav}   # accepted, ignored here
    expect:                              # assertions; a failed one makes the command exit 1
      direction: outbound                # from the first TransactionAttributes with a direction
      caller_id: "+15555550199"          # CallerIdNumber of every CallAndBridge
      recording_started: {leg: LEG-A, track: BOTH}   # leg: LEG-A|LEG-B|caller|callee|owner|other
      recording_not_started: true        # no recording ever started
      final_recording_state: stopped     # not_started | recording | paused | stopped | failed
      final_phase: ended                 # phase in the last TransactionAttributes
      phases: [collecting, connecting, bridged, ended]      # seen in this order (gaps allowed)
      actions_include: [PlayAudioAndGetDigits, CallAndBridge, StartCallRecording]   # in order
      actions_exclude: [PauseCallRecording]                 # never returned
      events_include: [DIGITS_RECEIVED]  # invocation event types sent, in order
      prompts_include: [consent.wav]     # prompt keys played (any order)
      all_legs_disconnected: true        # nobody left on the line at the end
      record: {recording_state: stopped} # call record attributes (when call records are on)
      notes_include: [refused]           # substrings of the call record's notes (records on)

Unknown keys are errors, so a typo never silently weakens a scenario.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from chalicelib.errors import CallRecError

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
NAME = re.compile(r"^[A-Za-z0-9_-]+$")
DTMF = re.compile(r"^[0-9*#]+$")
_E = TypeVar("_E", bound=StrEnum)


class ScenarioError(CallRecError):
    """A scenario file is unreadable or does not follow the schema; the message names the field."""

    code = "InvalidScenario"


class Answer(StrEnum):
    ANSWER = "answer"
    NO_ANSWER = "no-answer"
    BUSY = "busy"


class PartyName(StrEnum):
    CALLER = "caller"
    CALLEE = "callee"
    OWNER = "owner"
    OTHER = "other"


class EntryKind(StrEnum):
    DTMF = "dtmf"
    HANGUP = "hangup"
    API = "api"


@dataclass(frozen=True)
class Callee:
    number: str
    answer: Answer = Answer.ANSWER
    answer_after: float = 3.0


@dataclass(frozen=True)
class TimelineEntry:
    at: float
    kind: EntryKind
    party: PartyName | None = None
    digits: str = ""
    arguments: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ActionFailure:
    action: str
    error_type: str
    error_message: str
    occurrence: int = 1


@dataclass(frozen=True)
class ResponseRejection:
    sequence: int
    error_type: str
    error_message: str


@dataclass(frozen=True)
class Utterance:
    """Reserved for the offline stack: speech a party says (text, or a clip to play)."""

    party: PartyName
    at: float
    text: str
    clip: str = ""


@dataclass(frozen=True)
class ScenarioOwner:
    """An owner of the scenario's directory (``owners:``)."""

    owner_id: str
    numbers: tuple[str, ...]
    sma_number: str
    pin: str = ""
    allowed_prefixes: tuple[str, ...] = ()
    daily_call_limit: int = 50
    daily_minute_limit: int = 240
    calls_today: int = 0


@dataclass(frozen=True)
class RecordingExpectation:
    leg: str  # LEG-A / LEG-B or a party name
    track: str = "BOTH"


@dataclass(frozen=True)
class Expectations:
    direction: str | None = None
    caller_id: str | None = None
    recording_started: RecordingExpectation | None = None
    recording_not_started: bool = False
    final_recording_state: str | None = None
    final_phase: str | None = None
    phases: tuple[str, ...] = ()
    actions_include: tuple[str, ...] = ()
    actions_exclude: tuple[str, ...] = ()
    events_include: tuple[str, ...] = ()
    prompts_include: tuple[str, ...] = ()
    all_legs_disconnected: bool | None = None
    record: Mapping[str, Any] = field(default_factory=dict)
    notes_include: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scenario:
    name: str
    owner: str
    sma_number: str
    caller: str
    callee: Callee
    description: str = ""
    env: Mapping[str, str] = field(default_factory=dict)
    timeline: tuple[TimelineEntry, ...] = ()
    failures: tuple[ActionFailure, ...] = ()
    rejections: tuple[ResponseRejection, ...] = ()
    utterances: tuple[Utterance, ...] = ()
    expect: Expectations = field(default_factory=Expectations)
    owners: tuple[ScenarioOwner, ...] = ()

    @property
    def outbound(self) -> bool:
        return self.caller == self.owner


# --- parsing -------------------------------------------------------------------------------------

TOP_KEYS = {
    "name",
    "owners",
    "description",
    "owner",
    "sma_number",
    "caller",
    "callee",
    "env",
    "timeline",
    "failures",
    "utterances",
    "expect",
}


def load(path: str | Path) -> Scenario:
    """Read a scenario from a .yaml/.yml/.json file."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioError(
            f"cannot read scenario {file}: {error.strerror}", hint="check the path"
        ) from error
    return loads(text, source=str(file), json_only=file.suffix.lower() == ".json")


def loads(text: str, *, source: str = "<scenario>", json_only: bool = False) -> Scenario:
    if json_only:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ScenarioError(f"{source}: not valid JSON: {error}") from error
    else:
        import yaml  # YAML is a superset of JSON: one parser reads both

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise ScenarioError(f"{source}: not valid YAML: {error}") from error
    return parse(data, source=source)


def parse(data: Any, *, source: str = "<scenario>") -> Scenario:
    """Validate a decoded scenario document; errors name the offending field."""
    doc = _mapping(data, source, "scenario")
    _no_unknown(doc, TOP_KEYS, source, "scenario")
    name = _string(doc, "name", source, required=True)
    if not NAME.match(name):
        raise ScenarioError(f"{source}: name {name!r} may only hold letters, digits, '-' and '_'")
    callee_doc = _mapping(doc.get("callee"), source, "callee")
    _no_unknown(callee_doc, {"number", "answer", "answer_after"}, source, "callee")
    callee = Callee(
        number=_phone(callee_doc, "number", source, "callee.number"),
        answer=_enum(Answer, callee_doc.get("answer", "answer"), source, "callee.answer"),
        answer_after=_seconds(callee_doc.get("answer_after", 3), source, "callee.answer_after"),
    )
    env = _mapping(doc.get("env", {}), source, "env")
    failures, rejections = _failures(doc.get("failures", []), source)
    owners = _owners(doc.get("owners", {}), source)
    owner = _phone(doc, "owner", source, "owner") if not owners or "owner" in doc else ""
    sma_number = _phone(doc, "sma_number", source, "sma_number")
    return Scenario(
        name=name,
        description=str(doc.get("description") or ""),
        owner=owner or _owner_number(owners, sma_number),
        owners=owners,
        sma_number=sma_number,
        caller=_phone(doc, "caller", source, "caller"),
        callee=callee,
        env={str(k): _env_value(v, source, f"env.{k}") for k, v in env.items()},
        timeline=_timeline(doc.get("timeline", []), source),
        failures=failures,
        rejections=rejections,
        utterances=_utterances(doc.get("utterances", []), source),
        expect=_expectations(doc.get("expect", {}), source),
    )


OWNER_KEYS = {
    "numbers",
    "sma_number",
    "pin",
    "allowed_prefixes",
    "daily_call_limit",
    "daily_minute_limit",
    "calls_today",
}


def _owners(raw: Any, source: str) -> tuple[ScenarioOwner, ...]:
    owners = []
    for owner_id, item in _mapping(raw, source, "owners").items():
        where = f"owners.{owner_id}"
        doc = _mapping(item, source, where)
        _no_unknown(doc, OWNER_KEYS, source, where)
        numbers = _list(doc.get("numbers"), source, f"{where}.numbers")
        pin = str(doc.get("pin", ""))
        if pin and not re.fullmatch(r"[0-9]{4,12}", pin):
            raise ScenarioError(f"{source}: {where}.pin must be 4-12 digits (quote it in YAML)")
        owners.append(
            ScenarioOwner(
                owner_id=str(owner_id),
                numbers=tuple(_phone({"n": n}, "n", source, f"{where}.numbers") for n in numbers),
                sma_number=_phone(doc, "sma_number", source, f"{where}.sma_number"),
                pin=pin,
                allowed_prefixes=tuple(
                    str(p) for p in _list(doc.get("allowed_prefixes", []), source, where)
                ),
                daily_call_limit=_count(doc.get("daily_call_limit", 50), source, where),
                daily_minute_limit=_count(doc.get("daily_minute_limit", 240), source, where),
                calls_today=_count(doc.get("calls_today", 0), source, where),
            )
        )
    return tuple(owners)


def _owner_number(owners: tuple[ScenarioOwner, ...], sma_number: str) -> str:
    """With ``owners:`` and no ``owner:``, the first number of the dialled number's owner (''
    when the number is unassigned)."""
    found = next((o for o in owners if o.sma_number == sma_number), None)
    return found.numbers[0] if found else ""


def _count(value: Any, source: str, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ScenarioError(f"{source}: {label}: counts must be whole numbers >= 0, got {value!r}")
    return value


def _timeline(raw: Any, source: str) -> tuple[TimelineEntry, ...]:
    entries = []
    for i, item in enumerate(_list(raw, source, "timeline")):
        where = f"timeline[{i}]"
        doc = _mapping(item, source, where)
        _no_unknown(doc, {"at", "party", "dtmf", "hangup", "api"}, source, where)
        kinds = [k for k in ("dtmf", "hangup", "api") if k in doc]
        if len(kinds) != 1:
            raise ScenarioError(f"{source}: {where} needs exactly one of dtmf, hangup, api")
        at = _seconds(doc.get("at"), source, f"{where}.at")
        kind = EntryKind(kinds[0])
        if kind is EntryKind.API:
            args = _mapping(doc["api"], source, f"{where}.api")
            if "party" in doc:
                raise ScenarioError(f"{source}: {where}.party makes no sense for an api entry")
            entries.append(
                TimelineEntry(at, kind, arguments={str(k): str(v) for k, v in args.items()})
            )
            continue
        party = _enum(PartyName, doc.get("party"), source, f"{where}.party")
        if kind is EntryKind.DTMF:
            digits = str(doc["dtmf"])
            if not DTMF.match(digits):
                raise ScenarioError(f"{source}: {where}.dtmf {digits!r} may only hold 0-9, * and #")
            entries.append(TimelineEntry(at, kind, party, digits=digits))
        else:
            if doc["hangup"] is not True:
                raise ScenarioError(f"{source}: {where}.hangup must be true")
            entries.append(TimelineEntry(at, kind, party))
    return tuple(sorted(entries, key=lambda e: e.at))


def _failures(
    raw: Any, source: str
) -> tuple[tuple[ActionFailure, ...], tuple[ResponseRejection, ...]]:
    failures, rejections = [], []
    for i, item in enumerate(_list(raw, source, "failures")):
        where = f"failures[{i}]"
        doc = _mapping(item, source, where)
        error_type = _string(doc, "error_type", source, required=True, where=where)
        message = _string(doc, "error_message", source, where=where) or error_type
        if "reject_response_to" in doc:
            _no_unknown(doc, {"reject_response_to", "error_type", "error_message"}, source, where)
            seq = _positive_int(doc["reject_response_to"], source, f"{where}.reject_response_to")
            rejections.append(ResponseRejection(seq, error_type, message))
            continue
        _no_unknown(doc, {"action", "occurrence", "error_type", "error_message"}, source, where)
        action = _string(doc, "action", source, required=True, where=where)
        occurrence = _positive_int(doc.get("occurrence", 1), source, f"{where}.occurrence")
        failures.append(ActionFailure(action, error_type, message, occurrence))
    return tuple(failures), tuple(rejections)


def _utterances(raw: Any, source: str) -> tuple[Utterance, ...]:
    result = []
    for i, item in enumerate(_list(raw, source, "utterances")):
        where = f"utterances[{i}]"
        doc = _mapping(item, source, where)
        _no_unknown(doc, {"party", "at", "after", "text", "clip"}, source, where)
        at = _seconds(doc.get("at", doc.get("after", 0)), source, f"{where}.at")
        result.append(
            Utterance(
                party=_enum(PartyName, doc.get("party"), source, f"{where}.party"),
                at=at,
                text=_string(doc, "text", source, required=True, where=where),
                clip=str(doc.get("clip") or ""),
            )
        )
    return tuple(result)


EXPECT_KEYS = {
    "direction",
    "caller_id",
    "recording_started",
    "recording_not_started",
    "final_recording_state",
    "final_phase",
    "phases",
    "actions_include",
    "actions_exclude",
    "events_include",
    "prompts_include",
    "all_legs_disconnected",
    "record",
    "notes_include",
}


def _expectations(raw: Any, source: str) -> Expectations:
    doc = _mapping(raw, source, "expect")
    _no_unknown(doc, EXPECT_KEYS, source, "expect")
    started = None
    if "recording_started" in doc:
        rs = _mapping(doc["recording_started"], source, "expect.recording_started")
        _no_unknown(rs, {"leg", "track"}, source, "expect.recording_started")
        leg = _string(rs, "leg", source, required=True, where="expect.recording_started")
        allowed = {"LEG-A", "LEG-B", *(p.value for p in PartyName)}
        if leg not in allowed:
            raise ScenarioError(
                f"{source}: expect.recording_started.leg {leg!r} is not one of {sorted(allowed)}"
            )
        started = RecordingExpectation(leg, str(rs.get("track", "BOTH")))

    def strings(key: str) -> tuple[str, ...]:
        return tuple(str(v) for v in _list(doc.get(key, []), source, f"expect.{key}"))

    def optional_bool(key: str) -> bool | None:
        value = doc.get(key)
        if value is not None and not isinstance(value, bool):
            raise ScenarioError(f"{source}: expect.{key} must be true or false")
        return value

    return Expectations(
        direction=_opt_str(doc.get("direction")),
        caller_id=_opt_str(doc.get("caller_id")),
        recording_started=started,
        recording_not_started=bool(optional_bool("recording_not_started")),
        final_recording_state=_opt_str(doc.get("final_recording_state")),
        final_phase=_opt_str(doc.get("final_phase")),
        phases=strings("phases"),
        actions_include=strings("actions_include"),
        actions_exclude=strings("actions_exclude"),
        events_include=strings("events_include"),
        prompts_include=strings("prompts_include"),
        all_legs_disconnected=optional_bool("all_legs_disconnected"),
        record=dict(_mapping(doc.get("record", {}), source, "expect.record")),
        notes_include=strings("notes_include"),
    )


# --- small validators ----------------------------------------------------------------------------


def _mapping(value: Any, source: str, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        got = "nothing" if value is None else type(value).__name__
        raise ScenarioError(f"{source}: {where} must be a mapping, got {got}")
    return value


def _list(value: Any, source: str, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ScenarioError(f"{source}: {where} must be a list, got {type(value).__name__}")
    return value


def _no_unknown(doc: Mapping[str, Any], allowed: set[str], source: str, where: str) -> None:
    unknown = sorted(set(map(str, doc)) - allowed)
    if unknown:
        raise ScenarioError(
            f"{source}: {where} has unknown field(s) {', '.join(unknown)}",
            hint="allowed: " + ", ".join(sorted(allowed)),
        )


def _string(
    doc: Mapping[str, Any], key: str, source: str, *, required: bool = False, where: str = ""
) -> str:
    label = f"{where}.{key}" if where else key
    value = doc.get(key)
    if value is None or value == "":
        if required:
            raise ScenarioError(f"{source}: {label} is required")
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ScenarioError(f"{source}: {label} must be a string")
    return str(value)


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _phone(doc: Mapping[str, Any], key: str, source: str, label: str) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or not E164.match(value):
        raise ScenarioError(
            f"{source}: {label} {value!r} is not an E.164 number",
            hint='quote it in YAML, e.g. "+15555550100"',
        )
    return value


def _seconds(value: Any, source: str, label: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ScenarioError(f"{source}: {label} must be a number of seconds >= 0, got {value!r}")
    return float(value)


def _positive_int(value: Any, source: str, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ScenarioError(f"{source}: {label} must be a whole number >= 1, got {value!r}")
    return value


def _env_value(value: Any, source: str, label: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, str | int):
        raise ScenarioError(f"{source}: {label} must be a string")
    return str(value)


def _enum(kind: type[_E], value: Any, source: str, label: str) -> _E:
    try:
        return kind(str(value))
    except ValueError as error:
        allowed = ", ".join(m.value for m in kind)
        raise ScenarioError(f"{source}: {label} {value!r} is not one of {allowed}") from error
