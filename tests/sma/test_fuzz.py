"""Property tests: whatever Chime (or a broken caller) sends, the answer is well formed.

Well formed = accepted by the documented action schema (callrec.simulation.validation):
``SchemaVersion`` "1.0", an ``Actions`` list of known action types with valid parameters, and
``TransactionAttributes`` of strings within our limits (10 keys, 1,024 characters).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callrec.simulation.validation import response_problems
from chalicelib.call_records import RecordingState
from chalicelib.sma.events import EventType
from chalicelib.sma.handler import handle
from chalicelib.sma.state import MAX_KEYS, MAX_VALUE_CHARS, Phase

EVENTS = Path(__file__).resolve().parent.parent / "events" / "sma"
SAMPLES = [json.loads(p.read_text()) for p in sorted(EVENTS.glob("*.json"))]

json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20))
json_value = st.recursive(
    json_leaf,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
attributes = st.fixed_dictionaries(
    {},
    optional={
        "phase": st.sampled_from([p.value for p in Phase] + ["bogus"]),
        "dir": st.sampled_from(["outbound", "inbound", "sideways"]),
        "rec": st.sampled_from([r.value for r in RecordingState] + ["x"]),
        "tries": st.sampled_from(["0", "1", "2", "9", "-1", "many"]),
        "owner": st.just("+15555550100"),
        "sma": st.sampled_from(["+15555550199", "", "sma"]),
        "other": st.just("+15555550123"),
        "recleg": st.sampled_from(["call-id-a", "call-id-b", "call-id-gone", ""]),
        "pending": st.sampled_from(["", "pause", "stop", "jump"]),
    },
)


def assert_well_formed(response: Any, event: Any = None) -> None:
    assert response_problems(response) == []
    attrs = response.get("TransactionAttributes", {})
    assert len(attrs) <= MAX_KEYS
    assert all(isinstance(v, str) and len(v) <= MAX_VALUE_CHARS for v in attrs.values())
    assert_targets_connected_legs(response, event)


def assert_targets_connected_legs(response: dict[str, Any], event: Any) -> None:
    """Every action names a leg of the event that is still connected: the guide's CallId is
    "CallId of participant in the CallDetails" (else InvalidActionParameter), and a disconnected
    leg can neither hear a prompt nor be recorded. A call that is being ended hangs up every
    connected leg ("CallAndBridge": one leg hanging up does not hang up the other)."""
    details = event.get("CallDetails") if isinstance(event, dict) else None
    participants = details.get("Participants") if isinstance(details, dict) else None
    if not isinstance(participants, list):
        return
    live = [
        p
        for p in participants
        if isinstance(p, dict)
        and isinstance(p.get("CallId"), str)
        and p["CallId"]
        and p.get("Status", "Connected") != "Disconnected"
    ]
    if not live:
        return  # nothing usable: the fallback hangs up LEG-A, the leg every transaction has
    call_ids = {p.get("CallId") for p in live}
    tags = {str(p.get("ParticipantTag")).upper() for p in live}
    before = details.get("TransactionAttributes")
    was_ending = isinstance(before, dict) and before.get("phase") == Phase.ENDING.value
    ending = response.get("TransactionAttributes", {}).get("phase") == Phase.ENDING.value
    if ending and not was_ending:
        # Ending the call leaves no leg behind: every connected leg gets its Hangup.
        hung_up = {
            a["Parameters"].get("CallId") for a in response["Actions"] if a["Type"] == "Hangup"
        }
        assert call_ids <= hung_up, f"ending but {call_ids - hung_up} stay connected"
    for action in response["Actions"]:
        params = action["Parameters"]
        if "CallId" in params:
            assert params["CallId"] in call_ids, f"{action['Type']} targets {params['CallId']!r}"
        elif "ParticipantTag" in params:
            assert params["ParticipantTag"] in tags, f"{action['Type']} targets a gone leg"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sample=st.sampled_from(SAMPLES),
    event_type=st.sampled_from([e.value for e in EventType]),
    attrs=attributes,
    digits=st.text(alphabet="0123456789*#", max_size=20),
)
def test_mutated_documented_events_get_a_valid_answer(
    sample: dict[str, Any], event_type: str, attrs: dict[str, str], digits: str
) -> None:
    event = copy.deepcopy(sample)
    event["InvocationEventType"] = event_type
    event["CallDetails"]["TransactionAttributes"] = attrs
    if "ActionData" in event:
        event["ActionData"]["ReceivedDigits"] = digits
    assert_well_formed(handle(copy.deepcopy(event)), event)


@settings(max_examples=100, deadline=None)
@given(
    sample=st.sampled_from(SAMPLES),
    path=st.lists(st.text(max_size=12), min_size=1, max_size=3),
    junk=json_value,
)
def test_events_with_a_field_replaced_by_junk_get_a_valid_answer(
    sample: dict[str, Any], path: list[str], junk: Any
) -> None:
    event = copy.deepcopy(sample)
    target: Any = event
    keys = ["CallDetails", "ActionData", "Participants"]
    for step in path[:-1]:
        key = step if isinstance(target, dict) and step in target else keys[len(step) % 3]
        if isinstance(target, dict) and isinstance(target.get(key), dict):
            target = target[key]
    if isinstance(target, dict):
        existing = list(target) or [path[-1]]
        target[existing[len(path[-1]) % len(existing)]] = junk
    assert_well_formed(handle(copy.deepcopy(event)), event)


@settings(max_examples=100, deadline=None)
@given(event=json_value)
def test_random_documents_get_a_valid_answer(event: Any) -> None:
    assert_well_formed(handle(copy.deepcopy(event)), event)
