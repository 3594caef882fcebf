"""The call records table: one DynamoDB item per call, keyed by the SMA transaction id.

Every stage of the pipeline writes here (the SMA handler, the transcription and report Lambdas,
the media insights consumers), so a recording from either recording path is found the same way.
Writes are partial updates (``UpdateItem``) so stages never overwrite each other's attributes.

Attribute names (the contract between stages):

=====================  =====================================================================
transaction_id         partition key (string)
owner_id               the owner's id in the owner directory; with ``started_at`` the key of
                       the ``owner_id-started_at`` index (OWNER_INDEX) the console lists from
direction              ``outbound`` | ``inbound`` (chalicelib.channels.Direction)
owner_number           E.164 of the owner
other_number           E.164 of the other party
sma_number             E.164 of the SIP media application's number
recorded_leg           ``LEG-A`` | ``LEG-B``: the leg whose tracks were recorded
started_at, ended_at   ISO 8601 UTC
recording_state        RecordingState (``not_started``, ``recording``, ``paused``, ...)
recording_events       list of {at, state, by}
recording_location     ``s3://bucket/key`` of the recording object
recording_bucket       bucket of the recording object
recording_key          key of the recording object
recording_duration     seconds (string as in the S3 object metadata)
recording_format       ``wav`` | ``ogg``
recording_media_type   ``recording-audio-file-format`` object metadata (e.g. ``audio/wav``)
source_path            ``sma`` | ``media-insights``
transcription_job      job name;  transcription_status: Transcribe's status
transcription_kind     ``call-analytics`` | ``standard`` (standard = mono fallback)
report_key             key of the Word report
notes                  list of human-readable notes (fallbacks, rejections, failures)
expires_at             epoch seconds for the table's TTL
=====================  =====================================================================
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from chalicelib import aws, settings
from chalicelib.errors import StorageError

logger = logging.getLogger(__name__)

TABLE_ENV = "CALL_RECORDS_TABLE"
RETENTION_ENV = "CALL_RECORDS_RETENTION_DAYS"
# Global secondary index (owner_id HASH, started_at RANGE, projection ALL): an owner's calls,
# newest first, without a scan. Created by infra/modules/call-analytics and the local stack.
OWNER_INDEX = "owner_id-started_at"


class RecordingState(StrEnum):
    """The ``recording_state`` attribute, written by both recording paths."""

    NOT_STARTED = "not_started"
    RECORDING = "recording"
    PAUSED = "paused"
    STOPPED = "stopped"
    FAILED = "failed"


class RecordingSource(StrEnum):
    """Which recording path produced the object (the ``source_path`` attribute)."""

    SMA = "sma"
    MEDIA_INSIGHTS = "media-insights"


def iso_utc(moment: datetime) -> str:
    """``moment`` as ISO 8601 UTC with milliseconds and ``Z``, the format of every record time."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def utc_now_iso() -> str:
    """The current time in the records' format (see :func:`iso_utc`: milliseconds truncated, as
    ``isoformat`` does). The SMA handler reads it on most invocations, so the part up to the
    second is formatted once per second and only the milliseconds are added."""
    # The clock in integer nanoseconds, floored to milliseconds, is what datetime.now (which
    # floors the same nanosecond clock to microseconds) and isoformat give; a float of
    # time.time() is 0.24 us coarse at today's dates and lands in the next millisecond or
    # second about once in ten thousand reads.
    second, nanoseconds = divmod(time.time_ns(), 1_000_000_000)
    cached, text = _LAST_SECOND[0]
    if second != cached:
        text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        _LAST_SECOND[0] = (second, text)
    return f"{text}.{nanoseconds // 1_000_000:03d}Z"


# The second utc_now_iso formatted last and its text (one tuple: replaced whole).
_LAST_SECOND: list[tuple[int, str]] = [(-1, "")]


