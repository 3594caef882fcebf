"""Per-owner daily dial-out limits and the PIN lockout, in ``OWNER_USAGE_TABLE``.

Kept apart from the directory so the SMA handler's role can write counters without being able to
change an owner (PIN hash, allow-list). Items, key ``usage_key`` (S), TTL on ``expires_at``:

===========================  ===============================================================
``<owner>#day#YYYY-MM-DD``   ``calls`` dial-outs started and ``seconds`` talked that UTC day
``<owner>#pin``              ``failures`` (epoch seconds of wrong PINs), ``locked_until``
===========================  ===============================================================

A call is counted by one conditional ``UpdateItem`` (``ADD calls 1`` only while ``calls`` and
``seconds`` are under the owner's limits), so concurrent calls can never overshoot the call
limit. Minutes are added when the call ends: a call started under the limit runs to its end.
Without ``OWNER_USAGE_TABLE`` (the single-owner configuration) limits and lockouts are off.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from chalicelib import settings
from chalicelib.owners import dynamo

TABLE_ENV: Final = "OWNER_USAGE_TABLE"
LOCKOUT_FAILURES_ENV: Final = "PIN_LOCKOUT_FAILURES"
LOCKOUT_WINDOW_ENV: Final = "PIN_LOCKOUT_WINDOW_SECONDS"
LOCKOUT_SECONDS_ENV: Final = "PIN_LOCKOUT_SECONDS"
DAY_ITEM_DAYS: Final = 3  # a daily counter is kept for this many days, then expires


@dataclass(frozen=True)
class LockoutPolicy:
    """N wrong PINs (any calls) within a rolling window lock dial-out for a while."""

    failures: int = 5
    window_seconds: int = 900
    lock_seconds: int = 3600

    @classmethod
    def from_env(cls) -> LockoutPolicy:
        return cls(
            failures=settings.integer(LOCKOUT_FAILURES_ENV, 5, minimum=1, maximum=100),
            window_seconds=settings.integer(LOCKOUT_WINDOW_ENV, 900, minimum=1, maximum=604800),
            lock_seconds=settings.integer(LOCKOUT_SECONDS_ENV, 3600, minimum=1, maximum=604800),
        )


def day_of(epoch_seconds: float) -> str:
    return datetime.fromtimestamp(epoch_seconds, UTC).strftime("%Y-%m-%d")


class UsageStore:
    """Counters and lockouts of every owner, in the table named by ``OWNER_USAGE_TABLE``."""

    def __init__(self, table_name: str | None = None) -> None:
        self.table_name = table_name or settings.require(TABLE_ENV)

    @classmethod
    def configured(cls) -> UsageStore | None:
        """The store when ``OWNER_USAGE_TABLE`` is set, else None (limits and lockouts off)."""
        table = settings.optional(TABLE_ENV)
        return cls(table) if table else None

    # --- daily limits ------------------------------------------------------------------------

    def reserve_call(
        self, owner_id: str, *, call_limit: int, minute_limit: int, now: float | None = None
    ) -> bool:
        """Count one dial-out for today; False (nothing counted) when a daily limit is reached."""
        at = time.time() if now is None else now
        if call_limit <= 0 or minute_limit <= 0:
            return False
        return self._conditional(
            "update_item",
            TableName=self.table_name,
            Key=self._key(f"{owner_id}#day#{day_of(at)}"),
            UpdateExpression="ADD calls :one SET expires_at = :ttl",
            ConditionExpression="(attribute_not_exists(calls) OR calls < :calls) AND "
            "(attribute_not_exists(seconds) OR seconds < :seconds)",
            ExpressionAttributeValues={
                ":one": {"N": "1"},
                ":calls": {"N": str(call_limit)},
                ":seconds": {"N": str(minute_limit * 60)},
                ":ttl": {"N": str(int(at) + DAY_ITEM_DAYS * 86400)},
            },
        )

    def add_call_seconds(self, owner_id: str, seconds: int, *, started: float) -> None:
        """Add a finished call's talk time to the day it started on."""
        if seconds <= 0:
            return
        self._call(
            "update_item",
            TableName=self.table_name,
            Key=self._key(f"{owner_id}#day#{day_of(started)}"),
            UpdateExpression="ADD seconds :s SET expires_at = if_not_exists(expires_at, :ttl)",
            ExpressionAttributeValues={
                ":s": {"N": str(seconds)},
                ":ttl": {"N": str(int(started) + DAY_ITEM_DAYS * 86400)},
            },
        )

    # --- PIN lockout -------------------------------------------------------------------------

    def locked_until(self, owner_id: str, *, now: float | None = None) -> float | None:
        """When the owner's dial-out lock ends, or None when it is not locked."""
        at = time.time() if now is None else now
        response = self._call(
            "get_item",
            TableName=self.table_name,
            Key=self._key(f"{owner_id}#pin"),
            ConsistentRead=True,
            ProjectionExpression="locked_until",
        )
        raw = response.get("Item", {}).get("locked_until", {}).get("N")
        until = float(raw) if raw else 0.0
        return until if until > at else None

    def record_pin_failure(
        self, owner_id: str, policy: LockoutPolicy, *, now: float | None = None
    ) -> float | None:
        """Note one wrong PIN; when it makes ``policy.failures`` within the window, lock dial-out
        and return when the lock ends (else None)."""
        at = int(time.time() if now is None else now)
        key = self._key(f"{owner_id}#pin")
        ttl = {"N": str(at + policy.window_seconds + policy.lock_seconds)}
        response = self._call(
            "update_item",
            TableName=self.table_name,
            Key=key,
            UpdateExpression="SET failures = list_append(if_not_exists(failures, :empty), :now), "
            "expires_at = :ttl",
            ExpressionAttributeValues={
                ":empty": {"L": []},
                ":now": {"L": [{"N": str(at)}]},
                ":ttl": ttl,
            },
            ReturnValues="ALL_NEW",
        )
        failures = [int(float(v["N"])) for v in response["Attributes"]["failures"]["L"]]
        recent = [t for t in failures if t > at - policy.window_seconds]
        if len(recent) >= policy.failures:
            until = at + policy.lock_seconds
            self._set_failures(key, [], {":until": {"N": str(until)}, ":ttl": ttl})
            return float(until)
        if len(failures) > 2 * policy.failures:  # keep the list short: drop what left the window
            self._set_failures(key, recent, {":ttl": ttl})
        return None

    def _set_failures(
        self, key: dict[str, Any], failures: list[int], values: dict[str, Any]
    ) -> None:
        update = "SET failures = :failures, expires_at = :ttl"
        if ":until" in values:
            update += ", locked_until = :until"
        self._call(
            "update_item",
            TableName=self.table_name,
            Key=key,
            UpdateExpression=update,
            ExpressionAttributeValues={
                ":failures": {"L": [{"N": str(t)} for t in failures]},
                **values,
            },
        )

    # --- plumbing ----------------------------------------------------------------------------

    @staticmethod
    def _key(usage_key: str) -> dict[str, Any]:
        return {"usage_key": {"S": usage_key}}

    def _conditional(self, operation: str, **params: Any) -> bool:
        return dynamo.conditional(self.table_name, TABLE_ENV, operation, **params)

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        return dynamo.call(self.table_name, TABLE_ENV, operation, **params)
