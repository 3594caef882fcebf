"""Recording commands in a bridged call: accepted, sent, settled by Chime, and never lost.

How Chime runs what the flow answers (Amazon Chime SDK developer guide):

- "Responding to invocations with action lists": the application finishes the current action,
  then "replaces the old action set with a new set of actions received from the latest
  invocation event"; "Updating in-progress calls": "all actions that follow the in-progress
  action are replaced with the new actions" (PlayAudio, RecordAudio and Pause are even cut short
  by an update).
- "Specifying actions in response to telephony events": ACTION_SUCCESSFUL comes "only if all the
  actions on the list succeed"; when one fails, the function gets ACTION_FAILED for it and the
  application "clears the remaining actions in the list after the failed one".

So the lists are built in a fixed order: ``ReceiveDigits`` first, then Pause/Resume/Stop (they
run at once, nothing can replace them), then the confirmation prompts; StartCallRecording comes
last, after the consent prompt every party must hear first, and it is the one action an answer
to another event can replace. Hence:

- the action sent is *in flight* (``Pending.inflight``) until an event settles it: its own
  ACTION_FAILED, or ACTION_FAILED of an action before it in its list (it never ran), or for
  Pause/Resume/Stop any other event (it ran before anything else could happen), or for
  StartCallRecording its ACTION_SUCCESSFUL;
- a command that arrives while StartCallRecording waits behind the consent prompt is queued
  (pause, stop) or absorbed (start, resume), and the answer sends the consent prompt and the
  start again, since that answer replaces them;
- queued commands are carried out in order once the start is settled; commands that cannot be
  carried out are refused with a prompt to the owner and a note in the call record;
- ``recording_events`` entries are written when Chime settles an action, with what was asked
  (``command``, ``by``, ``requested_in_event``: the ``Sequence`` of the event that asked) beside
  what happened (``result``: ACTION_SUCCESSFUL or ACTION_FAILED, ``state``, ``error``).

A failed recording action or prompt keeps the call (the parties can still talk): the owner hears
why (unless the prompt is what failed), the failure is recorded, and the owner may try again.
"""

from __future__ import annotations

import logging
from typing import Any, Final

from chalicelib.call_records import RecordingState
from chalicelib.sma import actions as act
from chalicelib.sma.actions import Action
from chalicelib.sma.context import Context, TransitionResult, merge_records
from chalicelib.sma.events import ActionType, EventType
from chalicelib.sma.prompts import Prompt
from chalicelib.sma.records import NO_RECORD, RecordUpdate
from chalicelib.sma.requests import NOTHING_PENDING, Command, Pending, Request
from chalicelib.sma.state import Phase

logger = logging.getLogger(__name__)

SUCCEEDED: Final = "ACTION_SUCCESSFUL"
FAILED: Final = "ACTION_FAILED"

# (command, state now) -> (state once Chime confirms, prompt for every connected party)
_CHANGES: Final[dict[tuple[Command, RecordingState], tuple[RecordingState, Prompt]]] = {
    (Command.PAUSE, RecordingState.RECORDING): (RecordingState.PAUSED, Prompt.RECORDING_PAUSED),
    (Command.RESUME, RecordingState.PAUSED): (RecordingState.RECORDING, Prompt.RECORDING_RESUMED),
    (Command.STOP, RecordingState.RECORDING): (RecordingState.STOPPED, Prompt.RECORDING_STOPPED),
    (Command.STOP, RecordingState.PAUSED): (RecordingState.STOPPED, Prompt.RECORDING_STOPPED),
}
# A start that never ran (or failed) may be asked for again; "You can only start and stop
# recording once for an individual call leg" ("Using call recording") rules out a restart after
# a stop.
_STARTABLE: Final = frozenset({RecordingState.NOT_STARTED, RecordingState.FAILED})
_RESULT_STATE: Final = {
    Command.START: RecordingState.RECORDING,
    Command.PAUSE: RecordingState.PAUSED,
    Command.RESUME: RecordingState.RECORDING,
    Command.STOP: RecordingState.STOPPED,
}


