"""What a call keeps of its owner between invocations, and the dial-out checks made with it.

The directory is read once, on ``NEW_INBOUND_CALL``; what the rest of the call needs travels in
one ``TransactionAttributes`` value (``own``), compact JSON:

=====  =====================================================================
``i``  owner id
``h``  the PIN hash while the PIN is still to be entered (cleared once verified)
``a``  allowed destination prefixes
``c``  daily dial-out limit; ``m`` daily minute limit
``v``  1 once the caller proved to be the owner in this call (caller id, and PIN when set)
``b``  epoch seconds the dial-out was bridged (for the minutes counter)
=====  =====================================================================

A state rebuilt from an event without attributes has no ``own`` value, hence no ``v``: it can
never dial out. The PIN hash is a salted scrypt hash; it is held by Chime with the transaction
for the seconds the PIN prompt takes, never logged, and dropped as soon as the PIN is right.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Final

from chalicelib.errors import InvalidEventError
from chalicelib.owners import destinations, pins
from chalicelib.owners.model import Owner
from chalicelib.owners.usage import LockoutPolicy, UsageStore

ATTRIBUTE: Final = "own"
MAX_WRONG_PINS_PER_CALL: Final = 3


@dataclass(frozen=True)
class CallOwner:
    owner_id: str
    prefixes: tuple[str, ...]
    call_limit: int
    minute_limit: int
    pin_hash: str = ""
    verified: bool = False
    bridged_at: int = 0

    @classmethod
    def for_owner_calling(cls, owner: Owner) -> CallOwner:
        """The owner dialled in from one of their numbers: verified unless a PIN is still due."""
        return cls(
            owner_id=owner.owner_id,
            prefixes=owner.prefixes,
            call_limit=owner.daily_call_limit,
            minute_limit=owner.daily_minute_limit,
            pin_hash=owner.pin_hash,
            verified=not owner.has_pin,
        )

    @classmethod
    def for_inbound(cls, owner: Owner) -> CallOwner:
        """Someone else called the owner's number: the call belongs to the owner, never verified."""
        return cls(owner.owner_id, (), owner.daily_call_limit, owner.daily_minute_limit)

    @property
    def pin_due(self) -> bool:
        return bool(self.pin_hash) and not self.verified

    def with_(self, **changes: Any) -> CallOwner:
        return replace(self, **changes)

    def encode(self) -> str:
        data: dict[str, Any] = {
            "i": self.owner_id,
            "a": list(self.prefixes),
            "c": self.call_limit,
            "m": self.minute_limit,
        }
        if self.pin_hash and not self.verified:
            data["h"] = self.pin_hash
        if self.verified:
            data["v"] = 1
        if self.bridged_at:
            data["b"] = self.bridged_at
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def decode(cls, text: str) -> CallOwner | None:
        """The call's owner ('' decodes to None); a garbled value raises InvalidEventError."""
        if not text:
            return None
        try:
            data = json.loads(text)
            return cls(
                owner_id=str(data["i"]),
                prefixes=tuple(str(p) for p in data["a"]),
                call_limit=int(data["c"]),
                minute_limit=int(data["m"]),
                pin_hash=str(data.get("h", "")),
                verified=data.get("v") == 1,
                bridged_at=int(data.get("b", 0)),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidEventError(
                f"TransactionAttributes[{ATTRIBUTE!r}] is not a call owner: {error}",
                hint="the attributes were changed outside this handler",
            ) from error


# --- the checks -----------------------------------------------------------------------------


class PinOutcome(StrEnum):
    RIGHT = "right"
    WRONG = "wrong"  # ask again
    TOO_MANY = "too_many"  # third wrong PIN in this call: end it
    LOCKED = "locked"  # the owner's dial-out is locked (now, or by this failure)


@dataclass(frozen=True)
class PinCheck:
    outcome: PinOutcome
    owner: CallOwner
    locked_until: float | None = None
    newly_locked: bool = False


def check_pin(
    owner: CallOwner,
    digits: str,
    *,
    wrong_so_far: int,
    usage: UsageStore | None,
    policy: LockoutPolicy,
    now: float,
) -> PinCheck:
    """Verify the PIN the caller keyed in (``#`` terminator ignored). A locked owner is refused
    even with the right PIN; each wrong PIN counts towards the lockout."""
    if usage is not None:
        locked = usage.locked_until(owner.owner_id, now=now)
        if locked is not None:
            return PinCheck(PinOutcome.LOCKED, owner, locked)
    if pins.verify_pin(digits.rstrip("#"), owner.pin_hash):
        return PinCheck(PinOutcome.RIGHT, owner.with_(verified=True, pin_hash=""))
    locked = usage.record_pin_failure(owner.owner_id, policy, now=now) if usage else None
    if locked is not None:
        return PinCheck(PinOutcome.LOCKED, owner, locked, newly_locked=True)
    if wrong_so_far + 1 >= MAX_WRONG_PINS_PER_CALL:
        return PinCheck(PinOutcome.TOO_MANY, owner)
    return PinCheck(PinOutcome.WRONG, owner)


class Refusal(StrEnum):
    NOT_VERIFIED = "not_verified"
    DESTINATION = "destination"
    LIMIT = "limit"


@dataclass(frozen=True)
class DialOut:
    """The answer to "may this call dial ``number``?": ``refusal`` is None when it may."""

    refusal: Refusal | None
    reason: str = ""


def authorize_dial_out(
    owner: CallOwner | None, number: str, *, usage: UsageStore | None, now: float
) -> DialOut:
    """Only a verified owner, to an allowed destination, under the daily limits (counted here)."""
    if owner is None or not owner.verified:
        return DialOut(Refusal.NOT_VERIFIED, "the caller has not been verified as the owner")
    decision = destinations.decide(number, owner.prefixes)
    if not decision.allowed:
        return DialOut(Refusal.DESTINATION, decision.reason)
    if owner.call_limit <= 0 or owner.minute_limit <= 0:
        return DialOut(Refusal.LIMIT, "dial-out is disabled for this owner (daily limit 0)")
    if usage is not None and not usage.reserve_call(
        owner.owner_id, call_limit=owner.call_limit, minute_limit=owner.minute_limit, now=now
    ):
        return DialOut(Refusal.LIMIT, "daily dial-out limit reached")
    return DialOut(None)
