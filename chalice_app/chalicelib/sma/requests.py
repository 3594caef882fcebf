"""Recording requests between the moment the flow sends them and the moment Chime settles them.

A recording command the flow accepts is never lost: the action it sent (StartCallRecording,
Pause/Resume/StopCallRecording) is *in flight* until an event settles it, and commands that
arrive meanwhile are *queued* and carried out, in order, once it is settled. Both travel in the
``pending`` TransactionAttribute (one key, see chalicelib.sma.state), encoded as
``inflight;queued,queued`` where each request is ``command|by|sequence`` (the ``Sequence`` of the
event that asked for it: the answer to an event stays a function of the event, no clock in it),
e.g. ``start|auto|7;pause|owner|9``.

Values written by earlier versions (``pause``, ``stop:owner``: a command waiting for the automatic
start) decode as one queued request.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class Command(StrEnum):
    """What the owner (DTMF) or an API caller (CALL_UPDATE_REQUESTED) asks of the recording."""

    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"


# The action each command sends, as ActionData.Type reports it.
ACTION_OF: dict[Command, str] = {
    Command.START: "StartCallRecording",
    Command.PAUSE: "PauseCallRecording",
    Command.RESUME: "ResumeCallRecording",
    Command.STOP: "StopCallRecording",
}


@dataclass(frozen=True)
class Request:
    """One recording command: what, asked by whom, in which event."""

    command: Command
    by: str
    sequence: int = 0  # of the event that asked for it; 0 when unknown

    def encode(self) -> str:
        return f"{self.command.value}|{self.by}|{self.sequence or ''}"

    @property
    def action_type(self) -> str:
        return ACTION_OF[self.command]

    def describe(self) -> str:
        asked = f" (asked in event {self.sequence})" if self.sequence else ""
        return f"{self.by}: {self.command.value}{asked}"

    @classmethod
    def decode(cls, text: str) -> Request | None:
        """One request; None for an empty or unknown one (the flow logs what it ignored)."""
        if "|" in text:
            command, _, rest = text.partition("|")
            by, _, sequence = rest.partition("|")
        else:  # earlier versions: "pause" (by the API) or "pause:owner"
            command, _, by = text.partition(":")
            sequence = ""
        if command not in set(Command):
            return None
        return cls(Command(command), by or "api", int(sequence) if sequence.isdigit() else 0)


@dataclass(frozen=True)
class Pending:
    """The request in flight and those queued behind it."""

    inflight: Request | None = None
    queued: tuple[Request, ...] = ()
    # Parts of the attribute that did not decode (kept for the log, never re-encoded).
    ignored: tuple[str, ...] = ()

    def encode(self) -> str:
        """The attribute value (computed once per instance: the flow asks again and again)."""
        text: str | None = self.__dict__.get("_text")
        if text is None:
            queued = ",".join(r.encode() for r in self.queued)
            head = "" if self.inflight is None else self.inflight.encode()
            text = self.__dict__["_text"] = head + (f";{queued}" if queued else "")
        return text

    def with_inflight(self, request: Request | None) -> Pending:
        return Pending(request, self.queued)

    def enqueue(self, request: Request) -> Pending:
        return Pending(self.inflight, (*self.queued, request))

    def pop(self) -> tuple[Request | None, Pending]:
        """The next queued request and what is left."""
        if not self.queued:
            return None, Pending(self.inflight) if self.ignored else self
        return self.queued[0], Pending(self.inflight, self.queued[1:])

    @classmethod
    def decode(cls, text: str) -> Pending:
        """The requests ``text`` holds; the same (immutable) value for the same text, decoded once
        per container: a call's few distinct values come back with every event."""
        return _decoded(text)

    @classmethod
    def _parse(cls, text: str) -> Pending:
        if not text:
            return NOTHING_PENDING  # the one empty value, also once the memo has been cleared
        if ";" not in text and "|" not in text:
            legacy = Request.decode(text)
            return cls(queued=(legacy,)) if legacy else cls(ignored=(text,))
        head, _, tail = text.partition(";")
        inflight = Request.decode(head) if head else None
        ignored = [head] if head and inflight is None else []
        queued = []
        for part in filter(None, tail.split(",")):
            request = Request.decode(part)
            if request is None:
                ignored.append(part)
            else:
                queued.append(request)
        return cls(inflight, tuple(queued), tuple(ignored))


NOTHING_PENDING: Final = Pending()
# The few distinct values a container sees, decoded once each (the values are immutable).
_decoded: Final = functools.lru_cache(maxsize=256)(Pending._parse)