# --- the pending requests ------------------------------------------------------------------------


def pending_of(ctx: Context) -> Pending:
    """The decoded requests; a call bridged by an earlier version with the automatic start still
    unconfirmed has its start in flight."""
    pending = Pending.decode(ctx.state.pending)
    for part in pending.ignored:
        logger.warning(
            "transaction %s: pending request %r is unknown; dropped", ctx.event.transaction_id, part
        )
    legacy_start = (
        ctx.config.auto_start
        and ctx.state.phase is Phase.BRIDGED
        and ctx.state.recording is RecordingState.NOT_STARTED
    )
    if pending.inflight is None and legacy_start:
        pending = pending.with_inflight(Request(Command.START, "auto"))
    return pending


def _with_pending(ctx: Context, pending: Pending) -> Context:
    encoded = pending.encode()
    if encoded == ctx.state.pending:
        return ctx
    return ctx.with_state(ctx.state.with_(pending=encoded))


def _event(
    ctx: Context, request: Request, result: str, state: RecordingState, error: str = ""
) -> tuple[str, dict[str, str]]:
    entry = {
        "at": ctx.now,
        "state": state.value,
        "by": request.by,
        "command": request.command.value,
        "result": result,
    }
    if request.sequence:
        entry["requested_in_event"] = str(request.sequence)
    if error:
        entry["error"] = error
    return ("recording_events", entry)


# --- settling what is in flight ------------------------------------------------------------------


class Settled:
    """The context once the in-flight request is settled, what to write about it, and the
    request Chime refused or never ran (if any). Slotted, like Context."""

    __slots__ = ("ctx", "failed", "record")

    def __init__(self, ctx: Context, record: RecordUpdate, failed: Request | None = None) -> None:
        self.ctx, self.record, self.failed = ctx, record, failed


def settle(ctx: Context) -> Settled:
    """Settle the in-flight request with what this event says about it (see the module doc)."""
    pending = pending_of(ctx)
    request = pending.inflight
    if request is None:
        return Settled(_with_pending(ctx, pending), NO_RECORD)
    verdict = _verdict(ctx, request)
    if verdict is None:  # StartCallRecording still queued behind the consent prompt
        return Settled(_with_pending(ctx, pending), NO_RECORD)
    rest = pending.with_inflight(None)
    if verdict == SUCCEEDED:
        return _succeeded(_with_pending(ctx, rest), request)
    return _failed(_with_pending(ctx, rest), request, verdict)


def _verdict(ctx: Context, request: Request) -> str | None:
    """SUCCEEDED, an error text, or None when the event says nothing about the request yet."""
    event, data = ctx.event, ctx.event.action_data
    if event.event_type is EventType.ACTION_FAILED:
        return _failure_verdict(ctx, request)
    if request.command is not Command.START:
        return SUCCEEDED
    if event.event_type is EventType.ACTION_SUCCESSFUL and data.type == request.action_type:
        return SUCCEEDED
    return None  # still queued (a HANGUP leaves it to drop_pending)


def _failure_verdict(ctx: Context, request: Request) -> str:
    data = ctx.event.action_data
    if data.type == request.action_type:
        return f"{data.error_type} {data.error_message}".strip() or "failed"
    if data.type == ActionType.RECEIVE_DIGITS or request.command is Command.START:
        # An action before it in its list failed: the rest of the list was cleared.
        return f"not run: {data.type or 'an action'} before it failed ({data.error_type})"
    return SUCCEEDED  # the confirmation prompts come after it: it ran


def _succeeded(ctx: Context, request: Request) -> Settled:
    state = _RESULT_STATE[request.command]
    values: dict[str, object] = {"recording_state": state.value}
    if request.command is Command.START:
        values.update(_location(ctx))
        if ctx.state.other:
            values["other_number"] = ctx.state.other  # the console shows whom the call is with
    record = RecordUpdate(values, [_event(ctx, request, SUCCEEDED, state)])
    return Settled(ctx.with_state(ctx.state.with_(recording=state)), record)


