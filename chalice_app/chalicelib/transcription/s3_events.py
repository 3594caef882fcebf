"""Read-only typed views over S3 event notifications (as Lambda receives them)."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any

from chalicelib.errors import InvalidEventError
from chalicelib.recording_keys import decode_event_key

logger = logging.getLogger(__name__)


class S3EventRecord:
    """One record of an S3 event notification; the key is URL-decoded."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw

    @property
    def event_name(self) -> str:
        return str(self._raw.get("eventName", ""))

    @property
    def is_object_created(self) -> bool:
        return self.event_name.startswith("ObjectCreated:")

    @property
    def bucket(self) -> str:
        return str(self._s3.get("bucket", {}).get("name", ""))

    @property
    def key(self) -> str:
        return decode_event_key(str(self._s3.get("object", {}).get("key", "")))

    @property
    def version_id(self) -> str:
        """The object's version in a versioned bucket ('' when versioning is off)."""
        return str(self._s3.get("object", {}).get("versionId") or "")

    @property
    def _s3(self) -> Mapping[str, Any]:
        s3 = self._raw.get("s3")
        return s3 if isinstance(s3, Mapping) else {}


class S3Event:
    """An S3 event notification with every record (Chalice's S3Event exposes only the first)."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        records = raw.get("Records")
        if not isinstance(records, list):
            raise InvalidEventError(
                "the S3 event has no Records list", hint="pass the notification as S3 sends it"
            )
        self._records = [S3EventRecord(record) for record in records if isinstance(record, Mapping)]
        if len(self._records) != len(records):
            logger.warning(
                "skipped %d S3 event record(s) that are not JSON objects",
                len(records) - len(self._records),
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
