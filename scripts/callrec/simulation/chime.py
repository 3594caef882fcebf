"""The simulated Chime side of a call: it builds the invocation events the SIP media application
would send, invokes the handler, carries out the returned actions through an
:class:`~callrec.simulation.executor.ActionExecutor`, and records every step.

What it reproduces from the developer guide: ``Sequence`` increments per invocation;
``CallDetails`` carries ``TransactionId``, the ``TransactionAttributes`` last returned and the
participants (LEG-A the call into the SMA, LEG-B the leg ``CallAndBridge`` creates) with their
``Status``; a list of actions runs in order and reports ``ACTION_SUCCESSFUL`` with the
``ActionData`` of the last action, or ``ACTION_FAILED`` for the first that fails (the rest are
dropped); a ``StartCallRecording`` failure reports ``Error`` ("Type: message"), the others
``ErrorType`` and ``ErrorMessage``; an ``UpdateSipMediaApplicationCall`` while an action runs
invokes the handler with ``CALL_UPDATE_REQUESTED`` (``Arguments``) and its actions replace the
rest of the list: an interruptible action (``PlayAudio``, ``RecordAudio``, ``Pause``) is cut short
and reported with an informational ``ACTION_INTERRUPTED`` whose answer is ignored, any other
finishes first; a ``Hangup`` is reported at once with ``HANGUP`` for that leg; DTMF reaches the
handler only through ``PlayAudioAndGetDigits`` or an armed ``ReceiveDigits`` on that party's
leg; a response that breaks the action schema comes back as ``INVALID_LAMBDA_RESPONSE``.
"""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from callrec.simulation.executor import (
    ActionExecutor,
    ActionResult,
    Digits,
    Happening,
    LegInfo,
    epoch,
)
from callrec.simulation.scenario import EntryKind, PartyName, Scenario, TimelineEntry
from callrec.simulation.validation import response_problems
from chalicelib.errors import CallRecError

Invoke = Callable[[dict[str, Any]], Any]

MAX_INVOCATIONS = 200
# Only StartCallRecording's failure is documented with one "Error": "Type: message" field; every
# other ACTION_FAILED carries ErrorType and ErrorMessage ("Understanding telephony events").
ERROR_FIELD_ACTIONS = {"StartCallRecording"}
START_MS = 1_700_000_000_000
# "Updating in-progress calls": the only actions an update cuts short.
INTERRUPTIBLE_ACTIONS = {"PlayAudio", "RecordAudio", "Pause"}


def call_id_for(transaction_id: str, leg_tag: str) -> str:
    """The call id of a leg: a UUID, as Chime's, when the transaction id is one (the offline
    stack's calls), else a readable name derived from it (``sim-NAME-leg-a``) for scenarios."""
    try:
        namespace = uuid.UUID(transaction_id)
    except ValueError:
        return f"{transaction_id}-{leg_tag.lower()}"
    return str(uuid.uuid5(namespace, leg_tag))


ACCOUNT = "111122223333"


class SimulationError(CallRecError):
    """The simulated call could not run to its end (the handler loops, or never answers)."""

    code = "SimulationFailed"


@dataclass
class Step:
    """One invocation: the event sent, the handler's response, and what Chime then did."""

    at: float
    event: dict[str, Any]
    response: Any
    happenings: list[str] = field(default_factory=list)

    @property
    def sequence(self) -> int:
        return int(self.event.get("Sequence", 0))

    @property
    def event_type(self) -> str:
        return str(self.event.get("InvocationEventType"))

    @property
    def actions(self) -> list[dict[str, Any]]:
        if isinstance(self.response, Mapping) and isinstance(self.response.get("Actions"), list):
            return [a for a in self.response["Actions"] if isinstance(a, dict)]
        return []


@dataclass(frozen=True)
class Recording:
    call_id: str
    leg: str
    track: str
    location: str


@dataclass
class Transcript:
    scenario: Scenario
    transaction_id: str
    steps: list[Step] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    recordings: list[Recording] = field(default_factory=list)
    legs: list[LegInfo] = field(default_factory=list)
    attributes_history: list[dict[str, str]] = field(default_factory=list)
    call_record: dict[str, Any] | None = None

    @property
    def final_attributes(self) -> dict[str, str]:
        return self.attributes_history[-1] if self.attributes_history else {}


