"""The call flow as an explicit transition table: (phase, event type, action type) -> handler.

Every handler is pure: it gets a :class:`Context` (the parsed event, the decoded state, the
configuration and the time) and returns an :class:`Outcome` (actions for Chime, the next state,
the call-record update and a line for the log). :func:`step` looks the transition up, most
specific first; a combination that is not in the table ends the call politely (apology prompt on
every connected leg, then ``Hangup``) and says why in the log and the call record.

Leg conventions (chalicelib.channels): outbound (the owner dialled the SMA) puts the owner on
LEG-A and the callee on LEG-B; inbound puts the caller on LEG-A and the owner on LEG-B. Once
bridged, LEG-A carries both parties, so it is the leg recorded, with ``Track: BOTH``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Final

from chalicelib.call_records import RecordingState, iso_utc
from chalicelib.channels import Direction, Leg
from chalicelib.errors import InvalidEventError
from chalicelib.owners import directory
from chalicelib.owners.call_owner import (
    CallOwner,
    PinOutcome,
    Refusal,
    authorize_dial_out,
    check_pin,
)
from chalicelib.owners.model import Owner
from chalicelib.owners.security_events import Kind, Notice
from chalicelib.owners.usage import LockoutPolicy, UsageStore
from chalicelib.recording_keys import RecordingSource
from chalicelib.sma import actions as act
from chalicelib.sma.actions import Action
from chalicelib.sma.config import SmaConfig
from chalicelib.sma.events import ActionType, EventType, InvocationEvent
from chalicelib.sma.numbers import is_e164, to_e164
from chalicelib.sma.prompts import Prompt
from chalicelib.sma.records import RecordUpdate
from chalicelib.sma.state import CallState, Phase

logger = logging.getLogger(__name__)


class Command(StrEnum):
    """What the owner (DTMF) or an API caller (CALL_UPDATE_REQUESTED) asks of the recording."""

    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"


API_ARGUMENT: Final = "recording"


@dataclass(frozen=True)
class Context:
    event: InvocationEvent
    state: CallState
    config: SmaConfig
    now: str

    @property
    def owner_call_id(self) -> str:
        """CallId of the owner's leg (LEG-A outbound, LEG-B inbound), '' when not connected yet."""
        tag = Leg.A if self.state.direction is Direction.OUTBOUND else Leg.B
        leg = self.event.leg(tag)
        return leg.call_id if leg and leg.connected else ""

    @property
    def recorded_leg_connected(self) -> bool:
        """Recording actions name the CallId the recording runs on; a leg that is gone (or not in
        this event's participants) cannot be targeted: Chime would answer InvalidActionParameter."""
        return any(p.call_id == self.recorded_call_id for p in self.event.connected)

    @property
    def recorded_call_id(self) -> str:
        return self.state.recorded_call_id or self.event.leg_a.call_id

    def prompt(self, prompt: Prompt, call_id: str) -> Action:
        return act.play_audio(self.config.prompts_bucket, prompt.value, call_id=call_id)

    def prompt_all(self, prompt: Prompt) -> list[Action]:
        return [self.prompt(prompt, p.call_id) for p in self.event.connected]

    def rearm(self) -> list[Action]:
        owner = self.owner_call_id
        return [act.receive_digits(owner, self.config.control_digits)] if owner else []

    def note(self, text: str) -> tuple[str, dict[str, str]]:
        return ("notes", {"at": self.now, "text": text})


@dataclass(frozen=True)
class Outcome:
    actions: list[Action]
    state: CallState
    record: RecordUpdate = field(default_factory=RecordUpdate)
    log: str = ""
    # Published by the handler after the answer: security events, and the talk time of a
    # finished dial-out for the owner's daily minutes.
    security: tuple[Notice, ...] = ()
    talk_seconds: int = 0


Handler = Callable[[Context], Outcome]


class _Any(StrEnum):
    ANY = "*"


ANY: Final = _Any.ANY
Key = tuple[Phase | _Any, EventType, ActionType | _Any | None]


# --- endings -------------------------------------------------------------------------------------


