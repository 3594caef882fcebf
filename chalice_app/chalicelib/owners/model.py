"""One owner of the directory, validated, and its DynamoDB item form.

The item is the contract shared with the console (BRIEF, "Owner directory"): key ``owner_id``
(S); ``display_name``, ``owner_numbers`` (list of E.164), ``sma_number`` (E.164), ``pin_hash``,
``allowed_prefixes`` (list), ``daily_call_limit``, ``daily_minute_limit``, ``console_username``.
An absent ``pin_hash`` means no PIN (caller id alone admits dial-out); an absent
``allowed_prefixes`` means the owner's own country code(s).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

from chalicelib.errors import CallRecError
from chalicelib.owners import destinations

DEFAULT_OWNER_ID: Final = "default"
DEFAULT_DAILY_CALL_LIMIT: Final = 50
DEFAULT_DAILY_MINUTE_LIMIT: Final = 240
MAX_OWNER_NUMBERS: Final = 5
MAX_PREFIXES: Final = 20

OWNER_ID: Final = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
E164: Final = re.compile(r"^\+[1-9][0-9]{6,14}$")
USERNAME: Final = re.compile(r"^[\w.@+-]{1,128}$")


class InvalidOwnerError(CallRecError):
    """An owner entry (from the CLI, Terraform or the table) breaks the directory's rules."""

    code = "InvalidOwner"


@dataclass(frozen=True)
class Owner:
    """One entry of the owner directory."""

    owner_id: str
    owner_numbers: tuple[str, ...]
    sma_number: str
    display_name: str = ""
    pin_hash: str = ""
    allowed_prefixes: tuple[str, ...] = field(default=())
    daily_call_limit: int = DEFAULT_DAILY_CALL_LIMIT
    daily_minute_limit: int = DEFAULT_DAILY_MINUTE_LIMIT
    console_username: str = ""

    def __post_init__(self) -> None:
        _check(self)

    @property
    def prefixes(self) -> tuple[str, ...]:
        """The allow-list in force: the configured one, or the owner's own country code(s)."""
        return self.allowed_prefixes or destinations.default_prefixes(self.owner_numbers)

    @property
    def has_pin(self) -> bool:
        return bool(self.pin_hash)

    def with_(self, **changes: Any) -> Owner:
        return replace(self, **changes)

    def to_item(self) -> dict[str, Any]:
        """The DynamoDB item (attribute-value form); empty optional attributes are left out."""
        item: dict[str, Any] = {
            "owner_id": {"S": self.owner_id},
            "owner_numbers": {"L": [{"S": n} for n in self.owner_numbers]},
            "sma_number": {"S": self.sma_number},
            "daily_call_limit": {"N": str(self.daily_call_limit)},
            "daily_minute_limit": {"N": str(self.daily_minute_limit)},
        }
        optional = {
            "display_name": self.display_name,
            "pin_hash": self.pin_hash,
            "console_username": self.console_username,
        }
        item.update({name: {"S": value} for name, value in optional.items() if value})
        if self.allowed_prefixes:
            item["allowed_prefixes"] = {"L": [{"S": p} for p in self.allowed_prefixes]}
        return item

    def describe(self) -> dict[str, Any]:
        """Plain values for listing: the PIN hash is replaced by whether a PIN is set."""
        return {
            "owner_id": self.owner_id,
            "display_name": self.display_name,
            "owner_numbers": list(self.owner_numbers),
            "sma_number": self.sma_number,
            "pin": "set" if self.has_pin else "none",
            "allowed_prefixes": list(self.prefixes),
            "daily_call_limit": self.daily_call_limit,
            "daily_minute_limit": self.daily_minute_limit,
            "console_username": self.console_username,
        }

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> Owner:
        """Decode a DynamoDB item; InvalidOwnerError when it is not a valid owner."""
        try:
            return cls(
                owner_id=_string(item, "owner_id"),
                owner_numbers=_strings(item, "owner_numbers"),
                sma_number=_string(item, "sma_number"),
                display_name=_string(item, "display_name"),
                pin_hash=_string(item, "pin_hash"),
                allowed_prefixes=_strings(item, "allowed_prefixes"),
                daily_call_limit=_number(item, "daily_call_limit", DEFAULT_DAILY_CALL_LIMIT),
                daily_minute_limit=_number(item, "daily_minute_limit", DEFAULT_DAILY_MINUTE_LIMIT),
                console_username=_string(item, "console_username"),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidOwnerError(
                f"directory item {item.get('owner_id', {}).get('S', '?')!r} is malformed: {error}",
                hint="rewrite it with `callrec owners add` or Terraform's `owners` input",
            ) from error


def _string(item: Mapping[str, Any], name: str) -> str:
    value = item.get(name)
    return str(value["S"]) if value else ""


def _strings(item: Mapping[str, Any], name: str) -> tuple[str, ...]:
    value = item.get(name)
    if not value:
        return ()
    if "SS" in value:  # a string set, as a hand-written item might have it
        return tuple(sorted(value["SS"]))
    return tuple(str(entry["S"]) for entry in value["L"])


def _number(item: Mapping[str, Any], name: str, default: int) -> int:
    value = item.get(name)
    return int(value["N"]) if value else default


def _check(owner: Owner) -> None:
    problems = [problem for check in _CHECKS if (problem := check(owner))]
    if problems:
        raise InvalidOwnerError(
            f"owner {owner.owner_id!r}: {'; '.join(problems)}",
            hint="fix the entry and try again (see docs/owners.md)",
        )


def _id_problem(owner: Owner) -> str:
    if OWNER_ID.match(owner.owner_id):
        return ""
    return "owner id must be 1-64 lower-case letters, digits, '-' or '_'"


def _numbers_problem(owner: Owner) -> str:
    if not 1 <= len(owner.owner_numbers) <= MAX_OWNER_NUMBERS:
        return f"give 1 to {MAX_OWNER_NUMBERS} owner phone numbers"
    bad = [n for n in (*owner.owner_numbers, owner.sma_number) if not E164.match(n)]
    if bad:
        return f"not E.164 phone numbers: {', '.join(bad)}"
    if owner.sma_number in owner.owner_numbers:
        return "the SMA number cannot also be one of the owner's own numbers"
    return ""


def _prefixes_problem(owner: Owner) -> str:
    if len(owner.allowed_prefixes) > MAX_PREFIXES:
        return f"at most {MAX_PREFIXES} allowed prefixes"
    bad = [p for p in owner.allowed_prefixes if not destinations.PREFIX_PATTERN.match(p)]
    return f"allowed prefixes must look like +44 or +1206: {', '.join(bad)}" if bad else ""


def _limits_problem(owner: Owner) -> str:
    if not 0 <= owner.daily_call_limit <= 10_000 or not 0 <= owner.daily_minute_limit <= 100_000:
        return "daily limits must be 0-10000 calls and 0-100000 minutes (0 disables dial-out)"
    return ""


def _other_problem(owner: Owner) -> str:
    if owner.pin_hash and not _is_pin_hash(owner.pin_hash):
        return "pin_hash is not a scrypt hash written by `callrec owners set-pin`"
    if owner.console_username and not USERNAME.match(owner.console_username):
        return "console user name must be 1-128 letters, digits or . @ + - _"
    if len(owner.display_name) > 128:
        return "display name must be at most 128 characters"
    return ""


def _is_pin_hash(text: str) -> bool:
    from chalicelib.owners import pins  # the PIN module only for an owner that has a PIN

    return pins.is_pin_hash(text)


_CHECKS = (_id_problem, _numbers_problem, _prefixes_problem, _limits_problem, _other_problem)
