"""Fixtures of the SMA handler tests: its environment and the documented event payloads."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from chalicelib import aws, owners
from chalicelib.call_records import TABLE_ENV
from chalicelib.owners.call_owner import CallOwner
from chalicelib.sma import config as sma_config

EVENTS = Path(__file__).resolve().parent.parent / "events" / "sma"
OWNER = "+15555550100"
SMA = "+15555550199"
OTHER = "+15555550123"
TABLE = "callrec-test-sma-calls"

LoadEvent = Callable[..., dict[str, Any]]
VERIFIED_OWNER = CallOwner("default", ("+1",), 50, 240, verified=True).encode()


# Everything the SMA handler reads, from where it is defined: a new setting is cleared here too.
HANDLER_ENV = (*sma_config.ENVIRONMENT, *owners.ENVIRONMENT, TABLE_ENV)
REQUIRED = {
    sma_config.OWNER_PHONE_NUMBER: OWNER,
    sma_config.RECORDINGS_BUCKET: "callrec-recordings",
    sma_config.PROMPTS_BUCKET: "callrec-prompts",
}


@pytest.fixture(autouse=True)
def sma_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in HANDLER_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in REQUIRED.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def load_event() -> LoadEvent:
    """A documented event from tests/events/sma, with TransactionAttributes set when given."""

    def load(name: str, **attributes: str) -> dict[str, Any]:
        event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
        if attributes:
            event["CallDetails"]["TransactionAttributes"] = dict(attributes)
        return copy.deepcopy(event)

    return load


@pytest.fixture
def outbound() -> Callable[..., dict[str, str]]:
    """TransactionAttributes of an outbound call in a phase, with overrides."""

    def attrs(phase: str, **extra: str) -> dict[str, str]:
        values = {"phase": phase, "dir": "outbound", "owner": OWNER, "other": OTHER, "sma": SMA}
        values.update({"rec": "not_started", "tries": "0", "recleg": "call-id-a"})
        # The owner verified themselves earlier in this call (caller id; no PIN is set).
        values["own"] = VERIFIED_OWNER
        values.update(extra)
        return values

    return attrs


@pytest.fixture
def call_table(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("CALL_RECORDS_TABLE", TABLE)
    with mock_aws():
        aws.client("dynamodb").create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "transaction_id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "transaction_id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield TABLE
