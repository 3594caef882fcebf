"""The call's state, carried between invocations in ``TransactionAttributes``.

Chime stores the attributes a response returns and sends them back in every later event of the
transaction (``CallDetails.TransactionAttributes``), so the Lambda keeps nothing in memory. The
guide gives 100 pairs and 20 KB, yet its "Invalid inputs" example rejects 11 pairs ("Maximum
number of mappings is 10"); this flow holds itself to 10 keys of at most 1,024 characters each,
within either reading, and small enough to read in logs.

=========  ================================================================
key        value
=========  ================================================================
phase      Phase (new, collecting, connecting, bridged, ending, ended)
dir        chalicelib.channels.Direction
owner      owner's E.164 number
other      the other party's E.164 number (once known)
sma        the SMA's E.164 number (caller id of outbound bridges)
rec        RecordingState
tries      numbers the owner entered that could not be called
recleg     CallId of the recorded leg (LEG-A)
pending    the recording request in flight and the ones queued (chalicelib.sma.requests)
own        the call's owner (chalicelib.owners.call_owner): id, limits, verified
=========  ================================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Final

from chalicelib.call_records import RecordingState
from chalicelib.channels import Direction
from chalicelib.errors import InvalidEventError

MAX_KEYS = 10
MAX_VALUE_CHARS = 1024


class Phase(StrEnum):
    NEW = "new"  # no attributes yet: the first event of the transaction
    PIN = "pin"  # the owner is asked for their dial-out PIN
    COLLECTING = "collecting"  # owner is asked for the number to dial
    CONNECTING = "connecting"  # CallAndBridge under way
    BRIDGED = "bridged"  # both parties connected
    ENDING = "ending"  # goodbye / apology and Hangup sent
    ENDED = "ended"  # every leg disconnected


@dataclass(frozen=True)
class CallState:
    """The call's state between invocations (the table in the module doc)."""

    phase: Phase = Phase.NEW
    direction: Direction | None = None
    owner: str = ""
    other: str = ""
    sma: str = ""
    recording: RecordingState = RecordingState.NOT_STARTED
    tries: int = 0
    recorded_call_id: str = ""
    pending: str = ""
    call_owner: str = ""  # chalicelib.owners.call_owner.CallOwner, encoded

    def with_(self, **changes: object) -> CallState:
        """A copy with ``changes`` (a frozen dataclass copied without ``dataclasses.replace``,
        which re-runs ``__init__`` and costs a third of a transition; names are checked)."""
        if not changes.keys() <= _FIELDS:
            unknown = changes.keys() - _FIELDS
            raise TypeError(f"CallState has no field(s) {sorted(unknown)}")
        copy = object.__new__(CallState)
        copy.__dict__.update(self.__dict__)
        copy.__dict__.update(changes)
        return copy

    def to_attributes(self) -> dict[str, str]:
        """Encode; raise ValueError when the documented-by-us limits would be exceeded.

        Empty values are left out; the handler sends a key that was set before and is now empty
        as "" (see with_cleared_keys), since leaving a key out does not clear it."""
        attrs = {"phase": _TEXT[self.phase]}
        if self.direction is not None:
            attrs["dir"] = _TEXT[self.direction]
        # In the documented key order; ``rec`` and ``tries`` ("0" included) are never empty.
        for key, value in (
            ("owner", self.owner),
            ("other", self.other),
            ("sma", self.sma),
            ("rec", _TEXT[self.recording]),
            ("tries", str(self.tries)),
            ("recleg", self.recorded_call_id),
            ("pending", self.pending),
            ("own", self.call_owner),
        ):
            if value:
                attrs[key] = value
        check_limits(attrs)
        return attrs

    @classmethod
    def from_attributes(cls, attrs: Mapping[str, str]) -> CallState:
        """Decode; no ``phase`` means a new transaction. Garbled values raise InvalidEventError."""
        if not attrs.get("phase"):
            return _NEW
        get = attrs.get
        try:
            # Built like with_(): the values are decoded here, __init__ would only copy them.
            state = object.__new__(cls)
            state.__dict__.update(
                phase=_PHASES[attrs["phase"]],
                direction=_DIRECTIONS[attrs["dir"]] if get("dir") else None,
                owner=get("owner", ""),
                other=get("other", ""),
                sma=get("sma", ""),
                recording=_RECORDING[get("rec") or RecordingState.NOT_STARTED.value],
                tries=int(get("tries") or 0),
                recorded_call_id=get("recleg", ""),
                pending=get("pending", ""),
                call_owner=get("own", ""),
            )
        except (ValueError, KeyError) as error:
            raise InvalidEventError(
                f"TransactionAttributes do not decode to a call state: {error}",
                hint="the attributes were changed outside this handler",
            ) from error
        return state

    def describe(self) -> dict[str, object]:
        """For logs: the call owner shown as set or not (it may hold a PIN hash)."""
        described = {k: str(v) if isinstance(v, StrEnum) else v for k, v in asdict(self).items()}
        described["call_owner"] = "set" if self.call_owner else ""
        return described


# Value -> member, a dict lookup instead of an Enum call on every invocation (a miss is a KeyError,
# which from_attributes reports like a ValueError).
_PHASES: Final = {p.value: p for p in Phase}
_DIRECTIONS: Final = {d.value: d for d in Direction}
_RECORDING: Final = {r.value: r for r in RecordingState}
# Member -> its plain value (an Enum's ``.value`` is a descriptor call, several per invocation).
_TEXT: Final[dict[StrEnum, str]] = {
    m: m.value for enum in (Phase, Direction, RecordingState) for m in enum
}
_NEW: Final = CallState()
_FIELDS: Final = frozenset(_NEW.__dict__)

ATTRIBUTE_KEYS: Final = (
    "phase",
    "dir",
    "owner",
    "other",
    "sma",
    "rec",
    "tries",
    "recleg",
    "pending",
    "own",
)


def with_cleared_keys(before: Mapping[str, str], after: Mapping[str, str]) -> dict[str, str]:
    """``after`` plus ``""`` for each state key ``before`` set that ``after`` no longer has.

    The guide ("Using TransactionAttributes", "Updating TransactionAttributes") says a returned
    map updates the stored one key by key, that new keys are added, and that omitting the
    structure does not clear it (only ``{}`` clears everything): a key left out may well keep its
    old value, so a value that is no longer set (e.g. ``pending`` once carried out) goes back
    as an empty string, which decodes as unset either way.
    """
    cleared = {key: "" for key in ATTRIBUTE_KEYS if before.get(key) and key not in after}
    return {**after, **cleared}


def check_limits(attrs: Mapping[str, str]) -> None:
    if len(attrs) > MAX_KEYS:
        raise ValueError(f"{len(attrs)} TransactionAttributes keys; the limit is {MAX_KEYS}")
    values = attrs.values()
    # The common case in two C-level passes (join refuses a value that is not a string, as
    # isinstance would); the loop below says which value is wrong.
    try:
        "".join(values)
        if max(map(len, values), default=0) <= MAX_VALUE_CHARS:
            return
    except TypeError:
        pass
    for key, value in attrs.items():
        if not isinstance(value, str):
            raise ValueError(f"TransactionAttributes[{key!r}] is not a string")
        if len(value) > MAX_VALUE_CHARS:
            raise ValueError(
                f"TransactionAttributes[{key!r}] has {len(value)} characters; "
                f"the limit is {MAX_VALUE_CHARS}"
            )
