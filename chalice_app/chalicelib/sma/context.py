"""What every transition of the call flow gets (:class:`Context`) and gives back
(:class:`TransitionResult`), and the few helpers all transitions share.

Leg conventions (chalicelib.channels): outbound (the owner dialled the SMA) puts the owner on
LEG-A and the callee on LEG-B; inbound puts the caller on LEG-A and the owner on LEG-B. Once
bridged, LEG-A carries both parties, so it is the leg recorded, with ``Track: BOTH``.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.channels import Direction, Leg
from chalicelib.owners.security_events import Notice
from chalicelib.sma import actions as act
from chalicelib.sma.actions import Action
from chalicelib.sma.config import SmaConfig
from chalicelib.sma.events import InvocationEvent
from chalicelib.sma.prompts import Prompt
from chalicelib.sma.records import NO_RECORD, RecordUpdate
from chalicelib.sma.state import CallState

# Prompt -> its key (an Enum's ``.value`` is a descriptor call).
_PROMPT_KEYS: dict[Prompt, str] = {p: p.value for p in Prompt}


@dataclass(frozen=True)
class Context:
    event: InvocationEvent
    state: CallState
    config: SmaConfig
    now: str

    def with_state(self, state: CallState) -> Context:
        # Copied like CallState.with_: a frozen __init__ costs four object.__setattr__ calls.
        copy = object.__new__(Context)
        copy.__dict__.update(self.__dict__, state=state)
        return copy

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
        return act.play_audio(self.config.prompts_bucket, _PROMPT_KEYS[prompt], call_id=call_id)

    def prompt_all(self, prompt: Prompt) -> list[Action]:
        return [self.prompt(prompt, p.call_id) for p in self.event.connected]

    def prompt_owner(self, prompt: Prompt) -> list[Action]:
        owner = self.owner_call_id
        return [self.prompt(prompt, owner)] if owner else []

    def rearm(self) -> list[Action]:
        owner = self.owner_call_id
        return [act.receive_digits(owner, self.config.control_digits)] if owner else []

    def note(self, text: str) -> tuple[str, dict[str, str]]:
        return ("notes", {"at": self.now, "text": text})


@dataclass(frozen=True)
class TransitionResult:
    """What one transition answers: actions for Chime, the next state, the call-record update
    and a line for the log."""

    actions: list[Action]
    state: CallState
    record: RecordUpdate = NO_RECORD
    log: str = ""
    # Published by the handler after the answer (chalicelib.sma.owner_effects): security
    # events, and the talk time of a finished dial-out for the owner's daily minutes.
    security: tuple[Notice, ...] = ()
    talk_seconds: int = 0


def merge_records(first: RecordUpdate, second: RecordUpdate) -> RecordUpdate:
    """Both updates as one write (later values win; appends keep their order)."""
    if not second:
        return first
    if not first:
        return second
    return RecordUpdate({**first.values, **second.values}, [*first.appends, *second.appends])
