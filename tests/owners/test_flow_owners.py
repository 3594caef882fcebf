"""The call flow with an owner directory: through the handler, with the documented payloads."""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chalicelib import aws
from chalicelib.call_records import CallRecords
from chalicelib.owners import pins, security_events
from chalicelib.owners.call_owner import CallOwner
from chalicelib.owners.directory import OwnerDirectory
from chalicelib.owners.usage import UsageStore, day_of
from chalicelib.sma.handler import handle
from tests.owners.conftest import TEST_COST, owner, throttled

EVENTS = Path(__file__).resolve().parent.parent / "events" / "sma"
PIN = "482159"
ALICE, ALICE_SMA, STRANGER = "+15555550100", "+15555550199", "+12065550177"
RECORDS = "test-owner-flow-records"


def event(name: str, attrs: dict[str, str] | None = None, **leg_a: str) -> dict[str, Any]:
    raw: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    raw = copy.deepcopy(raw)
    for participant in raw["CallDetails"]["Participants"]:
        if participant["ParticipantTag"] == "LEG-A":
            participant.update(leg_a)
    if attrs is not None:
        raw["CallDetails"]["TransactionAttributes"] = attrs
    return raw


def digits(typed: str, attrs: dict[str, str]) -> dict[str, Any]:
    raw = event("action_successful_play_audio_and_get_digits", attrs)
    raw["ActionData"]["ReceivedDigits"] = typed
    return raw


def types(response: dict[str, Any]) -> list[str]:
    return [a["Type"] for a in response["Actions"]]


def prompts(response: dict[str, Any]) -> list[str]:
    return [
        a["Parameters"]["AudioSource"]["Key"]
        for a in response["Actions"]
        if "AudioSource" in a["Parameters"]
    ]


def attrs_after(before: dict[str, str], response: dict[str, Any]) -> dict[str, str]:
    merged = {**before, **response.get("TransactionAttributes", {})}
    return {k: v for k, v in merged.items() if v}