class CallRecords:
    """Typed access to the call records table named by ``CALL_RECORDS_TABLE``."""

    def __init__(self, table_name: str | None = None) -> None:
        self.table_name = table_name or settings.require(TABLE_ENV)

    def get(self, transaction_id: str) -> dict[str, Any] | None:
        """Return the call record as plain Python values, or None when there is none."""
        response = self._call(
            "get_item",
            TableName=self.table_name,
            Key={"transaction_id": {"S": transaction_id}},
            ConsistentRead=True,
        )
        item = response.get("Item")
        return _from_dynamo(item) if item else None

    def list_for_owner(
        self,
        owner_id: str,
        *,
        limit: int = 50,
        start_key: Mapping[str, Any] | None = None,
    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """One page of ``owner_id``'s calls, newest first, from :data:`OWNER_INDEX` (no scan).

        Returns the records and the key to pass as ``start_key`` for the next page (None at the
        end). The key is DynamoDB's ``LastEvaluatedKey`` in plain values.
        """
        params: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": OWNER_INDEX,
            "KeyConditionExpression": "owner_id = :owner",
            "ExpressionAttributeValues": {":owner": {"S": owner_id}},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if start_key:
            params["ExclusiveStartKey"] = {k: _to_dynamo(v) for k, v in start_key.items()}
        response = self._call("query", **params)
        items = [_from_dynamo(item) for item in response.get("Items", [])]
        last = response.get("LastEvaluatedKey")
        return items, (_from_dynamo(last) if last else None)

    def update(
        self,
        transaction_id: str,
        values: Mapping[str, Any],
        appends: Mapping[str, Sequence[Any]] | None = None,
    ) -> None:
        """Set ``values`` and extend the lists in ``appends`` (each created empty when absent),
        in one write that creates the record when absent and refreshes its TTL."""
        fields = dict(values)
        fields.setdefault("expires_at", self._expiry())
        lists = {name: entries for name, entries in (appends or {}).items() if entries}
        if overlap := fields.keys() & lists.keys():
            raise ValueError(f"{sorted(overlap)} both set and appended to in one update")
        names: dict[str, str] = {}
        vals: dict[str, Any] = {}
        assignments: list[str] = []
        # The placeholders of each position, formatted once per process (three f-strings per
        # field were a tenth of the SMA handler's writing invocations, issue 14).
        for (name_slot, value_slot, assignment), name, value in zip(
            _field_slots(len(fields)), fields, fields.values(), strict=False
        ):
            names[name_slot] = name
            vals[value_slot] = _to_dynamo(value)
            assignments.append(assignment)
        for i, (name, entries) in enumerate(lists.items()):
            names[f"#l{i}"] = name
            vals[f":l{i}"] = {"L": [_to_dynamo(entry) for entry in entries]}
            assignments.append(f"#l{i} = list_append(if_not_exists(#l{i}, :empty), :l{i})")
        if lists:
            vals[":empty"] = {"L": []}
        self._call(
            "update_item",
            TableName=self.table_name,
            Key={"transaction_id": {"S": transaction_id}},
            UpdateExpression=f"SET {', '.join(assignments)}",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=vals,
        )

    def append(self, transaction_id: str, attribute: str, *entries: Any) -> None:
        """Append ``entries`` to the list ``attribute`` (created empty when absent)."""
        if entries:
            self.update(transaction_id, {}, {attribute: entries})

    def claim(
        self, transaction_id: str, attribute: str, value: str, *, replacing: str | None = None
    ) -> bool:
        """Set ``attribute`` only when the record has none yet (or, with ``replacing``, only while
        it still holds that value); False when another writer got there first.

        A conditional write, so of concurrent or repeated invocations exactly one wins.
        """
        condition = "attribute_not_exists(#a)"
        values = {":value": _to_dynamo(value)}
        if replacing is not None:
            condition = "#a = :expected"
            values[":expected"] = _to_dynamo(replacing)
        try:
            self._call(
                "update_item",
                TableName=self.table_name,
                Key={"transaction_id": {"S": transaction_id}},
                UpdateExpression="SET #a = :value",
                ConditionExpression=condition,
                ExpressionAttributeNames={"#a": attribute},
                ExpressionAttributeValues=values,
            )
        except StorageError as error:
            if aws.error_code(error.__cause__) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def remove(self, transaction_id: str, attribute: str) -> None:
        """Remove ``attribute`` from the record (releases a :meth:`claim`)."""
        self._call(
            "update_item",
            TableName=self.table_name,
            Key={"transaction_id": {"S": transaction_id}},
            UpdateExpression="REMOVE #a",
            ExpressionAttributeNames={"#a": attribute},
        )

    def delete(self, transaction_id: str) -> None:
        """Delete the call record (the console's deletion, once the call's objects are gone)."""
        self._call(
            "delete_item",
            TableName=self.table_name,
            Key={"transaction_id": {"S": transaction_id}},
        )

    def note(self, transaction_id: str, *texts: str) -> None:
        """Append timestamped human-readable notes to the record (one write for all of them)."""
        at = utc_now_iso()
        self.append(transaction_id, "notes", *({"at": at, "text": text} for text in texts))

    def _expiry(self) -> int:
        days = settings.integer(RETENTION_ENV, 365, minimum=1, maximum=36500)
        return int(time.time()) + days * 86400

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            result: dict[str, Any] = getattr(aws.client("dynamodb"), operation)(**params)
        except ClientError as error:
            raise StorageError(
                f"DynamoDB {operation} on {self.table_name} failed: {aws.error_code(error)}",
                hint="check the table exists and the function's role may use it",
            ) from error
        except BotoCoreError as error:
            raise StorageError(
                f"DynamoDB {operation} on {self.table_name} failed: {error}",
                hint="check network access and the endpoint configuration",
            ) from error
        return result


Slots = tuple[tuple[str, str, str], ...]


def _slots(count: int) -> Slots:
    return tuple((f"#f{i}", f":v{i}", f"#f{i} = :v{i}") for i in range(count))


# (name placeholder, value placeholder, assignment) of each field position in an update; one
# tuple, replaced whole when a longer one is needed, so a concurrent reader sees either.
_FIELD_SLOTS: list[Slots] = [_slots(16)]


def _field_slots(count: int) -> Slots:
    """The placeholders of at least the first ``count`` positions."""
    slots = _FIELD_SLOTS[0]
    if len(slots) < count:
        slots = _FIELD_SLOTS[0] = _slots(count)
    return slots


def _to_dynamo(value: Any) -> dict[str, Any]:
    """Marshal a plain Python value into DynamoDB's attribute-value form."""
    # The exact built-in types first, by identity: the SMA handler marshals a dozen values per
    # write, and an isinstance chain (with an ABC check) cost several times the marshalling.
    kind = type(value)
    if kind is str:
        return {"S": value}
    if kind is int or kind is float:
        return {"N": str(value)}
    if kind is dict:
        return {"M": {str(k): _to_dynamo(v) for k, v in value.items()}}
    if kind is list or kind is tuple:
        return {"L": [_to_dynamo(v) for v in value]}
    return _to_dynamo_subclass(value)


def _to_dynamo_subclass(value: Any) -> dict[str, Any]:
    """:func:`_to_dynamo` for None, booleans and subclasses (StrEnum members, Mappings...)."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, (int, float)):
        return {"N": str(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, Mapping):
        return {"M": {str(k): _to_dynamo(v) for k, v in value.items()}}
    if isinstance(value, (list, tuple)):
        return {"L": [_to_dynamo(v) for v in value]}
    raise TypeError(f"cannot store {type(value).__name__} in a call record")


def _from_dynamo(item: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _unmarshal(value) for key, value in item.items()}


def _unmarshal(value: Mapping[str, Any]) -> Any:
    ((kind, raw),) = value.items()
    if kind == "NULL":
        return None
    if kind == "N":
        number = float(raw)
        return int(number) if number.is_integer() else number
    if kind == "M":
        return {k: _unmarshal(v) for k, v in raw.items()}
    if kind == "L":
        return [_unmarshal(v) for v in raw]
    return raw
