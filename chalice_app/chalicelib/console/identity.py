"""What a verified caller may see: admin, owner (and of which owner id), or neither.

Admins are members of the Cognito group ``admins``; owners are members of ``owners`` whose
owner id comes from the owner directory (``OWNER_DIRECTORY_TABLE``, index
``console_username-index``), read with the directory's own lookup
(:meth:`OwnerDirectory.find_by_console_username`). Without a directory the deployment is a
directory of one: the user named by ``CONSOLE_OWNER_USERNAME`` is owner ``default``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib import aws, settings
from chalicelib.console.auth import Principal
from chalicelib.owners.directory import TABLE_ENV, OwnerDirectory
from chalicelib.owners.model import InvalidOwnerError

logger = logging.getLogger(__name__)

ADMINS_GROUP = "admins"
OWNERS_GROUP = "owners"
DIRECTORY_ENV = TABLE_ENV
SINGLE_OWNER_USERNAME_ENV = "CONSOLE_OWNER_USERNAME"
DEFAULT_OWNER = "default"  # the owner id of the directory of one (BRIEF contract)


@dataclass(frozen=True)
class Identity:
    """The caller as the API authorizes them."""

    username: str
    owner_id: str | None
    is_admin: bool
    display_name: str

    def can_see(self, record: Mapping[str, Any]) -> bool:
        """Admins see every call; an owner only calls whose ``owner_id`` is theirs."""
        return self.is_admin or (
            self.owner_id is not None and record_owner(record) == self.owner_id
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "owner_id": self.owner_id,
            "is_admin": self.is_admin,
            "display_name": self.display_name,
        }


def record_owner(record: Mapping[str, Any]) -> str:
    """The owner of a call record; records from before owner ids belong to the one owner."""
    return str(record.get("owner_id") or DEFAULT_OWNER)


def resolve(principal: Principal) -> Identity:
    """The identity of ``principal``: groups from the token, owner id from the directory."""
    owner_id, display_name = None, principal.username
    if OWNERS_GROUP in principal.groups:
        owner = owner_of(principal.username)
        if owner is not None:
            owner_id, display_name = owner
    return Identity(
        username=principal.username,
        owner_id=owner_id,
        is_admin=ADMINS_GROUP in principal.groups,
        display_name=display_name,
    )


def owner_of(username: str) -> tuple[str, str] | None:
    """The owner id and display name (the username when the entry has none) of the owner whose
    ``console_username`` is ``username``; None when there is none.

    The console fails closed on a directory it cannot trust: when two entries name the user, or
    the entry is not a valid owner (:meth:`Owner.from_item` refuses malformed attributes and
    entries without owner numbers or SMA number, which neither `callrec owners add` nor
    Terraform's ``owners`` input writes), the user is no owner and sees no calls, and one error
    is logged for the operator; a guess could show one owner another's calls. A throttled or
    failing directory read raises TransientAwsError (503, try again).
    """
    table = settings.optional(DIRECTORY_ENV)
    if not table:
        single = settings.optional(SINGLE_OWNER_USERNAME_ENV)
        return (DEFAULT_OWNER, username) if single and single == username else None
    try:
        owner = OwnerDirectory(table).find_by_console_username(username)
    except InvalidOwnerError as error:
        logger.error(
            "console user %s sees no calls until the directory is fixed: %s", username, error
        )
        return None
    if owner is None:
        return None
    return owner.owner_id, owner.display_name or username


_owner_ids: dict[str, tuple[float, list[str]]] = {}  # table -> (read at, owner ids)
OWNER_IDS_TTL = 60.0  # seconds an admin's list of owners is reused within one container


def all_owner_ids() -> list[str]:
    """Every owner id, for an admin's listing across owners (merged per-owner index queries).

    The directory of one has the one owner. A directory is read with a Scan of the owner
    directory (a small configuration table of owners), never of the call records, and kept for
    :data:`OWNER_IDS_TTL` seconds per container.
    """
    import time

    table = settings.optional(DIRECTORY_ENV)
    if not table:
        return [DEFAULT_OWNER]
    now = time.monotonic()
    cached = _owner_ids.get(table)
    if cached is None or now - cached[0] >= OWNER_IDS_TTL:
        cached = (now, sorted(_scan_owner_ids(table)))
        _owner_ids[table] = cached
    return list(cached[1])


def forget_owner_ids() -> None:
    """Drop the cached owner lists (tests; the local stack after it changes the directory)."""
    _owner_ids.clear()


def _scan_owner_ids(table: str) -> set[str]:
    client = aws.client("dynamodb")
    found: set[str] = set()
    params: dict[str, Any] = {
        "TableName": table,
        "ProjectionExpression": "owner_id",
        # Every owner item has an sma_number; the filter only skips hand-written stray items
        # (usage counters live in their own table, OWNER_USAGE_TABLE).
        "FilterExpression": "attribute_exists(sma_number) OR attribute_exists(console_username)",
    }
    while True:
        response = aws.call(f"DynamoDB Scan {table} (owner ids)", client.scan, **params)
        found.update(str(item["owner_id"]["S"]) for item in response.get("Items", []))
        if not response.get("LastEvaluatedKey"):
            return found
        params["ExclusiveStartKey"] = response["LastEvaluatedKey"]
