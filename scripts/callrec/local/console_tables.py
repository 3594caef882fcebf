"""The console's side of the DynamoDB tables offline: the access trail, and the console user
name of each owner in the owner directory.

The owner directory and its usage table are the owners' (``resources.provision_owners``, called
for every demo call with ``owners:``); the console only adds ``console_username`` to each owner,
as an admin does with ``callrec owners``. The access trail is append-only (the API role may only
PutItem and Query it on AWS; moto does not enforce IAM, the Terraform policy does).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

TRAIL_TABLE = "callrec-access-trail"


def create_trail(dynamodb: Any) -> dict[str, str]:
    """The trail table as Terraform creates it; returns the API's environment for it."""
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
    return {"ACCESS_TRAIL_TABLE": TRAIL_TABLE}


def link_console_users(directory_table: str, owner_ids: Iterable[str]) -> None:
    """Give each owner the console user of the same name (``console_username``)."""
    from chalicelib.console import identity
    from chalicelib.owners import directory

    owners = directory.OwnerDirectory(directory_table)
    for owner_id in owner_ids:
        owner = owners.get(owner_id)
        if owner is None:
            raise LookupError(f"owner {owner_id} is not in {directory_table}")
        owners.put(owner.with_(console_username=owner_id), replace=True)
    directory.CACHE.clear()
    identity.forget_owner_ids()
