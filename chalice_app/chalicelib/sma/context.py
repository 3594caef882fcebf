"""What every transition of the call flow gets (:class:`Context`) and gives back
(:class:`TransitionResult`), and the few helpers all transitions share.

Leg conventions (chalicelib.channels): outbound (the owner dialled the SMA) puts the owner on
LEG-A and the callee on LEG-B; inbound puts the caller on LEG-A and the owner on LEG-B. Once
bridged, LEG-A carries both parties, so it is the leg recorded, with ``Track: BOTH``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from chalicelib.channels import Direction, Leg
from chalicelib.sma import actions as act
from chalicelib.sma.actions import Action
from chalicelib.sma.config import SmaConfig
from chalicelib.sma.events import InvocationEvent
from chalicelib.sma.prompts import Prompt
from chalicelib.sma.records import NO_RECORD, RecordUpdate
from chalicelib.sma.state import CallState

if TYPE_CHECKING:  # imported by the transitions that raise one, off the cold path
    from chalicelib.owners.security_events import Notice

# Prompt -> its key (an Enum's ``.value`` is a descriptor call).
_PROMPT_KEYS: dict[Prompt, str] = {p: p.value for p in Prompt}


class InvocationTime:
    """The invocation's one time (ISO 8601 UTC), read from ``clock`` on first use only: most
    transitions write nothing and never ask for it. Shared by every context of the invocation,
    so all they write carries the same time."""

    __slots__ = ("_clock", "_value")

    def __init__(self, clock: Callable[[], str]) -> None:
        self._clock = clock
        self._value = ""

    @property
    def value(self) -> str:
        if not self._value:
            self._value = self._clock()
        return self._value


class Context:
    """One invocation as a transition sees it. Immutable by convention: a transition that moves
    the state on makes a new one (:meth:`with_state`). A plain slotted class, not a frozen
    dataclass: it is built several times per invocation, on the hot path of issue 14."""

    __slots__ = ("config", "event", "state", "time")

    def __init__(
        self, event: InvocationEvent, state: CallState, config: SmaConfig, time: InvocationTime
    ) -> None:
        self.event, self.state, self.config, self.time = event, state, config, time

    @property
    def now(self) -> str:
        return self.time.value

    def with_state(self, state: CallState) -> Context:
        return Context(self.event, state, self.config, self.time)

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


class TransitionResult:
    """What one transition answers: actions for Chime, the next state, the call-record update
    and a line for the log; for the handler to publish after the answer
    (chalicelib.sma.owner_effects), security events and the talk time of a finished dial-out
    for the owner's daily minutes. Immutable by convention, slotted like :class:`Context`
    (several are built per invocation, and a class statement costs the cold start nothing)."""

    __slots__ = ("actions", "log", "record", "security", "state", "talk_seconds")

    def __init__(
        self,
        actions: list[Action],
        state: CallState,
        record: RecordUpdate = NO_RECORD,
        log: str = "",
        *,
        security: tuple[Notice, ...] = (),
        talk_seconds: int = 0,
    ) -> None:
        self.actions, self.state, self.record, self.log = actions, state, record, log
        self.security, self.talk_seconds = security, talk_seconds

    def __repr__(self) -> str:
        return f"TransitionResult({self.actions!r}, {self.state!r}, log={self.log!r})"


def merge_records(first: RecordUpdate, second: RecordUpdate) -> RecordUpdate:
    """Both updates as one write (later values win; appends keep their order)."""
    if not second:
        return first
    if not first:
        return second
    return RecordUpdate({**first.values, **second.values}, [*first.appends, *second.appends])
