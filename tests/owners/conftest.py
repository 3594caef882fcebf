from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from botocore.stub import Stubber
from moto import mock_aws

from callrec.local.owner_tables import create_owner_tables
from chalicelib import aws
from chalicelib.owners import directory, pins
from chalicelib.owners.model import Owner

DIRECTORY = "test-owner-directory"
USAGE = "test-owner-usage"
# Cheap scrypt for tests; verify_pin reads the cost from the stored hash, so nothing else changes.
TEST_COST = pins.ScryptCost(n=2**4, r=1, p=1)
# What DynamoDB answers a request over the table's throughput (HTTP 400); botocore has retried it.
THROTTLED = "ProvisionedThroughputExceededException"


def owner(owner_id: str = "alice", **changes: object) -> Owner:
    base: dict[str, object] = {
        "owner_id": owner_id,
        "owner_numbers": ("+12065550101",),
        "sma_number": "+12065550199",
        "display_name": "Alice",
    }
    base.update(changes)
    return Owner(**base)  # type: ignore[arg-type]


@pytest.fixture
def tables(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(directory.TABLE_ENV, DIRECTORY)
    monkeypatch.setenv("OWNER_USAGE_TABLE", USAGE)
    directory.CACHE.clear()
    with mock_aws():
        create_owner_tables(aws.client("dynamodb"), DIRECTORY, USAGE)
        yield
    directory.CACHE.clear()


@contextlib.contextmanager
def throttled(operation: str) -> Iterator[None]:
    """DynamoDB answers the next ``operation`` (e.g. ``query``) with :data:`THROTTLED`."""
    with Stubber(aws.client("dynamodb")) as stub:
        stub.add_client_error(operation, service_error_code=THROTTLED, http_status_code=400)
        yield
