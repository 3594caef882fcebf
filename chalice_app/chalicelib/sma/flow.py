"""The call flow as an explicit transition table: (phase, event type, action type) -> handler.

Every handler is pure: it gets a :class:`~chalicelib.sma.context.Context` (the parsed event, the
decoded state, the configuration and the time) and returns a
:class:`~chalicelib.sma.context.TransitionResult` (actions for Chime, the next state, the
call-record update and a line for the log). :func:`step` looks the transition up, most specific
first. A combination that is not in the table ends the call politely (apology prompt on every
connected leg, then ``Hangup``) and says why, except in a bridged call: there the parties still
have a conversation, so it is acknowledged, logged and noted, and the call goes on. Recording
commands and their results are handled by chalicelib.sma.recording.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Final

from chalicelib.call_records import RecordingSource, RecordingState, iso_utc
from chalicelib.channels import Direction, Leg
from chalicelib.errors import InvalidEventError
from chalicelib.owners import directory
from chalicelib.owners.call_owner import CallOwner
from chalicelib.owners.model import Owner
from chalicelib.sma import actions as act
from chalicelib.sma import recording
from chalicelib.sma.actions import Action
from chalicelib.sma.context import Context, TransitionResult, merge_records
from chalicelib.sma.events import ActionType, EventType, InvocationEvent
from chalicelib.sma.numbers import is_e164, to_e164
from chalicelib.sma.prompts import Prompt
from chalicelib.sma.records import RecordUpdate
from chalicelib.sma.requests import Command, Pending, Request
from chalicelib.sma.state import CallState, Phase

logger = logging.getLogger(__name__)


API_ARGUMENT: Final = "recording"


Handler = Callable[[Context], TransitionResult]


class _Any(StrEnum):
    ANY = "*"


ANY: Final = _Any.ANY
Key = tuple[Phase | _Any, EventType, ActionType | _Any | None]


# --- endings -------------------------------------------------------------------------------------


def _hangups(event: InvocationEvent) -> list[Action]:
    """Hangup every connected leg, LEG-B first so LEG-A (the transaction's leg) goes last."""
    legs = sorted(event.connected, key=lambda p: p.tag.value, reverse=True)
    return [act.hangup(call_id=p.call_id) for p in legs]


def end_politely(ctx: Context, reason: str, prompt: Prompt = Prompt.APOLOGY) -> TransitionResult:
    """Prompt on every connected leg, hang them all up, say why in the log and the record."""
    logger.warning("transaction %s: ending the call: %s", ctx.event.transaction_id, reason)
    ctx, dropped = recording.drop_pending(ctx, "the call is ending")
    return TransitionResult(
        actions=ctx.prompt_all(prompt) + _hangups(ctx.event),
        state=ctx.state.with_(phase=Phase.ENDING),
        record=merge_records(RecordUpdate(appends=[ctx.note(reason)]), dropped),
        log=reason,
    )


def hang_up_connected(ctx: Context) -> TransitionResult:
    """Already ending and something failed again: no more prompts, just hang up what is left."""
    reason = f"{ctx.event.event_type} while ending ({ctx.event.error_type or 'no error type'})"
    return TransitionResult(_hangups(ctx.event), ctx.state.with_(phase=Phase.ENDING), log=reason)


def failed_end(ctx: Context) -> TransitionResult:
    data = ctx.event.action_data
    return end_politely(
        ctx, f"{data.type or 'action'} failed: {data.error_type} {data.error_message}"
    )


def acknowledge(ctx: Context) -> TransitionResult:
    """Nothing to do: the event only reports progress."""
    return TransitionResult([], ctx.state, log="acknowledged")


def interrupted(ctx: Context) -> TransitionResult:
    """An action was cut short (by UpdateSipMediaApplicationCall): the new actions come with the
    CALL_UPDATE_REQUESTED event that follows, so this one answers with none."""
    what = ctx.event.action_data.type or "action"
    return TransitionResult([], ctx.state, log=f"{what} interrupted")


def invalid_response(ctx: Context) -> TransitionResult:
    reason = f"Chime rejected our last response: {ctx.event.error_type} {ctx.event.error_message}"
    if ctx.state.phase in (Phase.ENDING, Phase.ENDED):
        ending = ctx.state.with_(phase=Phase.ENDING)
        return TransitionResult(_hangups(ctx.event), ending, log=reason)
    return end_politely(ctx, reason)


def on_hangup(ctx: Context) -> TransitionResult:
    """A leg hung up (a party, or our Hangup): hang up the rest; none left: close the record."""
    if ctx.state.phase is Phase.ENDED:
        return TransitionResult([], ctx.state, log="hangup after the call ended")
    settled = recording.settle(ctx) if ctx.state.phase is Phase.BRIDGED else None
    ctx = settled.ctx if settled else ctx
    ctx, dropped = recording.drop_pending(ctx, "the call ended")
    result = _hangup_transition(ctx)
    record = merge_records(dropped, result.record)
    if settled is not None:
        record = merge_records(settled.record, record)
    return TransitionResult(
        result.actions, result.state, record, result.log, talk_seconds=result.talk_seconds
    )


def _hangup_transition(ctx: Context) -> TransitionResult:
    # The participants' Status says who is gone: a party's HANGUP can carry the ActionData of
    # the action that was running ("Ending a call" shows a ReceiveDigits).
    gone = [p.tag.value for p in ctx.event.participants if not p.connected]
    who = "/".join(gone) or str(ctx.event.action_data.parameters.get("ParticipantTag") or "a leg")
    if ctx.event.connected:
        # Logged, not written: the record is written once more, when the call has ended.
        return TransitionResult(
            _hangups(ctx.event),
            ctx.state.with_(phase=Phase.ENDING),
            log=f"{who} hung up; hanging up the other leg",
        )
    values: dict[str, object] = {"ended_at": ctx.now}
    if ctx.state.other:
        values["other_number"] = ctx.state.other
    appends = []
    state = ctx.state.with_(phase=Phase.ENDED)
    if ctx.state.recording in (RecordingState.RECORDING, RecordingState.PAUSED):
        # Chime stops a recording by itself when the call ends ("Using call recording").
        state = state.with_(recording=RecordingState.STOPPED)
        values["recording_state"] = RecordingState.STOPPED.value
        entry = {"at": ctx.now, "state": RecordingState.STOPPED.value, "by": "hangup"}
        appends.append(("recording_events", {**entry, "result": "HANGUP"}))
    return TransitionResult(
        [],
        state,
        RecordUpdate(values, appends),
        log="all legs disconnected",
        talk_seconds=_talk_seconds(ctx),
    )


def outbound_call_answered(ctx: Context) -> TransitionResult:
    """CALL_ANSWERED follows CreateSipMediaApplicationCall, which this flow never uses."""
    return end_politely(
        ctx, "CALL_ANSWERED of an SMA-initiated call: outbound API calls are not part of this flow"
    )


# --- start of the call ---------------------------------------------------------------------------


def start_call(ctx: Context) -> TransitionResult:
    """One directory read (cached per container) names the owner of the dialled number; the
    owner calling from one of their own numbers dials out (after their PIN), anyone else is
    bridged to the owner."""
    leg_a = ctx.event.leg_a
    owner = directory.owner_for_number(leg_a.to_number)
    if owner is None:
        return not_in_service(ctx)
    base = {
        "owner_id": owner.owner_id,
        # The report names the owner by this (chalicelib.report.content.CallContext).
        "owner_name": owner.display_name,
        "sma_number": owner.sma_number,
        "started_at": ctx.now,
        "recording_state": RecordingState.NOT_STARTED.value,
        "recorded_leg": Leg.A.value,
        "source_path": RecordingSource.SMA.value,
    }
    if leg_a.from_number in owner.owner_numbers:
        return _owner_dials_in(ctx, owner, base)
    caller = leg_a.from_number
    caller_id = caller if is_e164(caller) else owner.sma_number
    owner_number = owner.owner_numbers[0]
    state = CallState(
        phase=Phase.CONNECTING,
        direction=Direction.INBOUND,
        owner=owner_number,
        other=caller,
        sma=owner.sma_number,
        call_owner=CallOwner.for_inbound(owner).encode(),
    )
    values = {
        **base,
        "owner_number": owner_number,
        "direction": Direction.INBOUND.value,
        "other_number": caller,
    }
    return TransitionResult(
        [
            ctx.prompt(Prompt.CONSENT, leg_a.call_id),
            act.call_and_bridge(caller_id, owner_number, ctx.config.call_timeout_seconds),
        ],
        state,
        RecordUpdate(values),
        log=f"inbound call for owner {owner.owner_id}: consent prompt, bridging to the owner",
    )


def _owner_dials_in(ctx: Context, owner: Owner, base: dict[str, str]) -> TransitionResult:
    leg_a = ctx.event.leg_a
    call_owner = CallOwner.for_owner_calling(owner)
    state = CallState(
        phase=Phase.PIN if call_owner.pin_due else Phase.COLLECTING,
        direction=Direction.OUTBOUND,
        owner=leg_a.from_number,
        sma=owner.sma_number,
        call_owner=call_owner.encode(),
    )
    ask = _ask_for_pin if call_owner.pin_due else _ask_for_number
    values = {**base, "owner_number": leg_a.from_number, "direction": Direction.OUTBOUND.value}
    return TransitionResult(
        [ask(ctx, leg_a.call_id)],
        state,
        RecordUpdate(values),
        log=f"owner {owner.owner_id} dials out: asking for the "
        + ("PIN" if call_owner.pin_due else "number"),
    )


def not_in_service(ctx: Context) -> TransitionResult:
    """A call to an SMA number no owner has: answered politely, hung up, recorded."""
    leg_a = ctx.event.leg_a
    reason = f"call to {leg_a.to_number}, which no owner has: not in service"
    logger.warning("transaction %s: %s", ctx.event.transaction_id, reason)
    values = {
        "direction": Direction.INBOUND.value,
        "sma_number": leg_a.to_number,
        "other_number": leg_a.from_number,
        "started_at": ctx.now,
        "recording_state": RecordingState.NOT_STARTED.value,
        "source_path": RecordingSource.SMA.value,
    }
    from chalicelib.owners.security_events import Kind, Notice

    notice = Notice(
        Kind.UNKNOWN_NUMBER, reason, {"sma_number": leg_a.to_number, "caller": leg_a.from_number}
    )
    return TransitionResult(
        [ctx.prompt(Prompt.NOT_IN_SERVICE, leg_a.call_id), act.hangup(call_id=leg_a.call_id)],
        CallState(phase=Phase.ENDING, direction=Direction.INBOUND, other=leg_a.from_number),
        RecordUpdate(values, [ctx.note(reason)]),
        log=reason,
        security=(notice,),
    )


# --- the owner's PIN -----------------------------------------------------------------------------


def _ask_for_pin(ctx: Context, call_id: str) -> Action:
    return act.play_audio_and_get_digits(
        ctx.config.prompts_bucket,
        Prompt.ENTER_PIN.value,
        Prompt.DIGITS_NOT_UNDERSTOOD.value,
        call_id=call_id,
        regex=act.pin_digits_regex(),
        digits=(act.PIN_MIN_DIGITS, act.PIN_MAX_DIGITS),
    )


def _epoch(now: str) -> float:
    return datetime.fromisoformat(now).timestamp()


def pin_entered(ctx: Context) -> TransitionResult:
    """Check the PIN (the digits are never logged or recorded); right: ask for the number."""
    from chalicelib.owners.dial_out import PinOutcome, check_pin
    from chalicelib.owners.usage import LockoutPolicy, UsageStore

    call_owner = CallOwner.decode(ctx.state.call_owner)
    if call_owner is None or not call_owner.pin_due:
        return end_politely(ctx, "PIN digits without a PIN due in this call")
    check = check_pin(
        call_owner,
        ctx.event.action_data.received_digits,
        wrong_so_far=ctx.state.tries,
        usage=UsageStore.configured(),
        policy=LockoutPolicy.from_env(),
        now=_epoch(ctx.now),
    )
    call_id = ctx.event.leg_a.call_id
    if check.outcome is PinOutcome.RIGHT:
        # Logged, not written: the record is written at most three times per call (issue 14).
        return TransitionResult(
            [_ask_for_number(ctx, call_id)],
            ctx.state.with_(phase=Phase.COLLECTING, tries=0, call_owner=check.owner.encode()),
            log="PIN accepted: asking for the number",
        )
    if check.outcome is PinOutcome.WRONG:
        tries = ctx.state.tries + 1
        return TransitionResult(
            [ctx.prompt(Prompt.WRONG_PIN, call_id), _ask_for_pin(ctx, call_id)],
            ctx.state.with_(tries=tries),
            RecordUpdate(appends=[ctx.note(f"wrong dial-out PIN ({tries})")]),
            log=f"wrong PIN ({tries}): asking again",
        )
    if check.outcome is PinOutcome.TOO_MANY:
        return end_politely(
            ctx, "wrong dial-out PIN too many times", prompt=Prompt.TOO_MANY_WRONG_PINS
        )
    return _locked(ctx, check.locked_until or 0.0, newly=check.newly_locked)


def _locked(ctx: Context, until: float, *, newly: bool) -> TransitionResult:
    from chalicelib.owners.security_events import Kind, Notice

    when = iso_utc(datetime.fromtimestamp(until, UTC))
    reason = f"dial-out locked after repeated wrong PINs, until {when}"
    ended = end_politely(ctx, reason, prompt=Prompt.DIAL_OUT_LOCKED)
    notices = (Notice(Kind.PIN_LOCKOUT, reason, {"locked_until": when}),) if newly else ()
    return TransitionResult(ended.actions, ended.state, ended.record, ended.log, security=notices)


def pin_failed(ctx: Context) -> TransitionResult:
    """No PIN after the SMA's own repeats: another round, within the call's attempts."""
    if ctx.event.error_type in PROMPT_ERRORS:
        return failed_end(ctx)
    tries = ctx.state.tries + 1
    if tries >= ctx.config.dial_max_attempts:
        return end_politely(ctx, f"no PIN entered after {tries} attempts", Prompt.NO_VALID_NUMBER)
    call_id = ctx.event.leg_a.call_id
    return TransitionResult(
        [ctx.prompt(Prompt.DIGITS_NOT_UNDERSTOOD, call_id), _ask_for_pin(ctx, call_id)],
        ctx.state.with_(tries=tries),
        log=f"no PIN received: asking again ({tries})",
    )


# --- the number to dial --------------------------------------------------------------------------


def _ask_for_number(ctx: Context, call_id: str) -> Action:
    return act.play_audio_and_get_digits(
        ctx.config.prompts_bucket,
        Prompt.ENTER_NUMBER.value,
        Prompt.DIGITS_NOT_UNDERSTOOD.value,
        call_id=call_id,
        regex=act.dial_digits_regex(),
    )


def digits_entered(ctx: Context) -> TransitionResult:
    digits = ctx.event.action_data.received_digits
    number = to_e164(digits, ctx.config.default_country_code)
    if number is None or number in (ctx.state.owner, ctx.state.sma):
        return _retry_or_give_up(ctx, Prompt.INVALID_NUMBER, f"cannot call {digits!r}")
    refused = _refused_dial_out(ctx, number)
    if refused is not None:
        return refused
    leg_a = ctx.event.leg_a
    return TransitionResult(
        [
            ctx.prompt(Prompt.CONNECTING, leg_a.call_id),
            # The SMA's own number as caller id: the callee never sees the owner's number.
            act.call_and_bridge(ctx.state.sma, number, ctx.config.call_timeout_seconds),
        ],
        # Written with the next record update (recording confirmed, or the end): at most three
        # writes per call (issue 14), none while the number is only being tried.
        ctx.state.with_(phase=Phase.CONNECTING, other=number),
        log=f"bridging to {number}",
    )


def _refused_dial_out(ctx: Context, number: str) -> TransitionResult | None:
    """None when this call may dial ``number``: only an owner verified in this call (caller id,
    and PIN when set), to an allowed destination, under the daily limits."""
    from chalicelib.owners.dial_out import Refusal, authorize_dial_out
    from chalicelib.owners.security_events import Kind, Notice
    from chalicelib.owners.usage import UsageStore

    usage = UsageStore.configured()
    decision = authorize_dial_out(
        CallOwner.decode(ctx.state.call_owner),
        number,
        usage=usage,
        # The time only counts against the daily limits, which need the usage store.
        now=_epoch(ctx.now) if usage is not None else 0.0,
    )
    if decision.refusal is None:
        return None
    reason = f"dial-out to {number} refused: {decision.reason}"
    if decision.refusal is Refusal.NOT_VERIFIED:
        return end_politely(ctx, reason)
    if decision.refusal is Refusal.LIMIT:
        ended = end_politely(ctx, reason, prompt=Prompt.LIMIT_REACHED)
        notice = Notice(Kind.LIMIT_REACHED, reason, {"destination": number})
        return TransitionResult(
            ended.actions, ended.state, ended.record, ended.log, security=(notice,)
        )
    retry = _retry_or_give_up(ctx, Prompt.DESTINATION_REFUSED, reason)
    notice = Notice(Kind.DESTINATION_REFUSED, reason, {"destination": number})
    record = retry.record
    if retry.state.phase is not Phase.ENDING:  # giving up notes the reason already
        record = merge_records(record, RecordUpdate(appends=[ctx.note(reason)]))
    return TransitionResult(retry.actions, retry.state, record, retry.log, security=(notice,))


# Documented validation errors of PlayAudioAndGetDigits: asking again would fail again.
PROMPT_ERRORS: Final = frozenset(
    {"InvalidAudioSource", "InvalidActionParameter", "SystemException"}
)


def digits_failed(ctx: Context) -> TransitionResult:
    """No usable digits after the SMA's own repeats (InvalidDigitsReceived, a timeout): the
    owner gets another round; a documented validation error ends the call."""
    if ctx.event.error_type in PROMPT_ERRORS:
        return failed_end(ctx)
    return _retry_or_give_up(ctx, Prompt.DIGITS_NOT_UNDERSTOOD, "no valid digits received")


def _retry_or_give_up(ctx: Context, prompt: Prompt, reason: str) -> TransitionResult:
    tries = ctx.state.tries + 1
    call_id = ctx.event.leg_a.call_id
    if tries < ctx.config.dial_max_attempts:
        return TransitionResult(
            [ctx.prompt(prompt, call_id), _ask_for_number(ctx, call_id)],
            ctx.state.with_(tries=tries),
            log=f"{reason}: asking again ({tries}/{ctx.config.dial_max_attempts})",
        )
    return end_politely(
        ctx, f"{reason}: giving up after {tries} attempts", prompt=Prompt.NO_VALID_NUMBER
    )


# --- bridging ------------------------------------------------------------------------------------


def bridged(ctx: Context) -> TransitionResult:
    leg_a, leg_b = ctx.event.leg_a, ctx.event.leg(Leg.B)
    if leg_b is None:
        raise InvalidEventError("CallAndBridge succeeded but Participants has no LEG-B")
    state = ctx.state.with_(
        phase=Phase.BRIDGED, recorded_call_id=leg_a.call_id, call_owner=_with_bridge_time(ctx)
    )
    ctx = ctx.with_state(state)
    actions = ctx.rearm()
    if not ctx.config.auto_start:
        return TransitionResult(actions, state, log="bridged; recording on demand")
    # Outbound: the callee has not heard the consent prompt yet. Inbound: the caller heard it
    # before the bridge. The recording starts once the prompt has played; until Chime confirms
    # it, the start is in flight (chalicelib.sma.recording).
    if ctx.state.direction is Direction.OUTBOUND:
        actions.append(ctx.prompt(Prompt.CONSENT, leg_b.call_id))
    actions.append(act.start_call_recording(leg_a.call_id, ctx.config.recording_location))
    start = Request(Command.START, "auto", ctx.event.sequence)
    state = state.with_(pending=Pending(inflight=start).encode())
    return TransitionResult(actions, state, log="bridged; starting the recording on LEG-A")


def _with_bridge_time(ctx: Context) -> str:
    """The call owner with the dial-out's bridge time, from which its minutes are counted."""
    call_owner = CallOwner.decode(ctx.state.call_owner)
    if call_owner is None or ctx.state.direction is not Direction.OUTBOUND:
        return ctx.state.call_owner
    return call_owner.with_(bridged_at=int(_epoch(ctx.now))).encode()


def _talk_seconds(ctx: Context) -> int:
    call_owner = CallOwner.decode(ctx.state.call_owner)
    if call_owner is None or not call_owner.bridged_at:
        return 0
    return max(0, round(_epoch(ctx.now)) - call_owner.bridged_at)


def bridge_failed(ctx: Context) -> TransitionResult:
    error = ctx.event.error_type
    prompt = Prompt.NOT_ANSWERED if error == "CallNotAnswered" else Prompt.APOLOGY
    return end_politely(
        ctx, f"CallAndBridge failed: {error} {ctx.event.error_message}".strip(), prompt=prompt
    )


def update_too_early(ctx: Context) -> TransitionResult:
    """Recording commands need a bridged call: refused with a note (a prompt would replace the
    number prompt or the CallAndBridge under way). No actions: "If the SIP media application
    receives a NULL action set, it keeps the existing actions" (docs/call-flow.md)."""
    raw = ctx.event.action_data.arguments.get(API_ARGUMENT, "")
    phase = ctx.state.phase.value
    reason = f"api: {raw or 'update'} refused while {phase}: the call is not bridged"
    return TransitionResult([], ctx.state, RecordUpdate(appends=[ctx.note(reason)]), reason)


# --- recording (chalicelib.sma.recording does the work) -------------------------------------------


def _bridged(run: Callable[[Context, recording.Settled], TransitionResult]) -> Handler:
    """A bridged-call transition that first settles the recording request in flight."""

    def handler(ctx: Context) -> TransitionResult:
        return recording.with_settled(ctx, run)

    handler.__name__ = run.__name__
    handler.__doc__ = run.__doc__
    return handler


def control_digits(ctx: Context, settled: recording.Settled) -> TransitionResult:
    data = ctx.event.action_data
    owner = ctx.owner_call_id
    if data.call_id and data.call_id != owner:
        return TransitionResult(
            [], ctx.state, log=f"digits from {data.call_id} (not the owner) ignored"
        )
    digit = data.received_digits.strip()
    command = ctx.config.digit_commands.get(digit)
    return recording.accept(ctx, command, "owner", f"digits {digit!r}")


def api_update(ctx: Context, settled: recording.Settled) -> TransitionResult:
    raw = ctx.event.action_data.arguments.get(API_ARGUMENT, "").strip().lower()
    command = Command(raw) if raw in set(Command) else None
    return recording.accept(ctx, command, "api", f"Arguments.{API_ARGUMENT}={raw!r}")


def keep_bridged_call(ctx: Context) -> TransitionResult:
    """A combination the table does not name, in a bridged call: nothing to do, and nothing is
    worth ending a conversation for. Acknowledge, log and note it."""
    event = ctx.event
    reason = (
        f"no transition for {event.event_type.value} with action "
        f"{event.action_data.type or 'none'} in a bridged call: acknowledged, the call goes on"
    )
    logger.warning("transaction %s: %s", event.transaction_id, reason)
    return TransitionResult([], ctx.state, RecordUpdate(appends=[ctx.note(reason)]), reason)


# --- the table -----------------------------------------------------------------------------------

E, A, P = EventType, ActionType, Phase

TRANSITIONS: Final[dict[Key, Handler]] = {
    (P.NEW, E.NEW_INBOUND_CALL, None): start_call,
    (ANY, E.NEW_OUTBOUND_CALL, ANY): acknowledge,  # documented: the response is ignored
    (ANY, E.RINGING, ANY): acknowledge,
    (ANY, E.CALL_ANSWERED, ANY): outbound_call_answered,
    (P.PIN, E.ACTION_SUCCESSFUL, A.PLAY_AUDIO_AND_GET_DIGITS): pin_entered,
    (P.PIN, E.ACTION_FAILED, A.PLAY_AUDIO_AND_GET_DIGITS): pin_failed,
    (P.PIN, E.ACTION_FAILED, ANY): failed_end,
    (P.PIN, E.CALL_UPDATE_REQUESTED, ANY): update_too_early,
    (P.COLLECTING, E.ACTION_SUCCESSFUL, A.PLAY_AUDIO_AND_GET_DIGITS): digits_entered,
    (P.COLLECTING, E.ACTION_FAILED, A.PLAY_AUDIO_AND_GET_DIGITS): digits_failed,
    (P.COLLECTING, E.ACTION_FAILED, ANY): failed_end,
    (P.COLLECTING, E.CALL_UPDATE_REQUESTED, ANY): update_too_early,
    (P.CONNECTING, E.ACTION_SUCCESSFUL, A.CALL_AND_BRIDGE): bridged,
    (P.CONNECTING, E.ACTION_SUCCESSFUL, A.PLAY_AUDIO): acknowledge,
    (P.CONNECTING, E.ACTION_FAILED, A.CALL_AND_BRIDGE): bridge_failed,
    (P.CONNECTING, E.ACTION_FAILED, ANY): failed_end,
    (P.CONNECTING, E.CALL_UPDATE_REQUESTED, ANY): update_too_early,
    (P.BRIDGED, E.ACTION_SUCCESSFUL, ANY): _bridged(recording.action_succeeded),
    (P.BRIDGED, E.ACTION_FAILED, ANY): _bridged(recording.action_failed),
    (P.BRIDGED, E.DIGITS_RECEIVED, ANY): _bridged(control_digits),
    (P.BRIDGED, E.CALL_UPDATE_REQUESTED, ANY): _bridged(api_update),
    (P.ENDING, E.ACTION_SUCCESSFUL, ANY): acknowledge,
    (P.ENDING, E.ACTION_FAILED, ANY): hang_up_connected,
    (P.ENDING, E.DIGITS_RECEIVED, ANY): acknowledge,
    (P.ENDING, E.CALL_UPDATE_REQUESTED, ANY): acknowledge,
    (P.ENDED, E.ACTION_SUCCESSFUL, ANY): acknowledge,
    (P.ENDED, E.ACTION_FAILED, ANY): acknowledge,
    (ANY, E.ACTION_INTERRUPTED, ANY): interrupted,
    (ANY, E.HANGUP, ANY): on_hangup,
    (ANY, E.INVALID_LAMBDA_RESPONSE, ANY): invalid_response,
}


def _most_specific(
    phase: Phase, event_type: EventType, action_type: ActionType | None
) -> Handler | None:
    for key in (
        (phase, event_type, action_type),
        (phase, event_type, ANY),
        (ANY, event_type, action_type),
        (ANY, event_type, ANY),
    ):
        handler = TRANSITIONS.get(key)
        if handler is not None:
            return handler
    return None


# Each combination resolved once per container, on first use: a step is then one lookup, not
# up to four (and the import does not resolve the hundreds of combinations no call sends).
_RESOLVED: dict[tuple[Phase, EventType, ActionType | None], Handler | None] = {}


def lookup(phase: Phase, event_type: EventType, action_type: ActionType | None) -> Handler | None:
    """The most specific transition for the combination, or None."""
    key = (phase, event_type, action_type)
    try:
        return _RESOLVED[key]
    except KeyError:
        handler = _RESOLVED[key] = _most_specific(phase, event_type, action_type)
        return handler


def step(ctx: Context) -> TransitionResult:
    """Run the transition for the event; an unknown combination ends the call politely."""
    event = ctx.event
    action_type = event.action_type if "ActionData" in event.raw else None
    handler = lookup(ctx.state.phase, event.event_type, action_type)
    if handler is None:
        reason = (
            f"no transition for phase {ctx.state.phase.value}, event {event.event_type.value}, "
            f"action {event.action_data.type or 'none'}"
        )
        if ctx.state.phase is Phase.BRIDGED:
            return recording.with_settled(ctx, lambda c, _: keep_bridged_call(c))
        return end_politely(ctx, reason)
    return handler(ctx)
