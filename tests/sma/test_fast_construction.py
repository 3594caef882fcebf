"""CallState.from_attributes and InvocationEvent.parse fill their instances without running an
__init__ (a hot-path saving). A field added to either class and forgotten there would leave
instances without it; these tests fail then."""

from __future__ import annotations

import json
from dataclasses import fields

from chalicelib.sma.events import InvocationEvent
from chalicelib.sma.state import CallState
from tests.conftest import EVENTS_DIR

ATTRIBUTES = {
    "phase": "bridged",
    "dir": "outbound",
    "owner": "+15555550100",
    "other": "+12065550123",
    "sma": "+15555550199",
    "rec": "recording",
    "tries": "1",
    "recleg": "leg-a-call-id",
    "pending": "",
    "own": "",
}


def test_every_call_state_field_is_decoded() -> None:
    state = CallState.from_attributes(ATTRIBUTES)
    assert set(state.__dict__) == {field.name for field in fields(CallState)}


def test_a_decoded_state_equals_one_built_by_its_constructor() -> None:
    state = CallState.from_attributes(ATTRIBUTES)
    assert state == CallState(**{field.name: getattr(state, field.name) for field in fields(state)})


def test_every_invocation_event_field_is_set_by_parse() -> None:
    raw = json.loads((EVENTS_DIR / "sma" / "new_inbound_call_from_owner.json").read_text())
    event = InvocationEvent.parse(raw)
    declared = set(InvocationEvent.__annotations__)
    assert declared <= set(event.__dict__)