@dataclass
class _Leg:
    call_id: str
    tag: str
    to_number: str
    from_number: str
    direction: str
    start_ms: int
    connected: bool = True

    def info(self) -> LegInfo:
        return LegInfo(
            self.call_id,
            self.tag,
            self.to_number,
            self.from_number,
            self.direction,
            self.connected,
            self.start_ms,
        )

    def participant(self) -> dict[str, Any]:
        return {
            "CallId": self.call_id,
            "ParticipantTag": self.tag,
            "To": self.to_number,
            "From": self.from_number,
            "Direction": self.direction,
            "StartTimeInMilliseconds": str(self.start_ms),
            "Status": "Connected" if self.connected else "Disconnected",
        }


class ChimeSimulator:
    """Runs one scenario against ``invoke`` (the SMA handler, or anything answering like it)."""

    def __init__(
        self,
        scenario: Scenario,
        invoke: Invoke,
        executor: ActionExecutor | None = None,
        *,
        transaction_id: str | None = None,
        start_ms: int = START_MS,
    ) -> None:
        self._scenario = scenario
        self.invoke = invoke
        self.executor = executor or ActionExecutor()
        self._transaction_id = transaction_id or f"sim-{scenario.name}"
        self.start_ms = start_ms
        self.clock = 0.0
        self.sequence = 0
        self.attributes: dict[str, str] = {}
        self.legs: list[_Leg] = [
            _Leg(
                call_id_for(self._transaction_id, "LEG-A"),
                "LEG-A",
                scenario.sma_number,
                scenario.caller,
                "Inbound",
                start_ms,
            )
        ]
        self.pending: list[TimelineEntry] = list(scenario.timeline)
        self.armed: dict[str, dict[str, Any]] = {}
        self.runs: dict[str, int] = {}
        self.transcript = Transcript(scenario, self._transaction_id)

    # --- CallControl ---------------------------------------------------------------------------

    @property
    def now(self) -> float:
        return self.clock

    @property
    def scenario(self) -> Scenario:
        return self._scenario

    @property
    def transaction_id(self) -> str:
        return self._transaction_id

    def wall_clock(self, at: float) -> datetime:
        return epoch(self.start_ms) + timedelta(seconds=at)

    def leg_by_call_id(self, call_id: str) -> LegInfo | None:
        leg = next((g for g in self.legs if g.call_id == call_id), None)
        return leg.info() if leg else None

    def leg_by_tag(self, tag: str) -> LegInfo | None:
        leg = next((g for g in self.legs if g.tag == tag), None)
        return leg.info() if leg else None

    def take_digits(self, call_id: str, until: float) -> Digits | None:
        for entry in self.pending:
            if entry.at > until:
                return None
            if entry.kind is EntryKind.DTMF and self._call_id_of(entry.party) == call_id:
                self.pending.remove(entry)
                return Digits(entry.at, entry.digits)
        return None

    def connect_leg_b(self, to_number: str, from_number: str) -> LegInfo:
        self.legs = [g for g in self.legs if g.tag != "LEG-B"]
        leg = _Leg(
            call_id_for(self._transaction_id, "LEG-B"),
            "LEG-B",
            to_number,
            from_number,
            "Outbound",
            self.start_ms + int(self.clock * 1000),
        )
        self.legs.append(leg)
        return leg.info()

    def disconnect(self, call_id: str) -> None:
        for leg in self.legs:
            if leg.call_id == call_id:
                leg.connected = False
        self.armed.pop(call_id, None)

    def arm_digits(self, call_id: str, parameters: Mapping[str, Any]) -> None:
        self.armed[call_id] = dict(parameters)

    # --- the run -------------------------------------------------------------------------------

    def run(self) -> Transcript:
        response = self._send("NEW_INBOUND_CALL", None)
        for _ in range(MAX_INVOCATIONS):
            if not any(g.connected for g in self.legs):
                break
            actions = _actions(response)
            if actions:
                response = self._execute(actions)
                continue
            entry = self._next_entry()
            if entry is None:
                caller = self.legs[0]
                self.transcript.notes.append(
                    f"{self.clock:.1f} s: end of the timeline; the caller hangs up"
                )
                self.disconnect(caller.call_id)
                response = self._send("HANGUP", _hangup_data(caller, "0"))
                continue
            response = self._deliver(entry)
        else:
            raise SimulationError(
                f"scenario {self._scenario.name}: still going after {MAX_INVOCATIONS} invocations",
                hint="the handler keeps answering with actions that never end the call",
            )
        for entry in self.pending:
            self.transcript.notes.append(
                f"{entry.at:.1f} s: {entry.kind.value} by {entry.party or 'api'} not delivered"
                " (the call was over)"
            )
        self.transcript.legs = [g.info() for g in self.legs]
        return self.transcript

    def _next_entry(self) -> TimelineEntry | None:
        if not self.pending:
            return None
        entry = self.pending.pop(0)
        self.clock = max(self.clock, entry.at)
        return entry

    def _deliver(self, entry: TimelineEntry) -> Any:
        """A timeline entry while no action runs."""
        if entry.kind is EntryKind.API:
            data = {"Type": "CallUpdateRequest", "Parameters": {"Arguments": dict(entry.arguments)}}
            return self._send("CALL_UPDATE_REQUESTED", data)
        call_id = self._call_id_of(entry.party)
        leg = next((g for g in self.legs if g.call_id == call_id and g.connected), None)
        if leg is None:
            self.transcript.notes.append(
                f"{entry.at:.1f} s: {entry.party} is not on the call; {entry.kind.value} ignored"
            )
            return None
        if entry.kind is EntryKind.HANGUP:
            self.disconnect(leg.call_id)
            return self._send("HANGUP", _hangup_data(leg, "0"))
        armed = self.armed.get(leg.call_id)
        if armed is None:
            self.transcript.notes.append(
                f"{entry.at:.1f} s: DTMF {entry.digits!r} from {entry.party} on {leg.tag}: "
                "no ReceiveDigits armed on that leg, ignored"
            )
            return None
        if not re.search(str(armed.get("InputDigitsRegex", "")), entry.digits):
            self.transcript.notes.append(
                f"{entry.at:.1f} s: DTMF {entry.digits!r} on {leg.tag} does not match "
                f"{armed.get('InputDigitsRegex')}, ignored"
            )
            return None
        data = {"Type": "ReceiveDigits", "Parameters": armed, "ReceivedDigits": entry.digits}
        return self._send("DIGITS_RECEIVED", data)

    def _execute(self, actions: list[dict[str, Any]]) -> Any:
        """Run a list of actions in order; return the handler's answer to the resulting event."""
        happenings = self.transcript.steps[-1].happenings
        last: tuple[dict[str, Any], ActionResult] | None = None
        for index, action in enumerate(actions):
            action_type = str(action.get("Type"))
            params = action.get("Parameters") or {}
            self.runs[action_type] = self.runs.get(action_type, 0) + 1
            result = self._injected(action_type) or self.executor.run(action_type, params, self)
            interruption = self._interruption(result.duration, happenings)
            if interruption is not None and interruption.kind is EntryKind.HANGUP:
                return self._interrupt(interruption, action, happenings)
            answer = None
            if interruption is not None:
                answer = self._invoked_during(interruption, action, happenings)
                if _cuts_short(interruption, action_type, answer):
                    # Informational only: the SIP media application ignores its answer.
                    self._send("ACTION_INTERRUPTED", copy.deepcopy(action))
                    _note_dropped(happenings, self.clock, actions[index + 1 :])
                    return answer
            ended = self._finish(action, result, happenings)
            if ended is not None:
                return ended
            last = (action, result)
            if _actions(answer):
                happenings.append(
                    f"{self.clock:6.1f} s  {action_type} (not interruptible) done; the answer's"
                    " actions replace the rest of the list"
                )
                _note_dropped(happenings, self.clock, actions[index + 1 :])
                return answer
        assert last is not None
        action, result = last
        data = copy.deepcopy(action)
        data.update(result.data)
        return self._send("ACTION_SUCCESSFUL", data)

    def _finish(
        self, action: dict[str, Any], result: ActionResult, happenings: list[str]
    ) -> Any | None:
        """The action ran to its end: the answer to the event it causes, or None to go on."""
        action_type = str(action.get("Type"))
        params = action.get("Parameters") or {}
        began = self.clock
        self.clock += result.duration
        happenings.extend(_stamped(began, self.clock, h) for h in result.happenings)
        if not result.ok:
            happenings.append(f"{self.clock:6.1f} s  {action_type} failed: {result.error_type}")
            return self._send("ACTION_FAILED", _failure_data(action, result))
        if action_type == "Hangup":
            # "Hangup": the leg is disconnected, then the handler gets HANGUP for that leg,
            # and what it answers runs next (with no leg left, the answer is ignored).
            hung_up = next(
                (g for g in self.legs if g.call_id == self._target_call_id(params)), None
            )
            if hung_up is not None:
                code = str(params.get("SipResponseCode", "0"))
                return self._send("HANGUP", _hangup_data(hung_up, code))
        if action_type == "StartCallRecording":
            self._note_recording(params, result)
        return None

    def _invoked_during(
        self, entry: TimelineEntry, action: dict[str, Any], happenings: list[str]
    ) -> Any:
        if entry.kind is EntryKind.API:
            return self._update_during(entry, action, happenings)
        return self._digits_during(entry, action, happenings)

    def _digits_during(
        self, entry: TimelineEntry, action: dict[str, Any], happenings: list[str]
    ) -> Any:
        """DTMF matching the armed ReceiveDigits while ``action`` runs: Chime invokes the handler
        at once ("ReceiveDigits"); the action runs on to its end ("Responding to invocations
        with action lists": the application finishes the current action), then the answer, if
        it has actions, replaces the rest of the list."""
        self.pending.remove(entry)
        started, self.clock = self.clock, max(self.clock, entry.at)
        call_id = self._call_id_of(entry.party)
        tag = next(g.tag for g in self.legs if g.call_id == call_id)
        happenings.append(
            f"{self.clock:6.1f} s  DTMF {entry.digits!r} on {tag} during {action['Type']}"
        )
        armed = self.armed[call_id]
        data = {"Type": "ReceiveDigits", "Parameters": armed, "ReceivedDigits": entry.digits}
        response = self._send("DIGITS_RECEIVED", data)
        self.clock = started
        return response

    def _injected(self, action_type: str) -> ActionResult | None:
        for failure in self._scenario.failures:
            if failure.action == action_type and failure.occurrence == self.runs[action_type]:
                return ActionResult.failed(failure.error_type, failure.error_message)
        return None

    def _interruption(self, duration: float, happenings: list[str]) -> TimelineEntry | None:
        """What reaches the handler while an action of ``duration`` runs: an API update, a
        hangup, or DTMF the armed ReceiveDigits of that party's leg matches. DTMF nothing is
        listening for is discarded at its time ("ReceiveDigits": digits are discarded until a
        ReceiveDigits is armed)."""
        for entry in list(self.pending):
            if entry.at >= self.clock + duration:
                return None
            if entry.kind is EntryKind.API:
                return entry
            if entry.kind is EntryKind.HANGUP and self._party_connected(entry.party):
                return entry
            if entry.kind is EntryKind.DTMF and self._party_connected(entry.party):
                if self._listened_for(entry):
                    return entry
                self.pending.remove(entry)
                happenings.append(
                    f"{max(self.clock, entry.at):6.1f} s  DTMF {entry.digits!r} by {entry.party}:"
                    " no armed ReceiveDigits matches it, discarded"
                )
        return None

    def _listened_for(self, entry: TimelineEntry) -> bool:
        armed = self.armed.get(self._call_id_of(entry.party))
        return armed is not None and bool(
            re.search(str(armed.get("InputDigitsRegex", "")), entry.digits)
        )

    def _interrupt(
        self, entry: TimelineEntry, action: dict[str, Any], happenings: list[str]
    ) -> Any:
        """A party hangs up while ``action`` runs."""
        self.pending.remove(entry)
        self.clock = max(self.clock, entry.at)
        leg = next(g for g in self.legs if g.call_id == self._call_id_of(entry.party))
        happenings.append(f"{self.clock:6.1f} s  {entry.party} hangs up during {action['Type']}")
        if action.get("Type") == "CallAndBridge":
            self.legs = [g for g in self.legs if g.tag == "LEG-A"]
        self.disconnect(leg.call_id)
        return self._send("HANGUP", _hangup_data(leg, "0"))

    def _update_during(
        self, entry: TimelineEntry, action: dict[str, Any], happenings: list[str]
    ) -> Any:
        """``UpdateSipMediaApplicationCall`` while ``action`` runs: the handler is invoked at once
        ("Updating in-progress calls"). The caller decides what its answer does: it cuts an
        interruptible action short, replaces the rest of the list after any other, and an empty
        answer keeps the existing actions ("Responding to invocations with action lists")."""
        self.pending.remove(entry)
        started, self.clock = self.clock, max(self.clock, entry.at)
        happenings.append(f"{self.clock:6.1f} s  API update during {action['Type']}")
        data = {"Type": "CallUpdateRequest", "Parameters": {"Arguments": dict(entry.arguments)}}
        response = self._send("CALL_UPDATE_REQUESTED", data)
        if not (action["Type"] in INTERRUPTIBLE_ACTIONS and _actions(response)):
            self.clock = started  # the action runs on to its end
        return response

    def _note_recording(self, params: Mapping[str, Any], result: ActionResult) -> None:
        call_id = str(params.get("CallId", ""))
        leg = next((g for g in self.legs if g.call_id == call_id), None)
        destination = result.data.get("CallRecordingDestination") or {}
        self.transcript.recordings.append(
            Recording(
                call_id,
                leg.tag if leg else "?",
                str(params.get("Track", "")),
                str(destination.get("Location", "")),
            )
        )

    # --- invocations ---------------------------------------------------------------------------

    def _send(self, event_type: str, action_data: dict[str, Any] | None) -> Any:
        self.sequence += 1
        event: dict[str, Any] = {
            "SchemaVersion": "1.0",
            "Sequence": self.sequence,
            "InvocationEventType": event_type,
        }
        if action_data is not None:
            event["ActionData"] = action_data
        details: dict[str, Any] = {
            "TransactionId": self._transaction_id,
            "AwsAccountId": ACCOUNT,
            "AwsRegion": "us-east-1",
            "SipRuleId": f"sip-rule-{self._scenario.name}",
            "SipMediaApplicationId": f"sma-{self._scenario.name}",
            "Participants": [g.participant() for g in self.legs],
        }
        if self.attributes:
            details["TransactionAttributes"] = dict(self.attributes)
        event["CallDetails"] = details
        response = self.invoke(copy.deepcopy(event))
        step = Step(self.clock, event, response)
        self.transcript.steps.append(step)
        problems = response_problems(response)
        rejection = next(
            (r for r in self._scenario.rejections if r.sequence == self.sequence), None
        )
        if problems or rejection:
            reason = rejection.error_type if rejection else "InvalidResponse"
            message = rejection.error_message if rejection else "; ".join(problems)
            step.happenings.append(f"{self.clock:6.1f} s  response rejected: {reason} {message}")
            if self.sequence >= MAX_INVOCATIONS:
                return None
            return self._send_invalid(reason, message)
        if isinstance(response.get("TransactionAttributes"), Mapping):
            self.attributes = {str(k): str(v) for k, v in response["TransactionAttributes"].items()}
        self.transcript.attributes_history.append(dict(self.attributes))
        return response

    def _send_invalid(self, error_type: str, message: str) -> Any:
        self.sequence += 1
        event = {
            "SchemaVersion": "1.0",
            "Sequence": self.sequence,
            "InvocationEventType": "INVALID_LAMBDA_RESPONSE",
            "CallDetails": {
                "TransactionId": self._transaction_id,
                "AwsAccountId": ACCOUNT,
                "AwsRegion": "us-east-1",
                "SipMediaApplicationId": f"sma-{self._scenario.name}",
                "Participants": [g.participant() for g in self.legs],
                **({"TransactionAttributes": dict(self.attributes)} if self.attributes else {}),
            },
            # "Understanding telephony events": the ActionData holds ErrorType and ErrorMessage.
            "ActionData": {"ErrorType": error_type, "ErrorMessage": message},
        }
        response = self.invoke(copy.deepcopy(event))
        self.transcript.steps.append(Step(self.clock, event, response))
        if response_problems(response):
            raise SimulationError(
                f"scenario {self._scenario.name}: the handler answered INVALID_LAMBDA_RESPONSE "
                "with another invalid response",
                hint="see the last steps of the transcript",
            )
        if isinstance(response.get("TransactionAttributes"), Mapping):
            self.attributes = {str(k): str(v) for k, v in response["TransactionAttributes"].items()}
        self.transcript.attributes_history.append(dict(self.attributes))
        return response

    # --- parties -------------------------------------------------------------------------------

    def _call_id_of(self, party: PartyName | None) -> str:
        tag = self._tag_of(party)
        leg = next((g for g in self.legs if g.tag == tag), None)
        return leg.call_id if leg else ""

    def _tag_of(self, party: PartyName | None) -> str:
        if party is PartyName.OWNER:
            party = PartyName.CALLER if self._scenario.outbound else PartyName.CALLEE
        elif party is PartyName.OTHER:
            party = PartyName.CALLEE if self._scenario.outbound else PartyName.CALLER
        return "LEG-A" if party is PartyName.CALLER else "LEG-B"

    def _party_connected(self, party: PartyName | None) -> bool:
        call_id = self._call_id_of(party)
        return any(g.call_id == call_id and g.connected for g in self.legs)

    def _target_call_id(self, params: Mapping[str, Any]) -> str:
        if params.get("CallId"):
            return str(params["CallId"])
        leg = next((g for g in self.legs if g.tag == params.get("ParticipantTag")), None)
        return leg.call_id if leg else ""

    def tag_of(self, party: str) -> str:
        """LEG-A/LEG-B for a leg tag or party name (used by expectations)."""
        if party in ("LEG-A", "LEG-B"):
            return party
        return self._tag_of(PartyName(party))


