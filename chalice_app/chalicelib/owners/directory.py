"""Reading and writing the owner directory (``OWNER_DIRECTORY_TABLE``), and finding the owner of a
dialled SMA number with a per-container cache.

Without ``OWNER_DIRECTORY_TABLE`` the single-owner configuration is a directory of one: owner
``default`` with ``OWNER_PHONE_NUMBER``, answering on whatever number was dialled (or
``SMA_PHONE_NUMBER`` when set), with an optional ``OWNER_PIN_HASH`` (``callrec owners hash-pin``).
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, Final

from chalicelib import settings
from chalicelib.owners import dynamo
from chalicelib.owners.model import DEFAULT_OWNER_ID, InvalidOwnerError, Owner

TABLE_ENV: Final = "OWNER_DIRECTORY_TABLE"
CACHE_ENV: Final = "OWNER_DIRECTORY_CACHE_SECONDS"
SINGLE_OWNER_ENV: Final = "OWNER_PHONE_NUMBER"
SINGLE_SMA_ENV: Final = "SMA_PHONE_NUMBER"
SINGLE_PIN_ENV: Final = "OWNER_PIN_HASH"
# Global secondary indexes (HASH only, projection ALL), created by infra/modules/owner-directory
# and the local stack. The names are contracts with the console.
SMA_NUMBER_INDEX: Final = "sma_number-index"
CONSOLE_USERNAME_INDEX: Final = "console_username-index"
DEFAULT_CACHE_SECONDS: Final = 60


class OwnerDirectory:
    """Typed access to the directory table."""

    def __init__(self, table_name: str | None = None) -> None:
        self.table_name = table_name or settings.require(TABLE_ENV)

    def find_by_sma_number(self, sma_number: str) -> Owner | None:
        """The owner assigned ``sma_number`` (one Query on the index), or None."""
        return self._find_one(SMA_NUMBER_INDEX, "sma_number", sma_number)

    def find_by_console_username(self, username: str) -> Owner | None:
        """The owner whose ``console_username`` is ``username`` (one Query on the index), or None.

        InvalidOwnerError when more than one entry names the user or the entry is not a valid
        owner; the console fails closed on both (``console.identity.owner_of``).
        """
        return self._find_one(CONSOLE_USERNAME_INDEX, "console_username", username)

    def get(self, owner_id: str) -> Owner | None:
        response = self._call(
            "get_item",
            TableName=self.table_name,
            Key={"owner_id": {"S": owner_id}},
            ConsistentRead=True,
        )
        item = response.get("Item")
        return Owner.from_item(item) if item else None

    def owners(self) -> Iterator[Owner]:
        """Every owner, by scanning the table: for the operator's CLI, never a call path."""
        params: dict[str, Any] = {"TableName": self.table_name}
        while True:
            response = self._call("scan", **params)
            yield from (Owner.from_item(item) for item in response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return
            params["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def put(self, owner: Owner, *, replace: bool = False) -> None:
        """Write ``owner``; refused when the id exists (unless ``replace``) or when another owner
        already has its SMA number (checked on the index first: the operator's tool, not atomic)."""
        holder = self.find_by_sma_number(owner.sma_number)
        if holder is not None and holder.owner_id != owner.owner_id:
            raise InvalidOwnerError(
                f"{owner.sma_number} is already assigned to owner {holder.owner_id!r}",
                hint="give each owner their own SMA number (callrec phone-number order)",
            )
        params: dict[str, Any] = {"TableName": self.table_name, "Item": owner.to_item()}
        if not replace:
            params["ConditionExpression"] = "attribute_not_exists(owner_id)"
        if not self._conditional("put_item", **params):
            raise InvalidOwnerError(
                f"owner {owner.owner_id!r} already exists",
                hint="use `callrec owners set-pin` or remove it first",
            )

    def set_pin_hash(self, owner_id: str, pin_hash: str) -> bool:
        """Store a new PIN hash on an existing owner; False when there is no such owner."""
        return self._conditional(
            "update_item",
            TableName=self.table_name,
            Key={"owner_id": {"S": owner_id}},
            UpdateExpression="SET pin_hash = :hash",
            ConditionExpression="attribute_exists(owner_id)",
            ExpressionAttributeValues={":hash": {"S": pin_hash}},
        )

    def remove(self, owner_id: str) -> bool:
        """Delete the owner; False when there was none."""
        return self._conditional(
            "delete_item",
            TableName=self.table_name,
            Key={"owner_id": {"S": owner_id}},
            ConditionExpression="attribute_exists(owner_id)",
        )

    def _find_one(self, index: str, attribute: str, value: str) -> Owner | None:
        response = self._call(
            "query",
            TableName=self.table_name,
            IndexName=index,
            KeyConditionExpression="#a = :v",
            ExpressionAttributeNames={"#a": attribute},
            ExpressionAttributeValues={":v": {"S": value}},
            Limit=2,
        )
        items = response.get("Items", [])
        if len(items) > 1:
            raise InvalidOwnerError(
                f"{attribute} {value!r} belongs to more than one owner "
                f"(at least {len(items)} entries)",
                hint="`callrec owners list` shows them; remove or fix one of the entries",
            )
        return Owner.from_item(items[0]) if items else None

    def _conditional(self, operation: str, **params: Any) -> bool:
        return dynamo.conditional(self.table_name, TABLE_ENV, operation, **params)

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        return dynamo.call(self.table_name, TABLE_ENV, operation, **params)


# --- the handler's read: by dialled number, cached per container -----------------------------


class _Cache:
    """Directory answers (owners and "no owner") kept for a short time in this container."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._entries: dict[tuple[str, str], tuple[float, Owner | None]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> tuple[bool, Owner | None]:
        with self._lock:
            found = self._entries.get(key)
        if found is None or found[0] <= self.clock():
            return False, None
        return True, found[1]

    def put(self, key: tuple[str, str], owner: Owner | None, ttl: float) -> None:
        with self._lock:
            self._entries[key] = (self.clock() + ttl, owner)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


CACHE: Final = _Cache()


def owner_for_number(sma_number: str) -> Owner | None:
    """The owner of the dialled ``sma_number``: at most one directory read per cache period."""
    table = settings.optional(TABLE_ENV)
    if not table:
        return single_owner(sma_number)
    key = (table, sma_number)
    hit, owner = CACHE.get(key)
    if hit:
        return owner
    owner = OwnerDirectory(table).find_by_sma_number(sma_number)
    ttl = settings.integer(CACHE_ENV, DEFAULT_CACHE_SECONDS, minimum=0, maximum=3600)
    if ttl:
        CACHE.put(key, owner, ttl)
    return owner


def single_owner(dialled: str) -> Owner:
    """The directory of one of the single-owner configuration (owner id ``default``)."""
    return _single_owner(
        settings.require(SINGLE_OWNER_ENV),
        settings.optional(SINGLE_SMA_ENV, dialled),
        settings.optional(SINGLE_PIN_ENV),
    )


@functools.lru_cache(maxsize=64)
def _single_owner(owner_number: str, sma_number: str, pin_hash: str) -> Owner:
    # Validated once per container and number, not on every call (the hot path of issue 14).
    return Owner(
        owner_id=DEFAULT_OWNER_ID,
        owner_numbers=(owner_number,),
        sma_number=sma_number,
        display_name="Owner",
        pin_hash=pin_hash,
    )
