"""Entry point of the ``sma_handler`` Lambda function.

It parses the invocation event, runs one transition of the flow, writes the call record and
answers ``{"SchemaVersion": "1.0", "Actions": [...], "TransactionAttributes": {...}}``. It never
raises to Chime: whatever goes wrong, the answer is an apology on every connected leg and a
``Hangup``, logged with the transaction id; a call-record (DynamoDB) failure is logged and the
call goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from chalicelib import settings
from chalicelib.call_records import utc_now_iso
from chalicelib.channels import Leg
from chalicelib.errors import CallRecError
from chalicelib.sma import actions as act
from chalicelib.sma import config as sma_config
from chalicelib.sma import flow, owner_effects, records, recovery
from chalicelib.sma.actions import Action
from chalicelib.sma.config import PROMPTS_BUCKET
from chalicelib.sma.context import Context, InvocationTime
from chalicelib.sma.events import InvocationEvent
from chalicelib.sma.prompts import Prompt
from chalicelib.sma.state import CallState, Phase, check_limits, with_cleared_keys

logger = logging.getLogger(__name__)

SCHEMA_VERSION = "1.0"

# The flow's clock (ISO 8601 UTC). Chime's events carry no time, so the call's times are the
# function's own; the call simulator sets this to its simulated clock, which keeps its output
# reproducible.
clock: Callable[[], str] = utc_now_iso


def handle(event: Any, context: Any = None) -> dict[str, Any]:
    """Answer one SMA invocation. Never raises."""
    try:
        parsed = InvocationEvent.parse(event)
        config = sma_config.current()
        if recovery.needs_recovery(parsed):
            state = recovery.recover(parsed, config)
        else:
            state = CallState.from_attributes(parsed.attributes)
        ctx = Context(parsed, state, config, InvocationTime(clock))
        outcome = flow.step(ctx)
        response = _response(outcome.actions, parsed.attributes, outcome.state.to_attributes())
    except CallRecError as error:
        logger.error("transaction %s: [%s] %s", _transaction_id(event), error.code, error)
        return failure_response(event, f"[{error.code}] {error}")
    except Exception as error:
        logger.exception("transaction %s: unexpected error", _transaction_id(event))
        return failure_response(event, f"unexpected {type(error).__name__}: {error}")
    transaction_id = parsed.transaction_id
    if logger.isEnabledFor(logging.INFO):  # nothing computed for a log line that is off
        logger.info(
            "transaction %s seq %s: %s %s in %s -> %s, %d action(s): %s",
            transaction_id,
            parsed.sequence,
            parsed.event_type.value,
            parsed.action_data.type or "-",
            ctx.state.phase.value,
            outcome.state.phase.value,
            len(outcome.actions),
            outcome.log,
        )
    _write_record(transaction_id, outcome.record)
    owner_effects.apply(
        transaction_id, outcome.state.call_owner, outcome.security, outcome.talk_seconds
    )
    return response


def _write_record(transaction_id: str, update: records.RecordUpdate) -> None:
    try:
        records.apply(transaction_id, update)
    except Exception:
        logger.exception(
            "transaction %s: call record not written, the call goes on", transaction_id
        )


def _response(
    actions: list[Action], before: Mapping[str, str], after: dict[str, str]
) -> dict[str, Any]:
    response: dict[str, Any] = {"SchemaVersion": SCHEMA_VERSION, "Actions": actions}
    # Empty values mean "not set": attributes written by an older version compare equal
    # (``after`` comes from CallState.to_attributes, which leaves empty values out).
    if before != after and {k: v for k, v in before.items() if v} != after:
        response["TransactionAttributes"] = with_cleared_keys(before, after)
    return response


def failure_response(event: Any, reason: str) -> dict[str, Any]:
    """Apology on every connected leg we can find, then Hangup; mark the call as ending."""
    legs = _connected_call_ids(event)
    bucket = settings.optional(PROMPTS_BUCKET)
    actions: list[Action] = []
    if bucket:
        actions += [act.play_audio(bucket, Prompt.APOLOGY.value, call_id=c) for c in legs]
    actions += [act.hangup(call_id=c) for c in reversed(legs)]
    if not legs:
        # Nothing usable in the event: LEG-A is the one leg every transaction has.
        actions.append(act.hangup(leg=Leg.A))
    response: dict[str, Any] = {"SchemaVersion": SCHEMA_VERSION, "Actions": actions}
    attributes = _attributes(event)
    attributes["phase"] = Phase.ENDING.value
    try:
        check_limits(attributes)
    except ValueError:
        attributes = {"phase": Phase.ENDING.value}
    response["TransactionAttributes"] = attributes
    logger.warning("transaction %s: apologising and hanging up: %s", _transaction_id(event), reason)
    return response


def _details(event: Any) -> Mapping[str, Any]:
    if type(event) is not dict and not isinstance(event, Mapping):
        return {}
    details = event.get("CallDetails")
    return details if type(details) is dict or isinstance(details, Mapping) else {}


def _transaction_id(event: Any) -> str:
    return str(_details(event).get("TransactionId") or "unknown")


def _attributes(event: Any) -> dict[str, str]:
    attrs = _details(event).get("TransactionAttributes")
    if not isinstance(attrs, Mapping):
        return {}
    return {str(k): str(v) for k, v in attrs.items()}


def _connected_call_ids(event: Any) -> list[str]:
    """CallIds of connected participants, LEG-A first, from whatever of the event is readable."""
    participants = _details(event).get("Participants")
    if not isinstance(participants, list):
        return []
    found: list[tuple[str, str]] = []
    for p in participants:
        if not isinstance(p, Mapping):
            continue
        call_id, status = p.get("CallId"), p.get("Status", "Connected")
        if isinstance(call_id, str) and call_id and status != "Disconnected":
            found.append((str(p.get("ParticipantTag", "")).upper(), call_id))
    return [call_id for _, call_id in sorted(found)]
