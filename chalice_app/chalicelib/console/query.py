"""The query string of ``GET /calls`` and ``GET /audit``, validated into typed filters.

Unknown parameters are refused (400), so a misspelt filter is never silently ignored.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chalicelib.call_records import RecordingState
from chalicelib.channels import Direction
from chalicelib.console.errors import BadRequestError
from chalicelib.console.summary import parse_time

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
MAX_SEARCH = 200
_PARTY = re.compile(r"^\+?[0-9]{3,15}$")
_OWNER_ID = re.compile(r"^[A-Za-z0-9._@:+-]{1,128}$")
_KEY_NAMES = frozenset({"transaction_id", "owner_id", "started_at"})
LIST_PARAMS = frozenset(
    {"from", "to", "direction", "party", "state", "q", "limit", "next", "owner"}
)
AUDIT_PARAMS = frozenset({"limit", "next"})
PAGE_HINT = "pass next from the previous page"


@dataclass(frozen=True)
class CallFilter:
    """Which calls ``GET /calls`` lists, and how many per page."""

    limit: int = DEFAULT_LIMIT
    start: datetime | None = None
    end: datetime | None = None
    direction: str | None = None
    party: str | None = None
    state: str | None = None
    text: str | None = None
    owner: str | None = None
    page: Mapping[str, Mapping[str, Any] | None] | None = None

    def matches(self, record: Mapping[str, Any]) -> bool:
        """True when ``record`` passes every filter but the transcript text (read separately)."""
        started = parse_time(record.get("started_at"))
        checks = (
            self.start is None or (started is not None and started >= self.start),
            self.end is None or (started is not None and started <= self.end),
            self.direction is None or record.get("direction") == self.direction,
            self.state is None or record.get("recording_state", "not_started") == self.state,
            self.party is None or self.party in _digits(record.get("other_number")),
        )
        return all(checks)

    def filters(self) -> bool:
        """Whether any filter may drop a call (so an index page may yield fewer calls)."""
        return any(
            value is not None
            for value in (self.start, self.end, self.direction, self.party, self.state, self.text)
        )

    def older_than_range(self, record: Mapping[str, Any]) -> bool:
        """Newest first, so once a call started before ``from`` every later one did too."""
        started = parse_time(record.get("started_at"))
        return self.start is not None and started is not None and started < self.start


def call_filter(params: Mapping[str, str] | None) -> CallFilter:
    """``GET /calls``'s query string as a :class:`CallFilter` (BadRequestError when malformed)."""
    params = _known(params, LIST_PARAMS)
    start, end = _time(params, "from"), _time(params, "to")
    if start and end and start > end:
        raise BadRequestError("from is after to", hint="give from <= to (ISO 8601, UTC)")
    return CallFilter(
        limit=limit(params),
        start=start,
        end=end,
        direction=_choice(params, "direction", [d.value for d in Direction]),
        party=_party(params),
        state=_choice(params, "state", [s.value for s in RecordingState]),
        text=_text(params),
        owner=_owner(params),
        page=decode_page(params.get("next")),
    )


def audit_params(params: Mapping[str, str] | None) -> tuple[int, Mapping[str, Any] | None]:
    """``GET /audit``'s ``limit`` and ``next`` (the trail's own key, opaque to the client)."""
    params = _known(params, AUDIT_PARAMS)
    page = decode_token(params["next"]) if params.get("next") else None
    return limit(params), page


def limit(params: Mapping[str, str]) -> int:
    raw = params.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise BadRequestError(f"limit={raw!r} is not a whole number from 1 to {MAX_LIMIT}")
    return int(raw)


def encode_token(value: Mapping[str, Any]) -> str:
    """An opaque page token: URL-safe base64 of compact JSON."""
    raw = json.dumps(value, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str) -> dict[str, Any]:
    try:
        padded = token + "=" * (-len(token) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise BadRequestError(
            "next is not a page token", hint="pass next from the previous page"
        ) from error
    if not isinstance(value, dict):
        raise BadRequestError("next is not a page token", hint=PAGE_HINT)
    return value


def decode_page(token: str | None) -> dict[str, dict[str, Any] | None] | None:
    """The per-owner start keys of a ``GET /calls`` page token (None: that owner's newest call),
    each checked for shape; owners the token leaves out have nothing more to list."""
    if not token:
        return None
    value = decode_token(token)
    for owner, key in value.items():
        valid = key is None or (
            isinstance(key, dict)
            and set(key) == _KEY_NAMES
            and all(isinstance(v, str) for v in key.values())
            and key["owner_id"] == owner
        )
        if not valid:
            raise BadRequestError("next is not a page token", hint=PAGE_HINT)
    return value


def _known(params: Mapping[str, str] | None, allowed: frozenset[str]) -> dict[str, str]:
    params = dict(params or {})
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise BadRequestError(
            f"unknown query parameter {', '.join(unknown)}",
            hint=f"use {', '.join(sorted(allowed))}",
        )
    return params


def _time(params: Mapping[str, str], name: str) -> datetime | None:
    raw = params.get(name)
    if raw is None:
        return None
    parsed = parse_time(raw)
    if parsed is None:
        raise BadRequestError(
            f"{name}={raw!r} is not an ISO 8601 time",
            hint="e.g. 2026-12-01 or 2026-12-01T09:30:00Z",
        )
    return parsed.astimezone(UTC)


def _choice(params: Mapping[str, str], name: str, allowed: list[str]) -> str | None:
    raw = params.get(name)
    if raw is not None and raw not in allowed:
        raise BadRequestError(f"{name}={raw!r} is not one of {', '.join(allowed)}")
    return raw


def _party(params: Mapping[str, str]) -> str | None:
    raw = params.get("party")
    if raw is None:
        return None
    compact = re.sub(r"[\s().-]", "", raw)
    if not _PARTY.match(compact):
        raise BadRequestError(
            f"party={raw!r} is not a phone number", hint="give 3 to 15 digits, optionally with +"
        )
    return compact.lstrip("+")


def _text(params: Mapping[str, str]) -> str | None:
    raw = params.get("q")
    if raw is None:
        return None
    text = " ".join(raw.split()).lower()
    if not text or len(text) > MAX_SEARCH:
        raise BadRequestError(f"q must be 1 to {MAX_SEARCH} characters of text to search for")
    return text


def _owner(params: Mapping[str, str]) -> str | None:
    raw = params.get("owner")
    if raw is not None and not _OWNER_ID.match(raw):
        raise BadRequestError(f"owner={raw!r} is not an owner id")
    return raw


def _digits(value: Any) -> str:
    return re.sub(r"\D", "", str(value or ""))