def _actions(response: Any) -> list[dict[str, Any]]:
    if isinstance(response, Mapping) and isinstance(response.get("Actions"), list):
        return [a for a in response["Actions"] if isinstance(a, dict)]
    return []


def _cuts_short(entry: TimelineEntry, action_type: str, answer: Any) -> bool:
    """An update's answer with actions cuts an interruptible action short ("Updating
    in-progress calls"); digits never do."""
    return (
        entry.kind is EntryKind.API
        and action_type in INTERRUPTIBLE_ACTIONS
        and bool(_actions(answer))
    )


def _note_dropped(happenings: list[str], at: float, dropped: list[dict[str, Any]]) -> None:
    """The queued actions an answer replaced, which Chime never runs."""
    for action in dropped:
        params = action.get("Parameters") or {}
        detail = (params.get("AudioSource") or {}).get("Key") or params.get("CallId") or ""
        happenings.append(
            f"{at:6.1f} s  dropped (replaced): {action.get('Type')} {detail}".rstrip()
        )


def _stamped(began: float, ended: float, happening: Happening) -> str:
    """A happening with its time: its own (an offset into the action) or the action's end."""
    at, text = (
        (began + happening[0], happening[1]) if isinstance(happening, tuple) else (ended, happening)
    )
    return f"{at:6.1f} s  {text}"


def _hangup_data(leg: _Leg, code: str) -> dict[str, Any]:
    return {
        "Type": "Hangup",
        "Parameters": {"SipResponseCode": code, "CallId": leg.call_id, "ParticipantTag": leg.tag},
    }


def _failure_data(action: dict[str, Any], result: ActionResult) -> dict[str, Any]:
    data = copy.deepcopy(action)
    if action.get("Type") in ERROR_FIELD_ACTIONS:
        data["Error"] = f"{result.error_type}: {result.error_message}"
    else:
        data["ErrorType"] = result.error_type
        data["ErrorMessage"] = result.error_message
    return data
