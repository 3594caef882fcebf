"""The records' clock (call_records.utc_now_iso): ISO 8601 UTC, milliseconds truncated as
datetime.isoformat truncates them, the part up to the second formatted once per second."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from chalicelib import call_records
from chalicelib.call_records import iso_utc, utc_now_iso

MOMENT = 1_764_590_400.0  # 2025-12-01T12:00:00Z
MOMENT_NS = 1_764_590_400 * 10**9


def at(monkeypatch: pytest.MonkeyPatch, nanoseconds: int) -> None:
    """The system clock reads ``nanoseconds`` since the epoch, through either of the time
    module's functions (``time.time`` gives the float of the same clock)."""
    monkeypatch.setattr(call_records.time, "time", lambda: nanoseconds / 1e9)
    monkeypatch.setattr(call_records.time, "time_ns", lambda: nanoseconds)


def test_it_writes_what_iso_utc_writes_for_the_same_moment(monkeypatch: pytest.MonkeyPatch) -> None:
    at(monkeypatch, MOMENT_NS + 250_000_000)
    assert utc_now_iso() == iso_utc(datetime.fromtimestamp(MOMENT + 0.25, UTC))
    assert utc_now_iso() == "2025-12-01T12:00:00.250Z"


def test_milliseconds_are_truncated_not_rounded(monkeypatch: pytest.MonkeyPatch) -> None:
    at(monkeypatch, MOMENT_NS + 999_900_000)
    assert utc_now_iso() == "2025-12-01T12:00:00.999Z"


def test_an_instant_just_before_a_millisecond_is_in_the_millisecond_datetime_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # datetime.now floors the system clock's nanoseconds to microseconds; as a float, this
    # instant rounds up to .124000 s, a millisecond later than datetime writes.
    at(monkeypatch, MOMENT_NS + 123_999_990)
    assert utc_now_iso() == "2025-12-01T12:00:00.123Z"


def test_the_next_second_is_formatted_anew(monkeypatch: pytest.MonkeyPatch) -> None:
    at(monkeypatch, MOMENT_NS + 500_000_000)
    assert utc_now_iso() == "2025-12-01T12:00:00.500Z"
    at(monkeypatch, MOMENT_NS + 61_002_000_000)
    assert utc_now_iso() == "2025-12-01T12:01:01.002Z"


def test_the_real_clock_is_within_a_second_of_datetime() -> None:
    written = datetime.fromisoformat(utc_now_iso().replace("Z", "+00:00"))
    assert abs(written.timestamp() - time.time()) < 1.0
