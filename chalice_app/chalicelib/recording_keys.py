"""Parse the object keys under which recordings arrive, from either recording path.

Two documented forms exist:

* SIP media application ``StartCallRecording`` (Chime SDK PSTN audio)::

      [<prefix>/]YYYY/MM/DD/YYYY-MM-DD-HH-MM-SS-mmm_<transactionId>_<callId>.wav

* Voice Connector media insights pipeline, S3 recording sink::

      [<prefix>/]<voiceConnectorId>/<transactionId>_YYYY-MM-DD-HH-MM-SS-mmm.wav|.ogg

Both timestamps are UTC. A key that fits neither form raises RecordingKeyError; callers record
the rejection (see :func:`transaction_id_hint` for the best-effort id used to file it).
Keys arriving in S3 event notifications are URL-encoded: pass them through
:func:`decode_event_key` first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import PurePosixPath
from urllib.parse import unquote_plus

from chalicelib.call_records import RecordingSource
from chalicelib.errors import RecordingKeyError

_STAMP = r"(?P<stamp>\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3})"
_ID = r"[A-Za-z0-9-]+"

_SMA_KEY = re.compile(
    r"^(?:(?P<prefix>.+)/)?(?P<year>\d{4})/(?P<month>\d{2})/(?P<day>\d{2})/"
    + _STAMP
    + rf"_(?P<transaction>{_ID})_(?P<call>{_ID})\.(?P<ext>(?i:wav))$"
)
_MEDIA_INSIGHTS_KEY = re.compile(
    r"^(?:(?P<prefix>.+)/)?(?P<connector>[A-Za-z0-9]+)/"
    + rf"(?P<transaction>{_ID})_"
    + _STAMP
    + r"\.(?P<ext>(?i:wav|ogg))$"
)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class AudioFormat(StrEnum):
    WAV = "wav"
    OGG = "ogg"


@dataclass(frozen=True)
class RecordingKey:
    """A recording object key, parsed."""

    key: str
    source: RecordingSource
    transaction_id: str
    started_at: datetime
    audio_format: AudioFormat
    prefix: str
    call_id: str | None = None
    voice_connector_id: str | None = None

    @property
    def date_path(self) -> str:
        """``YYYY/MM/DD`` of the recording's start, used to file transcripts and reports."""
        return self.started_at.strftime("%Y/%m/%d")

    @property
    def stem(self) -> str:
        """The file name without its extension."""
        return PurePosixPath(self.key).stem


def decode_event_key(raw_key: str) -> str:
    """Decode a key as S3 event notifications carry it (URL-encoded, spaces as ``+``)."""
    return unquote_plus(raw_key)


def parse_recording_key(key: str) -> RecordingKey:
    """Parse ``key`` (already decoded) in either documented form, or raise RecordingKeyError."""
    match = _SMA_KEY.match(key)
    if match:
        started = _timestamp(match["stamp"], key)
        folder_date = (int(match["year"]), int(match["month"]), int(match["day"]))
        if folder_date != (started.year, started.month, started.day):
            raise RecordingKeyError(
                f"recording key {key!r} has date folders that disagree with its timestamp",
                hint="SMA recordings are filed under the YYYY/MM/DD of their start time",
            )
        return RecordingKey(
            key=key,
            source=RecordingSource.SMA,
            transaction_id=match["transaction"],
            call_id=match["call"],
            started_at=started,
            audio_format=AudioFormat(match["ext"].lower()),
            prefix=match["prefix"] or "",
        )
    match = _MEDIA_INSIGHTS_KEY.match(key)
    if match:
        return RecordingKey(
            key=key,
            source=RecordingSource.MEDIA_INSIGHTS,
            transaction_id=match["transaction"],
            voice_connector_id=match["connector"],
            started_at=_timestamp(match["stamp"], key),
            audio_format=AudioFormat(match["ext"].lower()),
            prefix=match["prefix"] or "",
        )
    raise RecordingKeyError(
        f"object key {key!r} is not a recording key",
        hint=(
            "expected <prefix>/YYYY/MM/DD/YYYY-MM-DD-HH-MM-SS-mmm_<transactionId>_<callId>.wav "
            "or <voiceConnectorId>/<transactionId>_YYYY-MM-DD-HH-MM-SS-mmm.wav|.ogg"
        ),
    )


def transaction_id_hint(key: str) -> str | None:
    """Best-effort transaction id of a key that did not parse: the first UUID in it, if any."""
    match = _UUID.search(key)
    return match.group(0) if match else None


def key_timestamp(moment: datetime) -> str:
    """``moment`` as the keys' ``YYYY-MM-DD-HH-MM-SS-mmm`` in UTC (what the recorders write)."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%d-%H-%M-%S-") + f"{utc.microsecond // 1000:03d}"


def _timestamp(stamp: str, key: str) -> datetime:
    try:
        parsed = datetime.strptime(stamp[:-4], "%Y-%m-%d-%H-%M-%S")
    except ValueError as error:
        raise RecordingKeyError(
            f"recording key {key!r} has an impossible timestamp {stamp!r}",
            hint="the timestamp is YYYY-MM-DD-HH-MM-SS-mmm in UTC",
        ) from error
    return parsed.replace(microsecond=int(stamp[-3:]) * 1000, tzinfo=UTC)
