"""The console's DynamoDB tables offline: the owner directory, its usage table and the access
trail, under the names the Terraform modules give them.

The owner directory follows the shared contract (key ``owner_id``; GSIs ``sma_number-index`` and
``console_username-index``); the usage table (``usage_key``, TTL ``expires_at``) holds the daily
counters the owner-aware SMA handler checks before dialling out; the access trail is append-only
(the API role may only PutItem and Query it on AWS; moto does not enforce IAM, the Terraform
policy does).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

DIRECTORY_TABLE = "callrec-owner-directory"
USAGE_TABLE = "callrec-owner-usage"
TRAIL_TABLE = "callrec-access-trail"
SMA_NUMBER_INDEX = "sma_number-index"
USERNAME_INDEX = "console_username-index"


@dataclass(frozen=True)
class OwnerEntry:
    owner_id: str
    display_name: str
    owner_number: str
    sma_number: str
    console_username: str

    def item(self) -> dict[str, Any]:
        return {
            "owner_id": {"S": self.owner_id},
            "display_name": {"S": self.display_name},
            "owner_numbers": {"L": [{"S": self.owner_number}]},
            "sma_number": {"S": self.sma_number},
            "console_username": {"S": self.console_username},
            "allowed_prefixes": {"L": [{"S": "+1"}]},
        }


@dataclass(frozen=True)
class ConsoleTables:
    dynamodb: Any
    directory: str
    usage: str
    trail: str

    def environment(self) -> dict[str, str]:
        return {
            "OWNER_DIRECTORY_TABLE": self.directory,
            "OWNER_USAGE_TABLE": self.usage,
            "ACCESS_TRAIL_TABLE": self.trail,
        }

    def ensure_owner(self, calls_table: str, transaction_id: str, owner: OwnerEntry) -> None:
        """Give the call record its ``owner_id`` when the SMA handler did not write one.

        The SMA handler resolves the owner from the directory by the dialled SMA number (the
        owner directory issue); a handler from before that leaves the attribute out, and the
        console would list no calls. Setting it here, only where it is missing, is what that
        handler does, so the two agree; once the handler writes it this is a no-op.
        """
        from botocore.exceptions import ClientError

        try:
            self.dynamodb.update_item(
                TableName=calls_table,
                Key={"transaction_id": {"S": transaction_id}},
                UpdateExpression="SET owner_id = :owner",
                ConditionExpression=(
                    "attribute_exists(transaction_id) AND attribute_not_exists(owner_id)"
                ),
                ExpressionAttributeValues={":owner": {"S": owner.owner_id}},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise


def create_tables(dynamodb: Any, owners: Sequence[OwnerEntry]) -> ConsoleTables:
    dynamodb.create_table(
        TableName=DIRECTORY_TABLE,
        KeySchema=[{"AttributeName": "owner_id", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": "S"}
            for name in ("owner_id", "sma_number", "console_username")
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": index,
                "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
            for index, key in (
                (SMA_NUMBER_INDEX, "sma_number"),
                (USERNAME_INDEX, "console_username"),
            )
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    for owner in owners:
        dynamodb.put_item(TableName=DIRECTORY_TABLE, Item=owner.item())
    _create_usage(dynamodb)
    _create_trail(dynamodb)
    return ConsoleTables(dynamodb, DIRECTORY_TABLE, USAGE_TABLE, TRAIL_TABLE)


def _create_usage(dynamodb: Any) -> None:
    """The owners' daily usage counters (the SMA handler checks the daily limits there)."""
    dynamodb.create_table(
        TableName=USAGE_TABLE,
        KeySchema=[{"AttributeName": "usage_key", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "usage_key", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.update_time_to_live(
        TableName=USAGE_TABLE,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"},
    )


def _create_trail(dynamodb: Any) -> None:
    dynamodb.create_table(
        TableName=TRAIL_TABLE,
        # As the Terraform table: one partition ("console"), sorted by "<ISO time>#<id>".
        KeySchema=[
            {"AttributeName": "trail", "KeyType": "HASH"},
            {"AttributeName": "at_id", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "trail", "AttributeType": "S"},
            {"AttributeName": "at_id", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
