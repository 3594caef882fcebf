"""Read-only typed views over S3 event notifications (as Lambda receives them)."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any

from chalicelib.errors import InvalidEventError
from chalicelib.event_view import EventView
from chalicelib.recording_keys import decode_event_key

logger = logging.getLogger(__name__)


class S3EventRecord(EventView):
    """One record of an S3 event notification; the key is URL-decoded."""

    @property
    def event_name(self) -> str:
        return self._text("eventName")

    @property
    def is_object_created(self) -> bool:
        return self.event_name.startswith("ObjectCreated:")

    @property
    def bucket(self) -> str:
        return self._text("name", self._object("bucket", self._s3))

    @property
    def key(self) -> str:
        return decode_event_key(self._text("key", self._object("object", self._s3)))

    @property
    def _s3(self) -> Mapping[str, Any]:
        return self._object("s3")


class S3Event(EventView):
    """An S3 event notification with every record (Chalice's S3Event exposes only the first)."""

    _records: list[S3EventRecord]

    def __init__(self, raw: Mapping[str, Any]) -> None:
        super().__init__(raw)
        records = raw.get("Records")
        if not isinstance(records, list):
            raise InvalidEventError(
                "the S3 event has no Records list", hint="pass the notification as S3 sends it"
            )
        views = [S3EventRecord(record) for record in records if isinstance(record, Mapping)]
        object.__setattr__(self, "_records", views)
        if len(views) != len(records):
            logger.warning(
                "skipped %d S3 event record(s) that are not JSON objects", len(records) - len(views)
            )

    def __iter__(self) -> Iterator[S3EventRecord]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)

    @staticmethod
    def looks_like(raw: Mapping[str, Any]) -> bool:
        records = raw.get("Records")
        return (
            isinstance(records, list)
            and bool(records)
            and isinstance(records[0], Mapping)
            and records[0].get("eventSource") == "aws:s3"
        )
