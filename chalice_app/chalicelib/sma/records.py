"""Writing the call record for the SMA flow. A storage problem never drops the call: it is logged
with the transaction id and the flow goes on."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from chalicelib import settings
from chalicelib.call_records import TABLE_ENV, CallRecords
from chalicelib.errors import CallRecError

logger = logging.getLogger(__name__)


class RecordUpdate:
    """What one transition wants written: attributes to set and entries to append to lists.
    Immutable by convention; a slotted class rather than a dataclass (built on most
    invocations, and the dataclass's generated methods cost the cold start)."""

    __slots__ = ("appends", "values")

    def __init__(
        self, values: Mapping[str, Any] | None = None, appends: Sequence[tuple[str, Any]] = ()
    ) -> None:
        self.values: Mapping[str, Any] = {} if values is None else values
        self.appends = appends

    def __bool__(self) -> bool:
        return bool(self.values) or bool(self.appends)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RecordUpdate):
            return NotImplemented
        return dict(self.values) == dict(other.values) and list(self.appends) == list(other.appends)

    __hash__ = None  # type: ignore[assignment]  # mutable contents, like the dataclass it was

    def __repr__(self) -> str:
        return f"RecordUpdate(values={dict(self.values)!r}, appends={list(self.appends)!r})"


# Nothing to write: the one instance most transitions share (frozen, and nothing mutates
# ``values``), instead of a new one per result.
NO_RECORD = RecordUpdate()


def apply(transaction_id: str, update: RecordUpdate) -> None:
    """Write ``update``; a storage problem is logged (the handler logs anything unexpected)."""
    if not update:
        return
    table = settings.optional(TABLE_ENV)
    if not table:
        logger.warning(
            "transaction %s: %s is not set; call record not written: %s",
            transaction_id,
            TABLE_ENV,
            dict(update.values),
        )
        return
    appends: dict[str, list[Any]] = {}
    for attribute, entry in update.appends:
        appends.setdefault(attribute, []).append(entry)
    try:
        # One write per invocation: the handler answers Chime only after it.
        CallRecords(table).update(transaction_id, update.values, appends)
    except CallRecError as error:
        logger.error(
            "transaction %s: call record not written, the call goes on: [%s] %s",
            transaction_id,
            error.code,
            error,
        )
