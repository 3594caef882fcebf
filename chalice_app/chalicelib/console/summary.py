"""A call record as the console shows it: the contract's ``CallSummary`` and call detail."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.console.identity import record_owner

LIVE_WINDOW = timedelta(hours=6)  # a call without ended_at older than this is not live any more
COMPLETED = "COMPLETED"  # Transcribe's job status once the transcript is written


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 record time (``...Z`` or with offset) as an aware datetime; None if absent."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def is_live(record: Mapping[str, Any], now: datetime) -> bool:
    """No ``ended_at`` yet, and started less than :data:`LIVE_WINDOW` ago."""
    started = parse_time(record.get("started_at"))
    return not record.get("ended_at") and started is not None and now - started < LIVE_WINDOW


def has_recording(record: Mapping[str, Any]) -> bool:
    return bool(record.get("recording_key") and record.get("recording_bucket"))


def has_transcript(record: Mapping[str, Any]) -> bool:
    return bool(record.get("transcription_job")) and record.get("transcription_status") == COMPLETED


def has_report(record: Mapping[str, Any]) -> bool:
    return bool(record.get("report_key") and record.get("recording_bucket"))


def duration_seconds(record: Mapping[str, Any]) -> float | None:
    """Seconds from ``started_at`` to ``ended_at``, else the recording's duration, else None."""
    started, ended = parse_time(record.get("started_at")), parse_time(record.get("ended_at"))
    if started and ended:
        return round((ended - started).total_seconds(), 3)
    try:
        return float(record["recording_duration"])
    except (KeyError, TypeError, ValueError):
        return None


def call_summary(record: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """The contract's ``CallSummary`` of ``record``."""
    return {
        "transaction_id": str(record.get("transaction_id", "")),
        "owner_id": record_owner(record),
        "direction": str(record.get("direction", "")),
        "owner_number": str(record.get("owner_number", "")),
        "other_number": str(record.get("other_number", "")),
        "sma_number": str(record.get("sma_number", "")),
        "started_at": str(record.get("started_at", "")),
        "ended_at": record.get("ended_at") or None,
        "recording_state": str(record.get("recording_state", "not_started")),
        "duration_seconds": duration_seconds(record),
        "live": is_live(record, now),
        "has_recording": has_recording(record),
        "has_transcript": has_transcript(record),
        "has_report": has_report(record),
    }


def call_detail(record: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """The call detail: the summary, its recording timeline, notes, and links to what exists."""
    transaction_id = str(record.get("transaction_id", ""))
    call = call_summary(record, now)
    call["timeline"] = [_timeline_entry(event) for event in _entries(record, "recording_events")]
    call["notes"] = [
        {"at": str(note.get("at", "")), "text": str(note.get("text", ""))}
        for note in _entries(record, "notes")
    ]
    present = {
        "recording": has_recording(record),
        "transcript": has_transcript(record),
        "report": has_report(record),
    }
    links = {name: f"/calls/{transaction_id}/{name}" for name, ok in present.items() if ok}
    return {"call": call, "links": links}


def _timeline_entry(event: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "at": str(event.get("at", "")),
        "state": str(event.get("state", "")),
        "by": str(event.get("by", "")),
        "result": event.get("result") or None,
    }


def _entries(record: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    value = record.get(name)
    return (
        [entry for entry in value if isinstance(entry, Mapping)] if isinstance(value, list) else []
    )