def _hangups(event: InvocationEvent) -> list[Action]:
    """Hangup every connected leg, LEG-B first so LEG-A (the transaction's leg) goes last."""
    legs = sorted(event.connected, key=lambda p: p.tag.value, reverse=True)
    return [act.hangup(call_id=p.call_id) for p in legs]


def end_politely(ctx: Context, reason: str, prompt: Prompt = Prompt.APOLOGY) -> Outcome:
    """Prompt on every connected leg, hang them all up, say why in the log and the record."""
    logger.warning("transaction %s: ending the call: %s", ctx.event.transaction_id, reason)
    return Outcome(
        actions=ctx.prompt_all(prompt) + _hangups(ctx.event),
        state=ctx.state.with_(phase=Phase.ENDING),
        record=RecordUpdate(appends=[ctx.note(reason)]),
        log=reason,
    )


def hang_up_connected(ctx: Context) -> Outcome:
    """Already ending and something failed again: no more prompts, just hang up what is left."""
    reason = f"{ctx.event.event_type} while ending ({ctx.event.error_type or 'no error type'})"
    return Outcome(_hangups(ctx.event), ctx.state.with_(phase=Phase.ENDING), log=reason)


def failed_end(ctx: Context) -> Outcome:
    data = ctx.event.action_data
    return end_politely(
        ctx, f"{data.type or 'action'} failed: {data.error_type} {data.error_message}"
    )


def acknowledge(ctx: Context) -> Outcome:
    """Nothing to do: the event only reports progress."""
    return Outcome([], ctx.state, log="acknowledged")


def interrupted(ctx: Context) -> Outcome:
    """An action was cut short (by UpdateSipMediaApplicationCall): the new actions come with the
    CALL_UPDATE_REQUESTED event that follows, so this one answers with none."""
    return Outcome([], ctx.state, log=f"{ctx.event.action_data.type or 'action'} interrupted")


def invalid_response(ctx: Context) -> Outcome:
    reason = f"Chime rejected our last response: {ctx.event.error_type} {ctx.event.error_message}"
    if ctx.state.phase in (Phase.ENDING, Phase.ENDED):
        return Outcome(_hangups(ctx.event), ctx.state.with_(phase=Phase.ENDING), log=reason)
    return end_politely(ctx, reason)


def on_hangup(ctx: Context) -> Outcome:
    """A leg hung up (a party, or our Hangup): hang up the rest; none left: close the record."""
    if ctx.state.phase is Phase.ENDED:
        return Outcome([], ctx.state, log="hangup after the call ended")
    # The participants' Status says who is gone: a party's HANGUP can carry the ActionData of
    # the action that was running ("Ending a call" shows a ReceiveDigits).
    gone = [p.tag.value for p in ctx.event.participants if not p.connected]
    who = "/".join(gone) or str(ctx.event.action_data.parameters.get("ParticipantTag") or "a leg")
    if ctx.event.connected:
        return Outcome(
            _hangups(ctx.event),
            ctx.state.with_(phase=Phase.ENDING),
            RecordUpdate(appends=[ctx.note(f"{who} hung up; hanging up the other leg")]),
            log=f"{who} hung up",
        )
    values: dict[str, object] = {"ended_at": ctx.now}
    appends = []
    state = ctx.state.with_(phase=Phase.ENDED)
    if ctx.state.recording in (RecordingState.RECORDING, RecordingState.PAUSED):
        # Chime stops a recording by itself when the call ends.
        state = state.with_(recording=RecordingState.STOPPED)
        values["recording_state"] = RecordingState.STOPPED.value
        appends.append(("recording_events", _event(ctx, RecordingState.STOPPED, "hangup")))
    return Outcome(
        [],
        state,
        RecordUpdate(values, appends),
        log="all legs disconnected",
        talk_seconds=_talk_seconds(ctx),
    )


def outbound_call_answered(ctx: Context) -> Outcome:
    """CALL_ANSWERED follows CreateSipMediaApplicationCall, which this flow never uses."""
    return end_politely(
        ctx, "CALL_ANSWERED of an SMA-initiated call: outbound API calls are not part of this flow"
    )