@pytest.fixture
def team(tables: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Alice (PIN) in the directory, a call records table, and an EventBridge bus whose events
    land in a queue."""
    monkeypatch.delenv("OWNER_PHONE_NUMBER", raising=False)
    monkeypatch.setenv("RECORDINGS_BUCKET", "callrec-recordings")
    monkeypatch.setenv("PROMPTS_BUCKET", "callrec-prompts")
    monkeypatch.setenv("CALL_RECORDS_TABLE", RECORDS)
    monkeypatch.setenv("SECURITY_EVENT_BUS", "default")
    aws.client("dynamodb").create_table(
        TableName=RECORDS,
        KeySchema=[{"AttributeName": "transaction_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "transaction_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    OwnerDirectory().put(
        owner(
            "alice",
            owner_numbers=(ALICE,),
            sma_number=ALICE_SMA,
            pin_hash=pins.hash_pin(PIN, TEST_COST),
        )
    )
    sqs, events = aws.client("sqs"), aws.client("events")
    url = sqs.create_queue(QueueName="security")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    events.put_rule(Name="security", EventPattern=json.dumps({"source": ["callrec.owners"]}))
    events.put_targets(Rule="security", Targets=[{"Id": "q", "Arn": arn["QueueArn"]}])
    yield {"queue": url}


def security_kinds(team: dict[str, str]) -> list[str]:
    messages = aws.client("sqs").receive_message(QueueUrl=team["queue"], MaxNumberOfMessages=10)
    return [json.loads(m["Body"])["detail"]["kind"] for m in messages.get("Messages", [])]


def alice_calls_in() -> tuple[dict[str, Any], dict[str, str]]:
    first = handle(event("new_inbound_call_from_owner", From=ALICE, To=ALICE_SMA))
    return first, attrs_after({}, first)


def record() -> dict[str, Any]:
    found = CallRecords(RECORDS).get("txn-0001")
    assert found is not None
    return found


pytestmark = pytest.mark.usefixtures("team")


def test_the_owner_is_asked_for_the_pin_first() -> None:
    response, attrs = alice_calls_in()
    (action,) = response["Actions"]
    assert action["Type"] == "PlayAudioAndGetDigits"
    assert action["Parameters"]["AudioSource"]["Key"] == "enter-pin.wav"
    assert action["Parameters"]["InputDigitsRegex"] == r"^\d{4,12}#?$"
    assert attrs["phase"] == "pin"
    assert record()["owner_id"] == "alice"


def test_the_call_record_names_the_owner_for_the_report() -> None:
    alice_calls_in()
    assert record()["owner_name"] == "Alice"


def test_the_right_pin_asks_for_the_number_and_drops_the_hash() -> None:
    _, attrs = alice_calls_in()
    response = handle(digits(f"{PIN}#", attrs))
    after = attrs_after(attrs, response)
    assert prompts(response) == ["enter-number.wav"]
    assert after["phase"] == "collecting"
    decoded = CallOwner.decode(after["own"])
    assert decoded is not None and decoded.verified and decoded.pin_hash == ""


def test_then_the_number_is_bridged_with_the_owners_sma_number() -> None:
    _, attrs = alice_calls_in()
    attrs = attrs_after(attrs, handle(digits(PIN, attrs)))
    response = handle(digits("2065550123#", attrs))
    bridge = response["Actions"][-1]["Parameters"]
    assert (bridge["CallerIdNumber"], bridge["Endpoints"][0]["Uri"]) == (ALICE_SMA, "+12065550123")


def test_three_wrong_pins_end_the_call_politely() -> None:
    _, attrs = alice_calls_in()
    results = []
    for guess in ("1111", "2222", "3333"):
        response = handle(digits(guess, attrs))
        attrs = attrs_after(attrs, response)
        results.append(prompts(response))
    assert results[:2] == [["wrong-pin.wav", "enter-pin.wav"]] * 2
    assert results[2] == ["too-many-wrong-pins.wav"]
    assert attrs["phase"] == "ending"


def test_pin_digits_never_reach_logs_or_the_call_record(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    _, attrs = alice_calls_in()
    handle(digits("907531#", attrs))
    attrs = attrs_after(attrs, handle(digits(f"{PIN}#", attrs)))
    for secret in ("907531", PIN):
        assert secret not in caplog.text
        assert secret not in json.dumps(record())


def test_repeated_wrong_pins_lock_dial_out_and_raise_a_security_event(
    monkeypatch: pytest.MonkeyPatch, team: dict[str, str]
) -> None:
    monkeypatch.setenv("PIN_LOCKOUT_FAILURES", "2")
    _, attrs = alice_calls_in()
    first = handle(digits("1111", attrs))
    attrs = attrs_after(attrs, first)
    second = handle(digits("2222", attrs))
    assert prompts(second) == ["dial-out-locked.wav"]
    assert security_kinds(team) == ["pin_lockout"]
    assert UsageStore().locked_until("alice") is not None


def test_a_locked_owner_is_refused_even_with_the_right_pin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIN_LOCKOUT_FAILURES", "1")
    _, attrs = alice_calls_in()
    handle(digits("1111", attrs))
    _, attrs = alice_calls_in()
    assert prompts(handle(digits(PIN, attrs))) == ["dial-out-locked.wav"]


def test_an_unknown_number_is_not_in_service_and_raises_a_security_event(
    team: dict[str, str],
) -> None:
    response = handle(event("new_inbound_call_from_other", From=STRANGER, To="+15555550197"))
    assert types(response) == ["PlayAudio", "Hangup"]
    assert prompts(response) == ["not-in-service.wav"]
    assert security_kinds(team) == ["unknown_number"]
    assert "owner_id" not in record()
    assert "not in service" in record()["notes"][0]["text"]


def test_a_stranger_is_bridged_to_the_owner_only() -> None:
    response = handle(event("new_inbound_call_from_other", From=STRANGER, To=ALICE_SMA))
    bridge = response["Actions"][-1]["Parameters"]
    assert bridge["Endpoints"][0]["Uri"] == ALICE
    assert (record()["owner_id"], record()["direction"]) == ("alice", "inbound")


def test_a_refused_destination_is_spoken_recorded_and_published(team: dict[str, str]) -> None:
    _, attrs = alice_calls_in()
    attrs = attrs_after(attrs, handle(digits(PIN, attrs)))
    response = handle(digits("9005550123#", attrs))
    assert prompts(response) == ["destination-refused.wav", "enter-number.wav"]
    assert "CallAndBridge" not in types(response)
    assert security_kinds(team) == ["destination_refused"]
    assert any("NANP premium rate (900)" in n["text"] for n in record()["notes"])


def test_the_daily_limit_is_spoken_and_published(team: dict[str, str]) -> None:
    OwnerDirectory().put(
        owner("alice", owner_numbers=(ALICE,), sma_number=ALICE_SMA, daily_call_limit=1),
        replace=True,
    )
    UsageStore().reserve_call("alice", call_limit=1, minute_limit=10)
    _, attrs = alice_calls_in()
    response = handle(digits("2065550123#", attrs))
    assert prompts(response) == ["limit-reached.wav"]
    assert security_kinds(team) == ["limit_reached"]


def test_a_finished_dial_out_adds_its_minutes(monkeypatch: pytest.MonkeyPatch) -> None:
    OwnerDirectory().put(owner("alice", owner_numbers=(ALICE,), sma_number=ALICE_SMA), replace=True)
    _, attrs = alice_calls_in()
    attrs = attrs_after(attrs, handle(digits("2065550123#", attrs)))
    attrs = attrs_after(attrs, handle(event("action_successful_call_and_bridge", attrs)))
    bridged_at = CallOwner.decode(attrs["own"])
    assert bridged_at is not None and bridged_at.bridged_at > 0
    later = CallOwner.decode(attrs["own"])
    assert later is not None
    attrs["own"] = later.with_(bridged_at=later.bridged_at - 90).encode()
    handle(event("hangup_all", attrs))
    item = aws.client("dynamodb").get_item(
        TableName="test-owner-usage",
        Key={"usage_key": {"S": f"alice#day#{day_of(later.bridged_at - 90)}"}},
    )["Item"]
    assert 90 <= int(item["seconds"]["N"]) <= 92


def test_the_directory_is_read_once_per_call(monkeypatch: pytest.MonkeyPatch) -> None:
    client = aws.client("dynamodb")
    real, queries = client.query, []

    def counted(**params: Any) -> Any:
        queries.append(params)
        return real(**params)

    monkeypatch.setattr(client, "query", counted)
    _, attrs = alice_calls_in()
    attrs = attrs_after(attrs, handle(digits(PIN, attrs)))
    handle(digits("2065550123#", attrs))
    assert len(queries) == 1


def test_a_throttled_directory_read_apologises_in_one_log_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    with throttled("query"):
        response = handle(event("new_inbound_call_from_owner", From=ALICE, To=ALICE_SMA))
    assert types(response) == ["PlayAudio", "Hangup"]
    [error] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "[TransientAwsError]" in error.getMessage()
    assert not any(r.exc_info for r in caplog.records)


def test_security_event_kinds_are_documented() -> None:
    text = (Path(__file__).resolve().parents[2] / "SECURITY.md").read_text()
    assert security_events.DETAIL_TYPE in text
    assert all(f"`{kind.value}`" in text for kind in security_events.Kind)
