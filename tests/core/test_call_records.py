from __future__ import annotations

import enum
import types
from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws

from callrec.local.resources import create_call_records_table
from chalicelib import aws
from chalicelib.call_records import CallRecords, _to_dynamo
from chalicelib.errors import StorageError

TABLE = "callrec-test-records"


@pytest.fixture
def records(monkeypatch: pytest.MonkeyPatch) -> Iterator[CallRecords]:
    monkeypatch.setenv("CALL_RECORDS_TABLE", TABLE)
    with mock_aws():
        create_call_records_table(aws.client("dynamodb"), TABLE)
        yield CallRecords()


def test_update_creates_the_record(records: CallRecords) -> None:
    records.update("tx-1", {"direction": "outbound", "duration": 12, "ok": True})
    item = records.get("tx-1")
    assert item is not None
    assert (item["direction"], item["duration"], item["ok"]) == ("outbound", 12, True)


class _Shade(enum.StrEnum):
    RECORDING = "recording"


class _Level(enum.IntEnum):
    HIGH = 3


@pytest.mark.parametrize(
    ("value", "marshalled"),
    [
        ("text", {"S": "text"}),
        (_Shade.RECORDING, {"S": "recording"}),
        (12, {"N": "12"}),
        (2.5, {"N": "2.5"}),
        (_Level.HIGH, {"N": "3"}),
        (True, {"BOOL": True}),
        (None, {"NULL": True}),
        ({"a": [1, "b"]}, {"M": {"a": {"L": [{"N": "1"}, {"S": "b"}]}}}),
        (types.MappingProxyType({"k": False}), {"M": {"k": {"BOOL": False}}}),
        (("x", None), {"L": [{"S": "x"}, {"NULL": True}]}),
    ],
)
def test_every_kind_of_value_is_marshalled_as_its_dynamodb_type(
    value: Any, marshalled: dict[str, Any]
) -> None:
    # Exact built-in types take a fast path, subclasses and Mappings the general one: both
    # must give DynamoDB's form.
    assert _to_dynamo(value) == marshalled


def test_an_update_of_many_fields_writes_every_one(records: CallRecords) -> None:
    values = {f"field_{i}": f"value {i}" for i in range(40)}
    records.update("tx-1", values, {"notes": [{"text": "one"}]})
    item = records.get("tx-1")
    assert item is not None
    assert {name: item[name] for name in values} == values
    assert item["notes"] == [{"text": "one"}]


def test_update_keeps_other_stages_attributes(records: CallRecords) -> None:
    records.update("tx-1", {"direction": "inbound"})
    records.update("tx-1", {"transcription_job": "job-1"})
    item = records.get("tx-1")
    assert item is not None
    assert item["direction"] == "inbound"
    assert item["transcription_job"] == "job-1"


def test_update_sets_a_ttl_in_the_future(records: CallRecords) -> None:
    records.update("tx-1", {"direction": "inbound"})
    item = records.get("tx-1")
    assert item is not None
    assert item["expires_at"] > 1_700_000_000


def test_append_builds_a_list_in_order(records: CallRecords) -> None:
    records.append("tx-1", "recording_events", {"state": "recording"})
    records.append("tx-1", "recording_events", {"state": "paused"})
    item = records.get("tx-1")
    assert item is not None
    assert [e["state"] for e in item["recording_events"]] == ["recording", "paused"]


def test_note_is_timestamped(records: CallRecords) -> None:
    records.note("tx-1", "fell back to a standard transcription job")
    item = records.get("tx-1")
    assert item is not None
    assert item["notes"][0]["text"].startswith("fell back")
    assert item["notes"][0]["at"].endswith("Z")


def test_get_of_an_unknown_call_is_none(records: CallRecords) -> None:
    assert records.get("nope") is None


def test_a_missing_table_raises_storage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with mock_aws(), pytest.raises(StorageError, match="ResourceNotFoundException"):
        CallRecords("no-such-table").update("tx-1", {"direction": "inbound"})


def test_a_value_dynamodb_cannot_hold_is_refused(records: CallRecords) -> None:
    with pytest.raises(TypeError, match="cannot store set"):
        records.update("tx-1", {"bad": {1, 2}})


def test_claim_is_won_once_and_keeps_the_first_value(records: CallRecords) -> None:
    assert records.claim("tx-1", "pipeline_claim", "first") is True
    assert records.claim("tx-1", "pipeline_claim", "second") is False
    item = records.get("tx-1")
    assert item is not None and item["pipeline_claim"] == "first"


def test_claim_replacing_a_value_is_won_only_while_that_value_is_there(
    records: CallRecords,
) -> None:
    records.claim("tx-1", "pipeline_claim", "stale")
    assert records.claim("tx-1", "pipeline_claim", "mine", replacing="stale") is True
    assert records.claim("tx-1", "pipeline_claim", "theirs", replacing="stale") is False
    item = records.get("tx-1")
    assert item is not None and item["pipeline_claim"] == "mine"


def test_claim_on_a_missing_table_raises_instead_of_losing() -> None:
    """Only a failed condition means "someone else has it"; any other error is raised."""
    with mock_aws(), pytest.raises(StorageError, match="ResourceNotFoundException"):
        CallRecords("no-such-table").claim("tx-1", "pipeline_claim", "first")


def _owned_calls(records: CallRecords) -> None:
    for day, owner in ((1, "alice"), (2, "bob"), (3, "alice"), (4, "alice")):
        started = f"2026-11-0{day}T10:00:00.000Z"
        records.update(f"tx-{day}", {"owner_id": owner, "started_at": started})


def test_list_for_owner_returns_only_that_owners_calls_newest_first(
    records: CallRecords,
) -> None:
    _owned_calls(records)
    calls, next_key = records.list_for_owner("alice")
    assert [call["transaction_id"] for call in calls] == ["tx-4", "tx-3", "tx-1"]
    assert next_key is None


def test_list_for_owner_pages_with_the_returned_key(records: CallRecords) -> None:
    _owned_calls(records)
    first, next_key = records.list_for_owner("alice", limit=2)
    assert next_key is not None
    second, _ = records.list_for_owner("alice", limit=2, start_key=next_key)
    assert [call["transaction_id"] for call in first + second] == ["tx-4", "tx-3", "tx-1"]
