"""Security events of the dial-out protection, to EventBridge and to the admins' SNS topic.

EventBridge entry: ``Source`` ``callrec.owners``, ``DetailType`` ``Owner Security Event`` (see
SECURITY.md, "Toll fraud"), on the bus named by ``SECURITY_EVENT_BUS`` (Terraform sets it, to
``default`` unless told otherwise; unset, nothing goes to EventBridge). ``Detail`` is
``{"kind", "owner_id", "transaction_id", "reason", ...}`` plus what the kind adds
(``destination``, ``locked_until``, ``sma_number``, ``caller``). Never a PIN or its digits.
The same detail goes to ``NOTIFICATION_TOPIC_ARN`` with the message attribute ``event`` set to
``security.<kind>``, so admins can filter it with an SNS subscription filter policy.

Publishing never fails a call: an error is logged and the call flow goes on.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from chalicelib import aws, notify, settings

logger = logging.getLogger(__name__)

BUS_ENV: Final = "SECURITY_EVENT_BUS"
SOURCE: Final = "callrec.owners"
DETAIL_TYPE: Final = "Owner Security Event"


class Kind(StrEnum):
    PIN_LOCKOUT = "pin_lockout"
    DESTINATION_REFUSED = "destination_refused"
    LIMIT_REACHED = "limit_reached"
    UNKNOWN_NUMBER = "unknown_number"


@dataclass(frozen=True)
class Notice:
    """A security event a call-flow transition asks the handler to publish."""

    kind: Kind
    reason: str
    extra: Mapping[str, str] = field(default_factory=dict)


def publish(kind: Kind, *, owner_id: str, transaction_id: str, reason: str, **extra: Any) -> None:
    """Send the event to EventBridge and SNS; failures are logged, never raised."""
    detail = {
        "kind": kind.value,
        "owner_id": owner_id,
        "transaction_id": transaction_id,
        "reason": reason,
        **extra,
    }
    for target, send in (("EventBridge", _put_event), ("SNS", _notify)):
        try:
            send(detail)
        except Exception:
            logger.exception(
                "transaction %s: security event %s not sent to %s", transaction_id, kind, target
            )


def _put_event(detail: dict[str, Any]) -> None:
    bus = settings.optional(BUS_ENV)
    if not bus:
        logger.warning("no %s configured: security event %s only logged", BUS_ENV, detail)
        return
    response = aws.call(
        "EventBridge PutEvents",
        aws.client("events").put_events,
        Entries=[
            {
                "Source": SOURCE,
                "DetailType": DETAIL_TYPE,
                "Detail": json.dumps(detail, sort_keys=True),
                "EventBusName": bus,
            }
        ],
    )
    # PutEvents answers 200 with per-entry failures: they must be read, not assumed away.
    if response.get("FailedEntryCount"):
        entry = response.get("Entries", [{}])[0]
        logger.error(
            "security event rejected by EventBridge: %s %s",
            entry.get("ErrorCode"),
            entry.get("ErrorMessage"),
        )


def _notify(detail: dict[str, Any]) -> None:
    subject = f"Security: {detail['kind'].replace('_', ' ')} (owner {detail['owner_id']})"
    notify.publish(subject, {**detail, "event": f"security.{detail['kind']}"})