def _failed(ctx: Context, request: Request, error: str) -> Settled:
    state = ctx.state.recording
    values: dict[str, object] = {}
    if request.command is Command.START:
        state = RecordingState.FAILED
        values["recording_state"] = state.value
    record = RecordUpdate(values, [_event(ctx, request, FAILED, state, error)])
    logger.warning(
        "transaction %s: %s failed: %s", ctx.event.transaction_id, request.describe(), error
    )
    return Settled(ctx.with_state(ctx.state.with_(recording=state)), record, failed=request)


def _location(ctx: Context) -> dict[str, str]:
    destination = ctx.event.action_data.recording_destination
    bucket, _, key = destination.partition("/")
    if not bucket or not key:
        logger.warning(
            "transaction %s: StartCallRecording succeeded without CallRecordingDestination",
            ctx.event.transaction_id,
        )
        return {}
    return {
        "recording_location": f"s3://{bucket}/{key}",
        "recording_bucket": bucket,
        "recording_key": key,
    }


# --- commands ------------------------------------------------------------------------------------


def accept(ctx: Context, command: Command | None, by: str, asked: str) -> TransitionResult:
    """A command from the owner or the API (``None``: something that is no command, ``asked``
    says what); the in-flight request is already settled. Commands are carried out in the order
    they arrive: behind the start in flight and behind the ones already queued."""
    pending = pending_of(ctx)
    request = Request(command, by, ctx.event.sequence) if command is not None else None
    if not ctx.recorded_leg_connected:
        what = request.describe() if request else f"{by}: {asked}"
        reason = f"{what} ignored: the recorded leg {ctx.recorded_call_id} is not connected"
        return _noted(ctx, ctx.rearm(), reason)
    if pending.inflight is not None:  # the start waits behind the consent prompt
        return _while_starting(ctx, pending, request, asked)
    if request is None:
        return _noted(ctx, ctx.rearm(), f"{by}: {asked} is no recording command; ignored")
    if pending.queued:
        ctx = _with_pending(ctx, pending.enqueue(request))
        follow = next_queued(ctx)
        assert follow is not None
        return follow
    return carry_out(ctx, request)


def _while_starting(
    ctx: Context, pending: Pending, request: Request | None, asked: str
) -> TransitionResult:
    """Our answer replaces the StartCallRecording queued behind the consent prompt: send both
    again; a pause or stop waits until the start is settled, a start or resume is that start."""
    if request is None:
        what = f"{asked} while the recording is starting"
        appends = []
    elif request.command in (Command.PAUSE, Command.STOP):
        pending = pending.enqueue(request)
        what = f"{request.describe()} queued until the recording has started"
        appends = [ctx.note(what)]
    else:
        what = f"{request.describe()} joins the start already under way"
        appends = [ctx.note(what)]
    ctx = _with_pending(ctx, pending)
    actions = [*ctx.rearm(), *_start_actions(ctx)]
    return TransitionResult(
        actions, ctx.state, RecordUpdate(appends=appends), log=f"{what}; starting it again"
    )


def _start_actions(ctx: Context) -> list[Action]:
    return [
        *ctx.prompt_all(Prompt.CONSENT),
        act.start_call_recording(ctx.recorded_call_id, ctx.config.recording_location),
    ]


def carry_out(ctx: Context, request: Request) -> TransitionResult:
    """Send the action for ``request`` if the recording state allows it, else refuse it."""
    current = ctx.state.recording
    pending = pending_of(ctx).with_inflight(request)
    if request.command is Command.START and current in _STARTABLE:
        ctx = _with_pending(ctx, pending)
        return TransitionResult(
            [*ctx.rearm(), *_start_actions(ctx)],
            ctx.state,
            log=f"{request.by}: start recording",
        )
    change = _CHANGES.get((request.command, current))
    if change is None:
        return refuse(ctx, request)
    _, prompt = change
    call_id = ctx.recorded_call_id
    builders = {
        Command.PAUSE: act.pause_call_recording,
        Command.RESUME: act.resume_call_recording,
        Command.STOP: act.stop_call_recording,
    }
    ctx = _with_pending(ctx, pending)
    return TransitionResult(
        [*ctx.rearm(), builders[request.command](call_id), *ctx.prompt_all(prompt)],
        ctx.state,
        log=f"{request.by}: {request.command.value} sent",
    )


