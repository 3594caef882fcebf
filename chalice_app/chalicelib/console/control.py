"""``POST /calls/{id}/recording``: ask a live call's SMA handler to start, pause, resume or stop.

UpdateSipMediaApplicationCall (Chime SDK Voice API reference) invokes the SMA handler with a
``CALL_UPDATE_REQUESTED`` event carrying ``Arguments``; the handler reads
``Arguments["recording"]`` (:data:`chalicelib.sma.flow.API_ARGUMENT`) and carries the command
out. The call is asynchronous: the answer (202) means Chime accepted the update; the call
record's ``recording_state`` changes once the handler has acted, which the page polls.

Refused here (409) before Chime is asked: a call that is not live, and a command the recorded
state does not allow (the same transitions the SMA flow allows). The API client runs in the
function's own Region, which is the SIP media application's: the SMA invokes its handler there.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalicelib import aws, settings
from chalicelib.call_records import RecordingState
from chalicelib.console.errors import BadRequestError, ConflictError
from chalicelib.console.summary import is_live
from chalicelib.sma.flow import API_ARGUMENT
from chalicelib.sma.requests import Command

SMA_ID_ENV = "SIP_MEDIA_APPLICATION_ID"
DURING_A_CALL = "recording can be controlled during a call only"
ALLOWED_FROM: dict[Command, frozenset[RecordingState]] = {
    Command.START: frozenset({RecordingState.NOT_STARTED}),
    Command.PAUSE: frozenset({RecordingState.RECORDING}),
    Command.RESUME: frozenset({RecordingState.PAUSED}),
    Command.STOP: frozenset({RecordingState.RECORDING, RecordingState.PAUSED}),
}
# Chime's answers that mean "this call cannot take that update now", not a fault of ours.
REFUSALS = frozenset({"NotFoundException", "BadRequestException", "ResourceLimitExceededException"})


def command_from(body: Any) -> Command:
    """The ``action`` of a request body ``{"action": "start|pause|resume|stop"}``."""
    raw = body.get("action") if isinstance(body, Mapping) else None
    if not isinstance(raw, str) or raw not in set(Command) or set(body) != {"action"}:
        raise BadRequestError(
            'the body must be {"action": "start" | "pause" | "resume" | "stop"}',
            hint="send JSON with Content-Type: application/json",
        )
    return Command(raw)


def request_recording(record: Mapping[str, Any], command: Command, now: datetime) -> dict[str, Any]:
    """Send ``command`` to the live call of ``record``; the 202 body."""
    transaction_id = str(record["transaction_id"])
    if not is_live(record, now):
        raise ConflictError(
            "the call is not live", hint="recording can be controlled during a call only"
        )
    state = RecordingState(str(record.get("recording_state") or RecordingState.NOT_STARTED))
    if state not in ALLOWED_FROM[command]:
        raise ConflictError(
            f"cannot {command.value} the recording while it is {state.value}",
            hint="refresh the call to see its recording state",
        )
    _update_call(sip_media_application_id(record), transaction_id, command)
    return {"accepted": True, "action": command.value, "recording_state": state.value}


def sip_media_application_id(record: Mapping[str, Any]) -> str:
    """The SMA the call runs on: the call record's ``sip_media_application_id`` when the SMA
    handler wrote it (the invocation event's CallDetails.SipMediaApplicationId), else
    ``SIP_MEDIA_APPLICATION_ID``. Terraform cannot put the SMA's id into the functions'
    environment: the SMA refers to the handler function, whose environment that is."""
    return str(record.get("sip_media_application_id") or settings.require(SMA_ID_ENV))


def _update_call(sma_id: str, transaction_id: str, command: Command) -> None:
    from botocore.exceptions import ClientError

    try:
        aws.call(
            f"Chime UpdateSipMediaApplicationCall {transaction_id}",
            aws.client("chime-sdk-voice").update_sip_media_application_call,
            SipMediaApplicationId=sma_id,
            TransactionId=transaction_id,
            Arguments={API_ARGUMENT: command.value},
        )
    except ClientError as error:
        code = aws.error_code(error)
        if code == "NotFoundException":
            raise ConflictError(
                "the call has ended", hint="recording can be controlled during a call only"
            ) from error
        if code in REFUSALS:
            raise ConflictError(
                f"Chime refused the update: {code}", hint="try again shortly"
            ) from error
        raise
