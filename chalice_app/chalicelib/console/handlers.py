"""What each console route does for an authenticated caller: ``(status, body)`` or an ApiError.

Authorization happens here, on every request: :func:`visible_record` answers 404 for a call the
caller may not see exactly as for one that does not exist, and :func:`require_admin` guards the
admin-only routes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from chalicelib.call_records import CallRecords
from chalicelib.console import deletion, listing, media, query, summary, trail
from chalicelib.console.errors import BadRequestError, ForbiddenError, NotFoundError
from chalicelib.console.identity import Identity, all_owner_ids
from chalicelib.console.service import Reply

_TRANSACTION_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")


def me(who: Identity) -> Reply:
    return 200, who.to_dict()


def calls(who: Identity, params: Mapping[str, str] | None) -> Reply:
    flt = query.call_filter(params)
    page = listing.list_calls(owners_for(who, flt.owner), flt, _text_match)
    now = _now()
    return 200, {"calls": [summary.call_summary(r, now) for r in page.records], "next": page.next}


def live_calls(who: Identity) -> Reply:
    now = _now()
    flt = query.CallFilter(limit=query.MAX_LIMIT, start=now - summary.LIVE_WINDOW)
    page = listing.list_calls(owners_for(who, None), flt, _text_match)
    live = [summary.call_summary(r, now) for r in page.records if summary.is_live(r, now)]
    return 200, {"calls": live}


def call_detail(who: Identity, transaction_id: str) -> Reply:
    return 200, summary.call_detail(visible_record(who, transaction_id), _now())


def recording(who: Identity, transaction_id: str) -> Reply:
    return 200, media.recording_link(visible_record(who, transaction_id))


def report(who: Identity, transaction_id: str) -> Reply:
    return 200, media.report_link(visible_record(who, transaction_id))


def transcript(who: Identity, transaction_id: str) -> Reply:
    return 200, media.transcript_view(visible_record(who, transaction_id))


def control_recording(who: Identity, transaction_id: str, body: Any) -> Reply:
    # Deferred: control loads the SMA call flow (about 40 ms of the API function's cold start),
    # which no other route needs.
    from chalicelib.console import control

    record = visible_record(who, transaction_id)
    command = control.command_from(body)
    return 202, control.request_recording(record, command, _now())


def delete_call(who: Identity, transaction_id: str) -> Reply:
    return 200, deletion.delete_call(visible_record(who, transaction_id))


def legal_hold(who: Identity, transaction_id: str, *, on: bool) -> Reply:
    require_admin(who)
    return 200, deletion.set_legal_hold(visible_record(who, transaction_id), on)


def audit(who: Identity, params: Mapping[str, str] | None) -> Reply:
    require_admin(who)
    limit, start = query.audit_params(params)
    entries, last = trail.read(limit, start)
    return 200, {"entries": entries, "next": query.encode_token(last) if last else None}


def owners_for(who: Identity, requested: str | None) -> list[str]:
    """The owners whose calls ``who`` lists: an owner their own; an admin all, or ``owner=``."""
    if who.is_admin:
        return [requested] if requested else all_owner_ids()
    if requested is not None and requested != who.owner_id:
        raise ForbiddenError(
            "owner= is an admin filter", hint="leave it out to list your own calls"
        )
    return [who.owner_id] if who.owner_id else []


def visible_record(who: Identity, transaction_id: str) -> dict[str, Any]:
    """The call record, when it exists and ``who`` may see it; otherwise 404 either way."""
    if not _TRANSACTION_ID.match(transaction_id):
        raise BadRequestError(
            f"{transaction_id[:80]!r} is not a call id", hint="use the transaction_id of a call"
        )
    record = CallRecords().get(transaction_id)
    if record is None or not who.can_see(record):
        raise NotFoundError(f"no call {transaction_id}", hint="check the id in the call list")
    return record


def require_admin(who: Identity) -> None:
    if not who.is_admin:
        raise ForbiddenError("only admins may do this", hint="ask an admin of this console")


def _text_match(record: Mapping[str, Any], text: str) -> bool:
    return text in media.transcript_text(record)


def _now() -> datetime:
    return datetime.now(UTC)
