"""Property: no sequence of invocation events lets a caller who did not pass the owner check
(caller id of the dialled number's owner, and that owner's PIN within the call) reach a
``CallAndBridge`` to anything but the owner's own phone.

The events are the documented payloads of tests/events/sma in any order, with any digits but the
PIN, and with the TransactionAttributes Chime would send back — or none at all (state loss).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.owners import pins
from chalicelib.owners.directory import OwnerDirectory
from chalicelib.sma.handler import handle
from tests.owners.conftest import TEST_COST, owner

EVENTS = Path(__file__).resolve().parent.parent / "events" / "sma"
TEMPLATES = {p.stem: json.loads(p.read_text()) for p in sorted(EVENTS.glob("*.json"))}
MID_CALL = sorted(name for name in TEMPLATES if not name.startswith("new_inbound_call"))
# Digits answering a prompt are what could dial out: weighted so most sequences carry some.
WEIGHTED = [*MID_CALL, *["action_successful_play_audio_and_get_digits"] * len(MID_CALL)]

PIN = "4821"
ALICE = "+15555550100"  # has a PIN
ALICE_SMA = "+15555550199"
BOB = "+15555550101"  # another owner, without a PIN: caller id is his check
BOB_SMA = "+15555550198"
STRANGER = "+12065550177"
OWN_PHONES = {ALICE, BOB}

# Callable numbers (what an attacker wants dialled), PIN guesses and noise; never the PIN.
digits = st.one_of(
    st.sampled_from(["2065550123#", "12065550123", "9005550123#", "442071234567", "0000#"]),
    st.from_regex(r"[0-9]{1,18}#?", fullmatch=True),
).filter(lambda d: PIN not in d)
steps = st.lists(
    st.tuples(st.sampled_from(WEIGHTED), digits, st.booleans()), min_size=1, max_size=8
)


@pytest.fixture
def directory(tables: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OWNER_PHONE_NUMBER", raising=False)
    monkeypatch.setenv("RECORDINGS_BUCKET", "callrec-recordings")
    monkeypatch.setenv("PROMPTS_BUCKET", "callrec-prompts")
    table = OwnerDirectory()
    table.put(
        owner("alice", owner_numbers=(ALICE,), sma_number=ALICE_SMA).with_(
            pin_hash=pins.hash_pin(PIN, TEST_COST)
        )
    )
    table.put(owner("bob", owner_numbers=(BOB,), sma_number=BOB_SMA))


def _event(name: str, caller: str, dialled: str, typed: str, attrs: dict[str, str] | None) -> Any:
    event = copy.deepcopy(TEMPLATES[name])
    for participant in event["CallDetails"]["Participants"]:
        if participant.get("ParticipantTag") == "LEG-A":
            participant["From"], participant["To"] = caller, dialled
    if "ReceivedDigits" in event.get("ActionData", {}):
        event["ActionData"]["ReceivedDigits"] = typed
    event["CallDetails"].pop("TransactionAttributes", None)
    if attrs is not None:
        event["CallDetails"]["TransactionAttributes"] = attrs
    return event


def _bridged_to(response: dict[str, Any]) -> list[str]:
    return [
        endpoint["Uri"]
        for action in response.get("Actions", [])
        if action.get("Type") == "CallAndBridge"
        for endpoint in action["Parameters"]["Endpoints"]
    ]


@pytest.mark.usefixtures("directory")
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    caller_and_dialled=st.sampled_from(
        [
            (STRANGER, ALICE_SMA),  # a stranger on a number with a PIN
            (ALICE, ALICE_SMA),  # Alice's caller id (spoofed: the PIN is never typed)
            (BOB, ALICE_SMA),  # another owner on Alice's number
            (STRANGER, BOB_SMA),  # a stranger on Bob's number, which has no PIN
            (ALICE, BOB_SMA),  # Alice on Bob's number
            (STRANGER, "+15555550197"),  # a number no owner has
        ]
    ),
    sequence=steps,
)
def test_only_a_verified_owner_reaches_call_and_bridge(
    caller_and_dialled: tuple[str, str], sequence: list[tuple[str, str, bool]]
) -> None:
    caller, dialled = caller_and_dialled
    first = handle(_event("new_inbound_call_from_other", caller, dialled, "", None))
    bridged = _bridged_to(first)
    attrs = {k: v for k, v in first.get("TransactionAttributes", {}).items() if v}
    for name, typed, keep_state in sequence:
        response = handle(_event(name, caller, dialled, typed, attrs if keep_state else None))
        bridged += _bridged_to(response)
        if "TransactionAttributes" in response:
            attrs.update(response["TransactionAttributes"])
            attrs = {k: v for k, v in attrs.items() if v}
    assert set(bridged) <= OWN_PHONES, f"{caller} -> {dialled} bridged to {bridged}"
