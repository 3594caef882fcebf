"""Pages of calls, newest first, from the ``owner_id-started_at`` index only (no scan).

An owner's page is one owner's index, read page by page until ``limit`` calls pass the filters
or an examination budget runs out. An admin's page merges the same per-owner reads in time
order; the page token carries one start key per owner still to be read. When a budget runs
out the page may be short (even empty) and still carry ``next``: the client follows it.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from chalicelib.call_records import CallRecords
from chalicelib.console.query import CallFilter, encode_token

EXAMINE_BUDGET = 1000  # call records one owner's read may examine per request
SEARCH_BUDGET = 25  # transcripts one owner's read may open per request (the q filter)
QUERY_PAGE = 100  # items per index Query


TextMatch = Callable[[Mapping[str, Any], str], bool]


@dataclass
class _Cursor:
    """One owner's read: what it found, and where the next read of that owner starts."""

    owner_id: str
    start: dict[str, Any] | None
    candidates: list[dict[str, Any]] = field(default_factory=list)
    resume: dict[str, Any] | None = None  # after the last examined item; None: owner exhausted
    cut_short: bool = False  # a budget ran out before ``limit`` candidates were found


@dataclass(frozen=True)
class Page:
    records: list[dict[str, Any]]
    next: str | None


def list_calls(
    owners: list[str],
    flt: CallFilter,
    text_match: TextMatch,
    records: CallRecords | None = None,
) -> Page:
    """One page of the calls of ``owners`` that pass ``flt``, newest first."""
    records = records or CallRecords()
    page = flt.page
    cursors = [
        _read(records, _Cursor(owner, _start(page, owner)), flt, text_match)
        for owner in owners
        if page is None or owner in page
    ]
    return _merge(cursors, flt.limit)


def _start(
    page: Mapping[str, Mapping[str, Any] | None] | None, owner: str
) -> dict[str, Any] | None:
    key = page.get(owner) if page else None
    return dict(key) if key else None


def _read(records: CallRecords, cursor: _Cursor, flt: CallFilter, text_match: TextMatch) -> _Cursor:
    examined, searched, start = 0, 0, cursor.start
    # Unfiltered, a page is exactly the next ``limit`` index entries; filtered, read ahead.
    batch = QUERY_PAGE if flt.filters() else flt.limit
    while True:
        items, last = records.list_for_owner(cursor.owner_id, limit=batch, start_key=start)
        for item in items:
            if examined >= EXAMINE_BUDGET or searched >= SEARCH_BUDGET:
                cursor.cut_short = True
                return cursor
            examined += 1
            cursor.resume = index_key(item)
            if flt.older_than_range(item):
                cursor.resume = None
                return cursor
            if not flt.matches(item):
                continue
            if flt.text is not None:
                searched += 1
                if not text_match(item, flt.text):
                    continue
            cursor.candidates.append(item)
            if len(cursor.candidates) == flt.limit:
                return cursor
        if last is None:
            cursor.resume = None
            return cursor
        start = cursor.resume = last


def _merge(cursors: list[_Cursor], limit: int) -> Page:
    # An owner whose read was cut short may still have calls newer than another owner's older
    # candidates: the page stops at the newest point any cut-short read reached.
    floor = max(
        (str(c.resume["started_at"]) for c in cursors if c.cut_short and c.resume),
        default="",
    )
    merged = heapq.merge(
        *[
            [(str(r.get("started_at", "")), i, r) for r in c.candidates]
            for i, c in enumerate(cursors)
        ],
        key=lambda entry: entry[0],
        reverse=True,
    )
    taken: list[tuple[str, int, dict[str, Any]]] = []
    for entry in merged:
        if len(taken) == limit or entry[0] < floor:
            break
        taken.append(entry)
    starts: dict[str, dict[str, Any] | None] = {}
    for index, cursor in enumerate(cursors):
        count = sum(1 for _, owner_index, _ in taken if owner_index == index)
        more, start = _next_start(cursor, count)
        if more:
            starts[cursor.owner_id] = start
    return Page([record for _, _, record in taken], encode_token(starts) if starts else None)


def _next_start(cursor: _Cursor, taken: int) -> tuple[bool, dict[str, Any] | None]:
    """Whether this owner has more to read, and the key to read on from (None: the top)."""
    if taken == len(cursor.candidates):
        return cursor.resume is not None, cursor.resume
    if taken:
        return True, index_key(cursor.candidates[taken - 1])
    return True, cursor.start


def index_key(item: Mapping[str, Any]) -> dict[str, Any]:
    """The index's key of ``item``: the ExclusiveStartKey that continues after it."""
    return {
        "transaction_id": str(item["transaction_id"]),
        "owner_id": str(item["owner_id"]),
        "started_at": str(item["started_at"]),
    }