# --- start of the call ---------------------------------------------------------------------------


def start_call(ctx: Context) -> Outcome:
    """One directory read (cached per container) names the owner of the dialled number; the
    owner calling from one of their own numbers dials out (after their PIN), anyone else is
    bridged to the owner."""
    leg_a = ctx.event.leg_a
    owner = directory.owner_for_number(leg_a.to_number)
    if owner is None:
        return not_in_service(ctx)
    base = {
        "owner_id": owner.owner_id,
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
    return Outcome(
        [
            ctx.prompt(Prompt.CONSENT, leg_a.call_id),
            act.call_and_bridge(caller_id, owner_number, ctx.config.call_timeout_seconds),
        ],
        state,
        RecordUpdate(
            {
                **base,
                "owner_number": owner_number,
                "direction": Direction.INBOUND.value,
                "other_number": caller,
            }
        ),
        log=f"inbound call for owner {owner.owner_id}: consent prompt, bridging to the owner",
    )


def _owner_dials_in(ctx: Context, owner: Owner, base: dict[str, str]) -> Outcome:
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
    return Outcome(
        [ask(ctx, leg_a.call_id)],
        state,
        RecordUpdate(
            {
                **base,
                "owner_number": leg_a.from_number,
                "direction": Direction.OUTBOUND.value,
            }
        ),
        log=f"owner {owner.owner_id} dials out: asking for the "
        + ("PIN" if call_owner.pin_due else "number"),
    )


def not_in_service(ctx: Context) -> Outcome:
    """A call to an SMA number no owner has: answered politely, hung up, recorded."""
    leg_a = ctx.event.leg_a
    reason = f"call to {leg_a.to_number}, which no owner has: not in service"
    logger.warning("transaction %s: %s", ctx.event.transaction_id, reason)
    return Outcome(
        [ctx.prompt(Prompt.NOT_IN_SERVICE, leg_a.call_id), act.hangup(call_id=leg_a.call_id)],
        CallState(phase=Phase.ENDING, direction=Direction.INBOUND, other=leg_a.from_number),
        RecordUpdate(
            {
                "direction": Direction.INBOUND.value,
                "sma_number": leg_a.to_number,
                "other_number": leg_a.from_number,
                "started_at": ctx.now,
                "recording_state": RecordingState.NOT_STARTED.value,
                "source_path": RecordingSource.SMA.value,
            },
            [ctx.note(reason)],
        ),
        log=reason,
        security=(
            Notice(
                Kind.UNKNOWN_NUMBER,
                reason,
                {"sma_number": leg_a.to_number, "caller": leg_a.from_number},
            ),
        ),
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


def pin_entered(ctx: Context) -> Outcome:
    """Check the PIN (the digits are never logged or recorded); right: ask for the number."""
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
        return Outcome(
            [_ask_for_number(ctx, call_id)],
            ctx.state.with_(phase=Phase.COLLECTING, tries=0, call_owner=check.owner.encode()),
            RecordUpdate(appends=[ctx.note("dial-out PIN accepted")]),
            log="PIN accepted: asking for the number",
        )
    if check.outcome is PinOutcome.WRONG:
        tries = ctx.state.tries + 1
        return Outcome(
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


def _locked(ctx: Context, until: float, *, newly: bool) -> Outcome:
    when = iso_utc(datetime.fromtimestamp(until, UTC))
    reason = f"dial-out locked after repeated wrong PINs, until {when}"
    ended = end_politely(ctx, reason, prompt=Prompt.DIAL_OUT_LOCKED)
    notices = (Notice(Kind.PIN_LOCKOUT, reason, {"locked_until": when}),) if newly else ()
    return Outcome(ended.actions, ended.state, ended.record, ended.log, security=notices)


def pin_failed(ctx: Context) -> Outcome:
    """No PIN after the SMA's own repeats: another round, within the call's three tries."""
    if ctx.event.error_type in PROMPT_ERRORS:
        return failed_end(ctx)
    tries = ctx.state.tries + 1
    if tries >= ctx.config.dial_max_attempts:
        return end_politely(ctx, f"no PIN entered after {tries} attempts", Prompt.NO_VALID_NUMBER)
    call_id = ctx.event.leg_a.call_id
    return Outcome(
        [ctx.prompt(Prompt.DIGITS_NOT_UNDERSTOOD, call_id), _ask_for_pin(ctx, call_id)],
        ctx.state.with_(tries=tries),
        log=f"no PIN received: asking again ({tries})",
    )


def _ask_for_number(ctx: Context, call_id: str) -> Action:
    return act.play_audio_and_get_digits(
        ctx.config.prompts_bucket,
        Prompt.ENTER_NUMBER.value,
        Prompt.DIGITS_NOT_UNDERSTOOD.value,
        call_id=call_id,
        regex=act.dial_digits_regex(),
    )


def digits_entered(ctx: Context) -> Outcome:
    digits = ctx.event.action_data.received_digits
    number = to_e164(digits, ctx.config.default_country_code)
    if number is None or number in (ctx.state.owner, ctx.state.sma):
        return _retry_or_give_up(ctx, Prompt.INVALID_NUMBER, f"cannot call {digits!r}")
    refused = _refused_dial_out(ctx, number)
    if refused is not None:
        return refused
    leg_a = ctx.event.leg_a
    return Outcome(
        [
            ctx.prompt(Prompt.CONNECTING, leg_a.call_id),
            # The SMA's own number as caller id: the callee never sees the owner's number.
            act.call_and_bridge(ctx.state.sma, number, ctx.config.call_timeout_seconds),
        ],
        ctx.state.with_(phase=Phase.CONNECTING, other=number),
        RecordUpdate({"other_number": number}),
        log=f"bridging to {number}",
    )


def _refused_dial_out(ctx: Context, number: str) -> Outcome | None:
    """None when this call may dial ``number``: only an owner verified in this call (caller id,
    and PIN when set), to an allowed destination, under the daily limits."""
    decision = authorize_dial_out(
        CallOwner.decode(ctx.state.call_owner),
        number,
        usage=UsageStore.configured(),
        now=_epoch(ctx.now),
    )
    if decision.refusal is None:
        return None
    reason = f"dial-out to {number} refused: {decision.reason}"
    if decision.refusal is Refusal.NOT_VERIFIED:
        return end_politely(ctx, reason)
    if decision.refusal is Refusal.LIMIT:
        ended = end_politely(ctx, reason, prompt=Prompt.LIMIT_REACHED)
        notice = Notice(Kind.LIMIT_REACHED, reason, {"destination": number})
        return Outcome(ended.actions, ended.state, ended.record, ended.log, security=(notice,))
    retry = _retry_or_give_up(ctx, Prompt.DESTINATION_REFUSED, reason)
    notice = Notice(Kind.DESTINATION_REFUSED, reason, {"destination": number})
    record = RecordUpdate(retry.record.values, [*retry.record.appends, ctx.note(reason)])
    if retry.state.phase is Phase.ENDING:
        record = retry.record
    return Outcome(retry.actions, retry.state, record, retry.log, security=(notice,))


# Documented validation errors of PlayAudioAndGetDigits: asking again would fail again.
PROMPT_ERRORS: Final = frozenset(
    {"InvalidAudioSource", "InvalidActionParameter", "SystemException"}
)


def digits_failed(ctx: Context) -> Outcome:
    """No usable digits after the SMA's own repeats (InvalidDigitsReceived, a timeout): the
    owner gets another round; a documented validation error ends the call."""
    if ctx.event.error_type in PROMPT_ERRORS:
        return failed_end(ctx)
    return _retry_or_give_up(ctx, Prompt.DIGITS_NOT_UNDERSTOOD, "no valid digits received")


def _retry_or_give_up(ctx: Context, prompt: Prompt, reason: str) -> Outcome:
    tries = ctx.state.tries + 1
    call_id = ctx.event.leg_a.call_id
    if tries < ctx.config.dial_max_attempts:
        return Outcome(
            [ctx.prompt(prompt, call_id), _ask_for_number(ctx, call_id)],
            ctx.state.with_(tries=tries),
            log=f"{reason}: asking again ({tries}/{ctx.config.dial_max_attempts})",
        )
    return end_politely(
        ctx, f"{reason}: giving up after {tries} attempts", prompt=Prompt.NO_VALID_NUMBER
    )


# --- bridging ------------------------------------------------------------------------------------


def bridged(ctx: Context) -> Outcome:
    leg_a, leg_b = ctx.event.leg_a, ctx.event.leg(Leg.B)
    if leg_b is None:
        raise InvalidEventError("CallAndBridge succeeded but Participants has no LEG-B")
    state = ctx.state.with_(
        phase=Phase.BRIDGED,
        recorded_call_id=leg_a.call_id,
        call_owner=_with_bridge_time(ctx),
    )
    ctx = Context(ctx.event, state, ctx.config, ctx.now)
    actions = ctx.rearm()
    values: dict[str, object] = {}
    if ctx.state.direction is Direction.INBOUND:
        values["other_number"] = leg_a.from_number
    if not ctx.config.auto_start:
        return Outcome(actions, state, RecordUpdate(values), log="bridged; recording on demand")
    # Outbound: the callee has not heard the consent prompt yet. Inbound: the caller heard it
    # before the bridge. The recording starts once the prompt has played.
    if ctx.state.direction is Direction.OUTBOUND:
        actions.append(ctx.prompt(Prompt.CONSENT, leg_b.call_id))
    actions.append(act.start_call_recording(leg_a.call_id, ctx.config.recording_location))
    return Outcome(
        actions,
        state,
        RecordUpdate(values, [("recording_events", _event(ctx, RecordingState.RECORDING, "auto"))]),
        log="bridged; starting the recording on LEG-A",
    )


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


def bridge_failed(ctx: Context) -> Outcome:
    error = ctx.event.error_type
    prompt = Prompt.NOT_ANSWERED if error == "CallNotAnswered" else Prompt.APOLOGY
    return end_politely(
        ctx, f"CallAndBridge failed: {error} {ctx.event.error_message}".strip(), prompt=prompt
    )


def update_too_early(ctx: Context) -> Outcome:
    """Recording commands need a bridged call. No actions: "If the SIP media application
    receives a NULL action set, it keeps the existing actions", so the number prompt or the
    CallAndBridge under way (neither of them interruptible) carries on undisturbed."""
    return Outcome(
        [],
        ctx.state,
        log=f"update while {ctx.state.phase.value}: ignored until the call is bridged",
    )


# --- recording -----------------------------------------------------------------------------------


def _event(ctx: Context, state: RecordingState, by: str) -> dict[str, str]:
    return {"at": ctx.now, "state": state.value, "by": by}


def _location(destination: str) -> dict[str, str]:
    bucket, _, key = destination.partition("/")
    if not bucket or not key:
        return {}
    return {
        "recording_location": f"s3://{bucket}/{key}",
        "recording_bucket": bucket,
        "recording_key": key,
    }


def recording_started(ctx: Context) -> Outcome:
    destination = ctx.event.action_data.recording_destination
    values: dict[str, object] = {"recording_state": RecordingState.RECORDING.value}
    values.update(_location(destination))
    if not destination:
        logger.warning(
            "transaction %s: StartCallRecording succeeded without CallRecordingDestination",
            ctx.event.transaction_id,
        )
    started = ctx.state.with_(recording=RecordingState.RECORDING, pending="")
    outcome = Outcome(
        [],
        started,
        RecordUpdate(values),
        log=f"recording to {destination or 'an unreported location'}",
    )
    pending, _, by = ctx.state.pending.partition(":")
    if pending not in set(Command):
        if pending:
            logger.warning(
                "transaction %s: pending command %r is unknown; dropped",
                ctx.event.transaction_id,
                ctx.state.pending,
            )
        return outcome
    # A command that arrived while the recording was starting is carried out now.
    follow = recording_command(
        Context(ctx.event, started, ctx.config, ctx.now), Command(pending), by or "api"
    )
    return Outcome(
        follow.actions,
        follow.state,
        RecordUpdate({**values, **follow.record.values}, follow.record.appends),
        log=f"{outcome.log}; then {follow.log}",
    )


def recording_failed(ctx: Context) -> Outcome:
    failed = ctx.state.with_(recording=RecordingState.FAILED)
    outcome = end_politely(Context(ctx.event, failed, ctx.config, ctx.now), _failure_text(ctx))
    record = RecordUpdate(
        {"recording_state": RecordingState.FAILED.value},
        [
            *outcome.record.appends,
            ("recording_events", _event(ctx, RecordingState.FAILED, "chime")),
        ],
    )
    return Outcome(outcome.actions, outcome.state, record, outcome.log)


def _failure_text(ctx: Context) -> str:
    data = ctx.event.action_data
    return f"{data.type} failed: {data.error_type} {data.error_message}".strip()


def control_digits(ctx: Context) -> Outcome:
    data = ctx.event.action_data
    owner = ctx.owner_call_id
    if data.call_id and data.call_id != owner:
        return Outcome([], ctx.state, log=f"digits from {data.call_id} (not the owner) ignored")
    digit = data.received_digits.strip()
    commands = {
        ctx.config.pause_digit: Command.PAUSE,
        ctx.config.resume_digit: Command.RESUME,
        ctx.config.stop_digit: Command.STOP,
    }
    command = commands.get(digit)
    if _start_queued(ctx):
        return _restart_recording(ctx, command, "owner")
    if command is None:
        return Outcome(ctx.rearm(), ctx.state, log=f"digits {digit!r} are no command")
    return recording_command(ctx, command, "owner")


def _start_queued(ctx: Context) -> bool:
    """The automatic StartCallRecording was sent and has not succeeded yet."""
    return ctx.state.recording is RecordingState.NOT_STARTED and ctx.config.auto_start


def api_update(ctx: Context) -> Outcome:
    raw = ctx.event.action_data.arguments.get(API_ARGUMENT, "").strip().lower()
    command = Command(raw) if raw in set(Command) else None
    if _start_queued(ctx):
        return _restart_recording(ctx, command, "api")
    if command is None:
        reason = f"update ignored: Arguments.{API_ARGUMENT}={raw!r} is not start/stop/pause/resume"
        return Outcome(ctx.rearm(), ctx.state, RecordUpdate(appends=[ctx.note(reason)]), reason)
    return recording_command(ctx, command, "api")


def _restart_recording(ctx: Context, command: Command | None, by: str) -> Outcome:
    """A command (or anything) arrived while the automatic start was still queued behind the
    consent prompt.

    "Responding to invocations with action lists": the actions an invocation returns replace
    the ones still queued ("Updating in-progress calls": an interruptible PlayAudio is even cut
    short), so that StartCallRecording is gone whatever was asked. Start again, consent first;
    a pause or stop is carried out once the start has succeeded.
    """
    asked = command.value if command else "no recording command"
    if not ctx.recorded_leg_connected:
        reason = f"{by}: {asked} ignored: the recorded leg {ctx.recorded_call_id} is not connected"
        return Outcome(ctx.rearm(), ctx.state, RecordUpdate(appends=[ctx.note(reason)]), reason)
    pending = ""
    if command in (Command.PAUSE, Command.STOP):
        pending = command.value if by == "api" else f"{command.value}:{by}"
    return Outcome(
        [
            *ctx.rearm(),
            *ctx.prompt_all(Prompt.CONSENT),
            act.start_call_recording(ctx.recorded_call_id, ctx.config.recording_location),
        ],
        ctx.state.with_(pending=pending),
        log=f"{by}: {asked} while the recording was starting; starting it again",
    )


def recording_command(ctx: Context, command: Command, by: str) -> Outcome:
    """Carry out ``command`` if the recording state allows it; always re-arm the owner's digits."""
    current = ctx.state.recording
    call_id = ctx.recorded_call_id
    if not ctx.recorded_leg_connected:
        reason = f"{by}: {command.value} ignored: the recorded leg {call_id} is not connected"
        return Outcome(ctx.rearm(), ctx.state, RecordUpdate(appends=[ctx.note(reason)]), reason)
    transitions: dict[tuple[Command, RecordingState], tuple[Action | None, RecordingState, Prompt]]
    transitions = {
        (Command.PAUSE, RecordingState.RECORDING): (
            act.pause_call_recording(call_id),
            RecordingState.PAUSED,
            Prompt.RECORDING_PAUSED,
        ),
        (Command.RESUME, RecordingState.PAUSED): (
            act.resume_call_recording(call_id),
            RecordingState.RECORDING,
            Prompt.RECORDING_RESUMED,
        ),
        (Command.STOP, RecordingState.RECORDING): (
            act.stop_call_recording(call_id),
            RecordingState.STOPPED,
            Prompt.RECORDING_STOPPED,
        ),
        (Command.STOP, RecordingState.PAUSED): (
            act.stop_call_recording(call_id),
            RecordingState.STOPPED,
            Prompt.RECORDING_STOPPED,
        ),
    }
    if command is Command.START and current is RecordingState.NOT_STARTED:
        actions = [
            *ctx.rearm(),
            *ctx.prompt_all(Prompt.CONSENT),
            act.start_call_recording(call_id, ctx.config.recording_location),
        ]
        event = ("recording_events", _event(ctx, RecordingState.RECORDING, by))
        return Outcome(actions, ctx.state, RecordUpdate(appends=[event]), f"{by}: start recording")
    found = transitions.get((command, current))
    if found is None:
        return _refuse(ctx, command, by)
    action, new_state, prompt = found
    assert action is not None
    return Outcome(
        [*ctx.rearm(), action, *ctx.prompt_all(prompt)],
        ctx.state.with_(recording=new_state),
        RecordUpdate(
            {"recording_state": new_state.value},
            [("recording_events", _event(ctx, new_state, by))],
        ),
        log=f"{by}: {command.value} -> {new_state.value}",
    )


def _refuse(ctx: Context, command: Command, by: str) -> Outcome:
    """A command the state does not allow. Stopped means stopped: a resume or start after a stop is
    refused, and the owner hears why."""
    current = ctx.state.recording
    reason = f"{by}: {command.value} refused while recording is {current.value}"
    actions = ctx.rearm()
    stopped_for_good = current is RecordingState.STOPPED and command in (
        Command.RESUME,
        Command.START,
    )
    if stopped_for_good and ctx.owner_call_id:
        actions.append(ctx.prompt(Prompt.RECORDING_CANNOT_RESUME, ctx.owner_call_id))
    return Outcome(actions, ctx.state, RecordUpdate(appends=[ctx.note(reason)]), log=reason)


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
    (P.BRIDGED, E.ACTION_SUCCESSFUL, A.START_CALL_RECORDING): recording_started,
    (P.BRIDGED, E.ACTION_SUCCESSFUL, ANY): acknowledge,
    (P.BRIDGED, E.ACTION_FAILED, A.START_CALL_RECORDING): recording_failed,
    (P.BRIDGED, E.ACTION_FAILED, ANY): failed_end,
    (P.BRIDGED, E.DIGITS_RECEIVED, A.RECEIVE_DIGITS): control_digits,
    (P.BRIDGED, E.CALL_UPDATE_REQUESTED, A.CALL_UPDATE_REQUEST): api_update,
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


def lookup(phase: Phase, event_type: EventType, action_type: ActionType | None) -> Handler | None:
    """The most specific transition for the combination, or None."""
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


def step(ctx: Context) -> Outcome:
    """Run the transition for the event; an unknown combination ends the call politely."""
    event = ctx.event
    action_type = event.action_type if "ActionData" in event.raw else None
    handler = lookup(ctx.state.phase, event.event_type, action_type)
    if handler is None:
        reason = (
            f"no transition for phase {ctx.state.phase.value}, event {event.event_type.value}, "
            f"action {event.action_data.type or 'none'}"
        )
        return end_politely(ctx, reason)
    return handler(ctx)
