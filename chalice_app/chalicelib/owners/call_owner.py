"""What a call keeps of its owner between invocations (the dial-out checks made with it are
in chalicelib.owners.dial_out).

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

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from chalicelib.errors import InvalidEventError
from chalicelib.owners.model import Owner

ATTRIBUTE: Final = "own"


@dataclass(frozen=True)
class CallOwner:
    """What the call keeps of its owner (the ``own`` attribute; see the module doc)."""

    owner_id: str
    prefixes: tuple[str, ...]
    call_limit: int
    minute_limit: int
    pin_hash: str = ""
    verified: bool = False
    bridged_at: int = 0

    # Both are remembered on the (immutable) Owner, which the directory cache hands out again
    # for every call of the cache period: the value and its encoding are built once per owner.
    @classmethod
    def for_owner_calling(cls, owner: Owner) -> CallOwner:
        """The owner dialled in from one of their numbers: verified unless a PIN is still due."""
        known: CallOwner | None = owner.__dict__.get("_calling")
        if known is None:
            known = owner.__dict__["_calling"] = cls(
                owner_id=owner.owner_id,
                prefixes=owner.prefixes,
                call_limit=owner.daily_call_limit,
                minute_limit=owner.daily_minute_limit,
                pin_hash=owner.pin_hash,
                verified=not owner.has_pin,
            )
        return known

    @classmethod
    def for_inbound(cls, owner: Owner) -> CallOwner:
        """Someone else called the owner's number: the call belongs to the owner, never verified."""
        known: CallOwner | None = owner.__dict__.get("_called")
        if known is None:
            known = owner.__dict__["_called"] = cls(
                owner.owner_id, (), owner.daily_call_limit, owner.daily_minute_limit
            )
        return known

    @property
    def pin_due(self) -> bool:
        return bool(self.pin_hash) and not self.verified

    def with_(self, **changes: Any) -> CallOwner:
        fields = {name: self.__dict__[name] for name in _FIELD_NAMES}
        return CallOwner(**{**fields, **changes})

    def encode(self) -> str:
        """The attribute value (computed once per instance)."""
        text: str | None = self.__dict__.get("_text")
        if text is None:
            text = self.__dict__["_text"] = self._json()
        return text

    def _json(self) -> str:
        # Compact JSON written out by hand (json.dumps of the dict was a tenth of an invocation);
        # strings go through the json module's own escaping, and decode reads it back with
        # json.loads (tests/owners check the round trip).
        parts = [
            f'"i":{_json_text(self.owner_id)}',
            '"a":[' + ",".join(map(_json_text, self.prefixes)) + "]",
            f'"c":{int(self.call_limit)}',
            f'"m":{int(self.minute_limit)}',
        ]
        if self.pin_hash and not self.verified:
            parts.append(f'"h":{_json_text(self.pin_hash)}')
        if self.verified:
            parts.append('"v":1')
        if self.bridged_at:
            parts.append(f'"b":{int(self.bridged_at)}')
        return "{" + ",".join(parts) + "}"

    @classmethod
    def decode(cls, text: str) -> CallOwner | None:
        """The call's owner ('' decodes to None); a garbled value raises InvalidEventError.
        The same (immutable) value for the same text, parsed once per container: a call's value
        comes back with every event, and the flow reads it on several."""
        if not text:
            return None
        return _decoded(text)

    @classmethod
    def _parse(cls, text: str) -> CallOwner:
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


# json's own string escaping (C-accelerated), as json.dumps applies it.
_json_text: Callable[[str], str] = json.encoder.encode_basestring_ascii
_FIELD_NAMES: Final = tuple(CallOwner.__dataclass_fields__)


@functools.lru_cache(maxsize=256)
def _decoded(text: str) -> CallOwner:
    """The value of ``text``, parsed once per container (values are immutable; a garbled text
    raises every time, lru_cache keeps no exception)."""
    owner = CallOwner._parse(text)
    owner.__dict__["_text"] = text  # encodes back to what it came from
    return owner
