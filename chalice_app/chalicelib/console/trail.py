"""The access trail: who did what to which call, when and from where; append-only.

One DynamoDB table (``ACCESS_TRAIL_TABLE``): partition key ``trail`` (always ``console``, so the
whole trail reads newest first with one Query), sort key ``at_id`` (``<ISO time>#<random id>``).
The API's role may only PutItem and Query it (infra/modules/console); each put is conditional
on the key being new, so an entry is never overwritten by this code. Writes are human-paced
(one per console request), far below one partition's write throughput.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib import aws, settings
from chalicelib.call_records import utc_now_iso
from chalicelib.errors import StorageError

logger = logging.getLogger(__name__)

TABLE_ENV = "ACCESS_TRAIL_TABLE"
PARTITION = "console"
FIELDS = ("at", "actor", "action", "transaction_id", "source_ip", "user_agent", "outcome")
USER_AGENT_MAX = 512


@dataclass(frozen=True)
class Entry:
    """One access: ``outcome`` is ``ok`` or the error code the caller was answered with."""

    actor: str
    action: str
    transaction_id: str
    source_ip: str
    user_agent: str
    outcome: str
    at: str = ""

    def item(self) -> dict[str, Any]:
        at = self.at or utc_now_iso()
        values = {
            "at": at,
            "actor": self.actor,
            "action": self.action,
            "transaction_id": self.transaction_id,
            "source_ip": self.source_ip,
            "user_agent": self.user_agent[:USER_AGENT_MAX],
            "outcome": self.outcome,
        }
        item = {name: {"S": value} for name, value in values.items() if value}
        item["trail"] = {"S": PARTITION}
        item["at_id"] = {"S": f"{at}#{uuid.uuid4().hex}"}
        return item


def write(entry: Entry) -> None:
    """Append ``entry``; a failure raises StorageError (the caller then withholds its answer)."""
    from botocore.exceptions import BotoCoreError, ClientError

    table = settings.require(TABLE_ENV)
    try:
        aws.call(
            f"DynamoDB PutItem {table}",
            aws.client("dynamodb").put_item,
            TableName=table,
            Item=entry.item(),
            ConditionExpression="attribute_not_exists(at_id)",
        )
    except (ClientError, BotoCoreError) as error:
        raise StorageError(
            f"access trail entry not written to {table}: {aws.error_code(error) or error}",
            hint="check the access trail table exists and the API role may PutItem on it",
        ) from error


def read(
    limit: int, start: Mapping[str, Any] | None
) -> tuple[list[dict[str, str]], dict[str, str] | None]:
    """One page of the trail, newest first, and the key the next page starts after."""
    table = settings.require(TABLE_ENV)
    params: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": "#p = :p",
        "ExpressionAttributeNames": {"#p": "trail"},
        "ExpressionAttributeValues": {":p": {"S": PARTITION}},
        "ScanIndexForward": False,
        "Limit": limit,
    }
    if start:
        params["ExclusiveStartKey"] = {
            "trail": {"S": PARTITION},
            "at_id": {"S": str(start.get("at_id", ""))},
        }
    response = aws.call(f"DynamoDB Query {table}", aws.client("dynamodb").query, **params)
    entries = [
        {name: str(item.get(name, {}).get("S", "")) for name in FIELDS}
        for item in response.get("Items", [])
    ]
    last = response.get("LastEvaluatedKey")
    return entries, ({"at_id": str(last["at_id"]["S"])} if last else None)
