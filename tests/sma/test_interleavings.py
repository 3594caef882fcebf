"""Property test: random interleavings of API commands, owner digits, action results and hangups
in a bridged call never lose an accepted recording command, and the recording state the call
record ends with is what Chime did and what the commands asked for.

A small model of Chime drives the real handler, with the rules of the developer guide the flow
relies on ("Responding to invocations with action lists", "Updating in-progress calls",
"Specifying actions in response to telephony events"): a non-empty answer replaces the actions
still queued, an empty one keeps them; ReceiveDigits and the recording actions run at once,
PlayAudio takes time; the first action that fails is reported with ACTION_FAILED and the rest of
its list is dropped; a list that runs to its end is reported with ACTION_SUCCESSFUL and the
ActionData of its last action; digits reach the function only when an armed ReceiveDigits
matches them. The model refuses a recording action the recording state does not allow (a second
start, a pause of a paused recording), as Chime would fail it.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.sma import records
from chalicelib.sma.handler import handle
from chalicelib.sma.records import RecordUpdate
from chalicelib.sma.requests import Pending

EVENTS = Path(__file__).resolve().parent.parent / "events" / "sma"
OWNER, SMA, OTHER = "+15555550100", "+15555550199", "+15555550123"
DIGIT_COMMANDS = {"5": "pause", "6": "resume", "7": "stop"}
# What each recording action does to Chime's recording, from which states.
EFFECTS = {
    "StartCallRecording": ({"not_started"}, "recording"),
    "PauseCallRecording": ({"recording"}, "paused"),
    "ResumeCallRecording": ({"paused"}, "recording"),
    "StopCallRecording": ({"recording", "paused"}, "stopped"),
}
REFERENCE = {  # (command, state) -> state, for commands Chime carried out
    ("start", "not_started"): "recording",
    ("start", "failed"): "recording",
    ("pause", "recording"): "paused",
    ("resume", "paused"): "recording",
    ("stop", "recording"): "stopped",
    ("stop", "paused"): "stopped",
}


@dataclass
class Chime:
    """The Chime side of one bridged outbound call (owner on LEG-A, callee on LEG-B)."""

    failures: Iterator[bool]
    sequence: int = 10
    attributes: dict[str, str] = field(default_factory=dict)
    queue: list[dict[str, Any]] = field(default_factory=list)
    last: dict[str, Any] | None = None
    armed: str = ""
    recording: str = "not_started"
    connected: dict[str, bool] = field(default_factory=lambda: {"LEG-A": True, "LEG-B": True})
    record: dict[str, Any] = field(default_factory=lambda: {"notes": [], "recording_events": []})
    accepted: list[tuple[int, str, str]] = field(default_factory=list)  # (sequence, by, command)
    automatic_start: int = 0  # sequence of the bridge event when the recording starts by itself
    invocations: int = 0

    # --- events ----------------------------------------------------------------------------

    def event(self, kind: str, data: dict[str, Any] | None) -> dict[str, Any]:
        self.sequence += 1
        legs = json.loads((EVENTS / "digits_received.json").read_text())["CallDetails"]
        for participant in legs["Participants"]:
            tag = participant["ParticipantTag"]
            participant["Status"] = "Connected" if self.connected[tag] else "Disconnected"
        legs["TransactionAttributes"] = dict(self.attributes)
        event: dict[str, Any] = {
            "SchemaVersion": "1.0",
            "Sequence": self.sequence,
            "InvocationEventType": kind,
            "CallDetails": legs,
        }
        if data is not None:
            event["ActionData"] = data
        return event

    def send(self, kind: str, data: dict[str, Any] | None) -> None:
        self.invocations += 1
        assert self.invocations < 400, "the flow never settles"
        response = handle(self.event(kind, data))
        assert response["SchemaVersion"] == "1.0"
        if "TransactionAttributes" in response:
            self.attributes.update(response["TransactionAttributes"])
        if not any(self.connected.values()):
            return  # "ignores the action if no other Participants show ... Connected"
        if response["Actions"]:
            # "all actions that follow the in-progress action are replaced"
            self.queue, self.last = list(response["Actions"]), None
        self.run()

    # --- running the list --------------------------------------------------------------------

    def run(self) -> None:
        """Run the queued actions that take no time; stop at a PlayAudio (it plays on)."""
        while self.queue and self.queue[0]["Type"] != "PlayAudio":
            action = self.queue.pop(0)
            if not self.execute(action):
                return
        if not self.queue and self.last is not None:
            done, self.last = self.last, None
            self.send("ACTION_SUCCESSFUL", copy.deepcopy(done))

    def execute(self, action: dict[str, Any]) -> bool:
        """Carry out one action; False when it ended the list (failure or hangup)."""
        kind, params = action["Type"], action["Parameters"]
        self.last = action
        if kind == "ReceiveDigits":
            assert params["CallId"] == "call-id-a", "digits armed on the callee's leg"
            self.armed = params["InputDigitsRegex"]
        elif kind in EFFECTS:
            allowed, after = EFFECTS[kind]
            assert self.recording in allowed, f"{kind} sent while Chime is {self.recording}"
            if next(self.failures):
                self.fail(action, "SystemException", "System error while running an action.")
                return False
            self.recording = after
        elif kind == "Hangup":
            tag = "LEG-A" if params["CallId"] == "call-id-a" else "LEG-B"
            self.hang_up(tag)
            return False
        return True

    def fail(self, action: dict[str, Any], error: str, message: str) -> None:
        data = copy.deepcopy(action)
        if action["Type"] == "StartCallRecording":
            data["Error"] = f"{error}: {message}"
        else:
            data.update(ErrorType=error, ErrorMessage=message)
        self.queue, self.last = [], None
        self.send("ACTION_FAILED", data)

    def hang_up(self, tag: str) -> None:
        self.connected[tag] = False
        if not any(self.connected.values()) and self.recording in ("recording", "paused"):
            self.recording = "stopped"  # a recording stops when the call ends
        self.queue, self.last = [], None
        call_id = "call-id-a" if tag == "LEG-A" else "call-id-b"
        self.send(
            "HANGUP", {"Type": "Hangup", "Parameters": {"CallId": call_id, "ParticipantTag": tag}}
        )

    # --- what happens to the call ------------------------------------------------------------

    def prompt_ends(self, fails: bool) -> None:
        if not self.queue or not all(self.connected.values()):
            return
        prompt = self.queue.pop(0)
        self.last = prompt
        if fails:
            self.fail(prompt, "InvalidAudioSource", "Audio Source parameter value is invalid.")
        else:
            self.run()

    def api(self, command: str) -> None:
        if not all(self.connected.values()):
            return
        if command in ("start", "pause", "resume", "stop"):
            self.accepted.append((self.sequence + 1, "api", command))
        data = {"Type": "CallUpdateRequest", "Parameters": {"Arguments": {"recording": command}}}
        self.send("CALL_UPDATE_REQUESTED", data)

    def press(self, pressed: str) -> None:
        if not all(self.connected.values()) or not re.search(self.armed or "$^", pressed):
            return
        self.accepted.append((self.sequence + 1, "owner", DIGIT_COMMANDS[pressed]))
        params = {"CallId": "call-id-a", "InputDigitsRegex": self.armed}
        self.send(
            "DIGITS_RECEIVED",
            {"Type": "ReceiveDigits", "Parameters": params, "ReceivedDigits": pressed},
        )

    def settle_down(self) -> None:
        """Let every prompt play to its end."""
        for _ in range(50):
            if not self.queue:
                return
            self.prompt_ends(fails=False)


def store(chime: Chime) -> Any:
    def apply(transaction_id: str, update: RecordUpdate) -> None:
        chime.record.update(update.values)
        for name, entry in update.appends:
            chime.record.setdefault(name, []).append(entry)

    return apply


STEPS = st.one_of(
    st.tuples(st.just("api"), st.sampled_from(["start", "pause", "resume", "stop", "rewind"])),
    st.tuples(st.just("digit"), st.sampled_from(["5", "6", "7"])),
    st.tuples(st.just("prompt"), st.booleans()),
    st.tuples(st.just("hangup"), st.sampled_from(["LEG-A", "LEG-B"])),
)


def accounted(chime: Chime, sequence: int) -> bool:
    """The call record says what became of the command asked in event ``sequence``."""
    asked = str(sequence)
    if any(e.get("requested_in_event") == asked for e in chime.record["recording_events"]):
        return True
    return any(f"(asked in event {asked})" in n["text"] for n in chime.record["notes"])


def expected_state(chime: Chime) -> str:
    """The commands in the order they were asked, each carried out when Chime confirmed it."""
    results = {
        e["requested_in_event"]: e["result"]
        for e in chime.record["recording_events"]
        if "requested_in_event" in e
    }
    state = "not_started"
    asked = list(chime.accepted)
    if chime.automatic_start:
        asked.insert(0, (chime.automatic_start, "auto", "start"))
    for sequence, _, command in asked:
        result = results.get(str(sequence))
        if result == "ACTION_SUCCESSFUL":
            state = REFERENCE.get((command, state), state)
        elif result == "ACTION_FAILED" and command == "start":
            state = "failed"
    return state


@pytest.mark.parametrize("auto_start", ["true", "false"])
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(STEPS, max_size=14), failures=st.lists(st.booleans(), max_size=12))
def test_accepted_commands_are_never_lost(
    monkeypatch: pytest.MonkeyPatch,
    auto_start: str,
    steps: list[tuple[str, Any]],
    failures: list[bool],
) -> None:
    monkeypatch.setenv("RECORDING_AUTO_START", auto_start)
    chime = Chime(itertools.chain(failures, itertools.repeat(False)))
    with mock.patch.object(records, "apply", store(chime)):
        attributes = {"phase": "connecting", "dir": "outbound", "owner": OWNER, "other": OTHER}
        chime.attributes = {**attributes, "sma": SMA, "rec": "not_started", "tries": "0"}
        bridge = json.loads((EVENTS / "action_successful_call_and_bridge.json").read_text())
        chime.automatic_start = chime.sequence + 1 if auto_start == "true" else 0
        chime.send("ACTION_SUCCESSFUL", bridge["ActionData"])
        for kind, value in steps:
            if kind == "api":
                chime.api(value)
            elif kind == "digit":
                chime.press(value)
            elif kind == "prompt":
                chime.prompt_ends(fails=value)
            else:
                chime.hang_up(value)
        chime.settle_down()
        before_end = chime.attributes.get("rec", "not_started")
        still_pending = Pending.decode(chime.attributes.get("pending", ""))
        ended_early = not all(chime.connected.values())
        if chime.connected["LEG-A"]:
            chime.hang_up("LEG-A")

    lost = [(s, by, c) for s, by, c in chime.accepted if not accounted(chime, s)]
    assert lost == [], f"commands lost: {lost}"
    final = chime.record.get("recording_state", "not_started")
    assert final == chime.attributes.get("rec", "not_started")
    truth = {"failed": "not_started"}.get(final, final)
    assert truth == chime.recording, f"record says {final}, Chime did {chime.recording}"
    if not ended_early:
        # Every prompt has played: nothing may still wait (in flight or queued).
        assert still_pending == Pending(), f"left pending: {still_pending}"
        expected = expected_state(chime)
        assert before_end == expected, f"commands asked for {expected}, the call was {before_end}"
    assert not chime.queue or not any(chime.connected.values())