def refuse(ctx: Context, request: Request) -> TransitionResult:
    """A command the recording state does not allow: the owner hears so, the record says why.
    Stopped means stopped ("You can only start and stop recording once for an individual call
    leg")."""
    current = ctx.state.recording
    reason = f"{request.describe()} refused while recording is {current.value}"
    prompt = Prompt.RECORDING_COMMAND_REFUSED
    if current is RecordingState.STOPPED and request.command in (Command.RESUME, Command.START):
        prompt = Prompt.RECORDING_CANNOT_RESUME
    return _noted(ctx, [*ctx.rearm(), *ctx.prompt_owner(prompt)], reason)


def _noted(ctx: Context, actions: list[Action], reason: str) -> TransitionResult:
    return TransitionResult(actions, ctx.state, RecordUpdate(appends=[ctx.note(reason)]), reason)


def next_queued(ctx: Context) -> TransitionResult | None:
    """Carry out the first queued command (None when none is queued)."""
    request, rest = pending_of(ctx).pop()
    if request is None:
        return None
    return carry_out(_with_pending(ctx, rest), request)


def drop_pending(ctx: Context, why: str) -> tuple[Context, RecordUpdate]:
    """The call is ending: whatever is still pending is refused, each with a note."""
    pending = pending_of(ctx)
    dropped = [r for r in (pending.inflight, *pending.queued) if r is not None]
    if not dropped:
        return _with_pending(ctx, NOTHING_PENDING), NO_RECORD
    notes = [ctx.note(f"{r.describe()} not carried out: {why}") for r in dropped]
    return _with_pending(ctx, NOTHING_PENDING), RecordUpdate(appends=notes)


# --- the transitions of a bridged call -----------------------------------------------------------


def with_settled(ctx: Context, run: Any) -> TransitionResult:
    """Settle the in-flight request, then run the transition ``run(ctx, settled)``; one write."""
    settled = settle(ctx)
    result: TransitionResult = run(settled.ctx, settled)
    return TransitionResult(
        result.actions, result.state, merge_records(settled.record, result.record), result.log
    )


def action_succeeded(ctx: Context, settled: Settled) -> TransitionResult:
    """A list completed: carry out what was queued meanwhile, or nothing."""
    follow = next_queued(ctx)
    if follow is not None:
        return follow
    return TransitionResult([], ctx.state, log=f"{ctx.event.action_data.type or 'action'} done")


def action_failed(ctx: Context, settled: Settled) -> TransitionResult:
    """A minor failure in a bridged call: keep the call, tell the owner, allow a retry."""
    data = ctx.event.action_data
    reason = f"{data.type or 'action'} failed: {data.error_type} {data.error_message}".strip()
    tell: list[Action] = []
    if settled.failed is not None and data.type != ActionType.PLAY_AUDIO:
        failed_start = settled.failed.command is Command.START
        prompt = Prompt.RECORDING_FAILED if failed_start else Prompt.RECORDING_COMMAND_FAILED
        tell = ctx.prompt_owner(prompt)
    # A prompt that failed is not played again: the owner hears nothing rather than an error loop.
    follow = next_queued(ctx)
    # A ReceiveDigits that failed is not armed again: it would fail in a loop.
    rearm = [] if data.type == ActionType.RECEIVE_DIGITS else ctx.rearm()
    actions = [*rearm, *tell] if follow is None else [*follow.actions, *tell]
    state = ctx.state if follow is None else follow.state
    record = RecordUpdate(appends=[ctx.note(f"{reason}; the call goes on")])
    if follow is not None:
        record = merge_records(record, follow.record)
    return TransitionResult(actions, state, record, log=f"{reason}; the call goes on")
