"""A call that stays up in real time, so a person (or a browser test) can act on it.

:class:`LiveCall` is the call simulator with a real-time tail: the scripted part of the scenario
(dialling, the bridge, the consent prompt, the recording start) runs at once as in every other
simulated call; then, instead of hanging up at the end of its timeline, the call waits on the wall
clock for ``UpdateSipMediaApplicationCall`` requests (delivered by the chime-sdk-voice emulator,
see ``chime_voice``) and hangs up after ``hold_s`` seconds or when :meth:`hang_up` is called.
Each update reaches the handler as Chime sends it: a ``CALL_UPDATE_REQUESTED`` invocation whose
``ActionData`` is ``{"Type": "CallUpdateRequest", "Parameters": {"Arguments": {...}}}``, and the
actions it answers run on the call.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from callrec.simulation.chime import ChimeSimulator, Transcript
from callrec.simulation.scenario import EntryKind, PartyName, TimelineEntry
from chalicelib.errors import CallRecError

UPDATE_TIMEOUT_S = 10.0


class CallEndedError(CallRecError):
    """The call an update names is over (or never existed)."""

    code = "CallEnded"


@dataclass
class _Update:
    arguments: Mapping[str, str]
    done: threading.Event = field(default_factory=threading.Event)
    delivered: bool = False


_HANG_UP = _Update({})


class LiveCall(ChimeSimulator):
    """Runs on its own thread (:meth:`run`); :meth:`update` is called from any other thread."""

    def __init__(self, *args: object, hold_s: float, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.hold_s = hold_s
        self.ended = threading.Event()
        self.bridged = threading.Event()
        self._updates: queue.Queue[_Update] = queue.Queue()
        self._current: _Update | None = None
        self._began = time.monotonic()

    @property
    def sma_id(self) -> str:
        return f"sma-{self.scenario.name}"

    def update(self, arguments: Mapping[str, str], timeout_s: float = UPDATE_TIMEOUT_S) -> None:
        """Deliver an update and wait until the handler's answer has run on the call."""
        if self.ended.is_set():
            raise CallEndedError(f"call {self.transaction_id} has ended")
        update = _Update(dict(arguments))
        self._updates.put(update)
        if not update.done.wait(timeout_s) or not update.delivered:
            raise CallEndedError(f"call {self.transaction_id} ended before the update ran")

    def hang_up(self) -> None:
        """End the call now (the owner hangs up)."""
        self._updates.put(_HANG_UP)

    def run(self) -> Transcript:
        try:
            return super().run()
        finally:
            self.ended.set()
            self._finish_current()
            while not self._updates.empty():
                self._updates.get_nowait().done.set()

    def _finish_current(self) -> None:
        if self._current is not None:
            self._current.done.set()
            self._current = None

    def _next_entry(self) -> TimelineEntry | None:
        scripted = super()._next_entry()
        if scripted is not None:
            return scripted
        self._finish_current()
        self.bridged.set()
        remaining = self.hold_s - (time.monotonic() - self._began)
        try:
            update = self._updates.get(timeout=max(0.0, remaining))
        except queue.Empty:
            update = _HANG_UP
        self.clock = max(self.clock, time.monotonic() - self._began)
        if update is _HANG_UP:
            return TimelineEntry(at=self.clock, kind=EntryKind.HANGUP, party=PartyName.OWNER)
        update.delivered = True
        self._current = update
        return TimelineEntry(at=self.clock, kind=EntryKind.API, arguments=update.arguments)
