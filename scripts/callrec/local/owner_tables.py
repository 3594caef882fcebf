"""The owner directory and usage tables as infra/modules/owner-directory creates them, for the
local stack and the tests (same keys, indexes and TTL attribute)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalicelib.owners.directory import CONSOLE_USERNAME_INDEX, SMA_NUMBER_INDEX, OwnerDirectory
from chalicelib.owners.model import Owner


def create_owner_tables(dynamodb: Any, directory_table: str, usage_table: str) -> None:
    """Create both tables with ``dynamodb`` (a boto3 client), unless the directory exists (a
    second call in the same local stack)."""
    if directory_table in dynamodb.list_tables().get("TableNames", []):
        return
    dynamodb.create_table(
        TableName=directory_table,
        KeySchema=[{"AttributeName": "owner_id", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": "S"}
            for name in ("owner_id", "sma_number", "console_username")
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": index,
                "KeySchema": [{"AttributeName": attribute, "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
            for index, attribute in (
                (SMA_NUMBER_INDEX, "sma_number"),
                (CONSOLE_USERNAME_INDEX, "console_username"),
            )
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.create_table(
        TableName=usage_table,
        KeySchema=[{"AttributeName": "usage_key", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "usage_key", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.update_time_to_live(
        TableName=usage_table,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"},
    )


def seed(directory_table: str, owners: Iterable[Owner]) -> None:
    """Write ``owners`` into the directory (replacing entries with the same id)."""
    directory = OwnerDirectory(directory_table)
    for owner in owners:
        directory.put(owner, replace=True)
