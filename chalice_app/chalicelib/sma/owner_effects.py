"""What a transition asks of the owners' stores once Chime has its answer: security events, and
a finished dial-out's talk time added to the owner's daily minutes. Like the call record, a
failure here is logged and never drops the call."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from chalicelib.errors import InvalidEventError
from chalicelib.owners.call_owner import CallOwner

if TYPE_CHECKING:  # imported when there is something to publish, off the cold path
    from chalicelib.owners.security_events import Notice

logger = logging.getLogger(__name__)


def apply(
    transaction_id: str, call_owner: str, notices: Sequence[Notice], talk_seconds: int
) -> None:
    if not notices and not talk_seconds:
        return
    from chalicelib.owners import security_events

    try:
        owner = CallOwner.decode(call_owner)
    except InvalidEventError:
        logger.exception("transaction %s: call owner unreadable", transaction_id)
        owner = None
    owner_id = owner.owner_id if owner else ""
    for notice in notices:
        security_events.publish(
            notice.kind,
            owner_id=owner_id,
            transaction_id=transaction_id,
            reason=notice.reason,
            **notice.extra,
        )
    if talk_seconds and owner is not None:
        _add_minutes(transaction_id, owner, talk_seconds)


def _add_minutes(transaction_id: str, owner: CallOwner, seconds: int) -> None:
    from chalicelib.owners.usage import UsageStore

    usage = UsageStore.configured()
    if usage is None:
        return
    try:
        usage.add_call_seconds(owner.owner_id, seconds, started=owner.bridged_at or time.time())
    except Exception:
        logger.exception(
            "transaction %s: talk time of owner %s not counted", transaction_id, owner.owner_id
        )
