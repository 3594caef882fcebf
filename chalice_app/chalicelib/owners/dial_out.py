"""The dial-out checks made with the call's owner (chalicelib.owners.call_owner): the PIN keyed
in, and whether this call may dial a number. Imported by the flow when a PIN or a number is keyed
in, not on the first answer of a call (the cold path of issue 14).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from chalicelib.owners import destinations
from chalicelib.owners.call_owner import CallOwner

if TYPE_CHECKING:  # annotations only: the checks get the store from their caller
    from chalicelib.owners.usage import LockoutPolicy, UsageStore

MAX_WRONG_PINS_PER_CALL: Final = 3


class PinOutcome(StrEnum):
    RIGHT = "right"
    WRONG = "wrong"  # ask again
    TOO_MANY = "too_many"  # third wrong PIN in this call: end it
    LOCKED = "locked"  # the owner's dial-out is locked (now, or by this failure)


@dataclass(frozen=True)
class PinCheck:
    """The verdict on a PIN the caller keyed in, and the call owner after it."""

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
    from chalicelib.owners import pins  # scrypt: only when a PIN is keyed in

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
