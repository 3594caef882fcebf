"""Typed, read-only views over SIP media application invocation events.

The shapes follow the Amazon Chime SDK developer guide ("Understanding telephony events",
the per-action pages): ``SchemaVersion``, ``Sequence``, ``InvocationEventType``, ``CallDetails``
(``TransactionId``, ``TransactionAttributes``, ``Participants`` with ``CallId``,
``ParticipantTag``, ``To``, ``From``, ``Direction``, ``Status``) and, for action results,
``ActionData`` (``Type``, ``Parameters``, plus ``ReceivedDigits``, ``CallRecordingDestination``,
``ErrorType``/``ErrorMessage`` or, for the recording actions, ``Error``). An
``INVALID_LAMBDA_RESPONSE`` event carries ``ErrorType``/``ErrorMessage`` at the top level.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, NamedTuple

from chalicelib.channels import Leg
from chalicelib.errors import InvalidEventError
from chalicelib.event_view import EventView


class EventType(StrEnum):
    NEW_INBOUND_CALL = "NEW_INBOUND_CALL"
    NEW_OUTBOUND_CALL = "NEW_OUTBOUND_CALL"
    RINGING = "RINGING"
    CALL_ANSWERED = "CALL_ANSWERED"
    ACTION_SUCCESSFUL = "ACTION_SUCCESSFUL"
    ACTION_FAILED = "ACTION_FAILED"
    ACTION_INTERRUPTED = "ACTION_INTERRUPTED"
    DIGITS_RECEIVED = "DIGITS_RECEIVED"
    CALL_UPDATE_REQUESTED = "CALL_UPDATE_REQUESTED"
    INVALID_LAMBDA_RESPONSE = "INVALID_LAMBDA_RESPONSE"
    HANGUP = "HANGUP"


class ActionType(StrEnum):
    """Action types this flow returns, plus the pseudo-type of a CALL_UPDATE_REQUESTED event."""

    PLAY_AUDIO = "PlayAudio"
    PLAY_AUDIO_AND_GET_DIGITS = "PlayAudioAndGetDigits"
    RECEIVE_DIGITS = "ReceiveDigits"
    CALL_AND_BRIDGE = "CallAndBridge"
    START_CALL_RECORDING = "StartCallRecording"
    PAUSE_CALL_RECORDING = "PauseCallRecording"
    RESUME_CALL_RECORDING = "ResumeCallRecording"
    STOP_CALL_RECORDING = "StopCallRecording"
    HANGUP = "Hangup"
    CALL_UPDATE_REQUEST = "CallUpdateRequest"


class ParticipantStatus(StrEnum):
    CONNECTED = "Connected"
    DISCONNECTED = "Disconnected"


# Value -> member: dict lookups instead of Enum calls on the hot path.
_EVENT_TYPES = {e.value: e for e in EventType}
_ACTION_TYPES = {a.value: a for a in ActionType}
_LEGS = {leg.value: leg for leg in Leg}
_STATUSES = {s.value: s for s in ParticipantStatus}
_CONNECTED = ParticipantStatus.CONNECTED.value


class Participant(NamedTuple):
    """One entry of ``CallDetails.Participants`` (a tuple: built on every invocation, cheaply)."""

    call_id: str
    tag: Leg
    to_number: str
    from_number: str
    direction: str
    status: ParticipantStatus

    @property
    def connected(self) -> bool:
        return self.status is ParticipantStatus.CONNECTED


# Participants are built with the tuple constructor itself (``tuple.__new__``), without the
# keyword-argument ``__new__`` or ``_make``'s extra call: two per invocation.
_NEW_TUPLE = tuple.__new__


class ActionData(EventView):
    """The ``ActionData`` of an event: the action it reports on (for lists, the last one)."""

    @property
    def type(self) -> str:
        return self._text("Type")

    @property
    def action_type(self) -> ActionType | None:
        return _ACTION_TYPES.get(self.type)

    @property
    def parameters(self) -> Mapping[str, Any]:
        return self._object("Parameters")

    @property
    def received_digits(self) -> str:
        return self._text("ReceivedDigits")

    @property
    def call_id(self) -> str:
        return self._text("CallId", self.parameters)

    @property
    def arguments(self) -> dict[str, str]:
        """``Arguments`` of a CALL_UPDATE_REQUESTED (UpdateSipMediaApplicationCall)."""
        args = self.parameters.get("Arguments")
        if not isinstance(args, Mapping):
            return {}
        return {str(k): str(v) for k, v in args.items()}

    @property
    def recording_destination(self) -> str:
        """``CallRecordingDestination.Location`` (bucket/key) of a started recording, or ''."""
        return self._text("Location", self._object("CallRecordingDestination"))

    @property
    def error_type(self) -> str:
        """The failure's type: ``ErrorType``, or the part of ``Error`` before the colon."""
        if self._text("ErrorType"):
            return self._text("ErrorType")
        error = self._text("Error")
        return error.split(":", 1)[0].strip() if error else ""

    @property
    def error_message(self) -> str:
        if self._text("ErrorMessage"):
            return self._text("ErrorMessage")
        error = self._text("Error")
        return error.split(":", 1)[1].strip() if ":" in error else error


class InvocationEvent(EventView):
    """One invocation of the SMA handler, validated once, when parsed (:meth:`parse` is the one
    way to make one; read-only like every view). Not a dataclass: the generated methods were
    never used, and generating them was a measurable part of the handler's cold start."""

    raw: Mapping[str, Any]
    event_type: EventType
    transaction_id: str
    sequence: int
    participants: tuple[Participant, ...]
    attributes: Mapping[str, str]

    @classmethod
    def parse(cls, raw: Any) -> InvocationEvent:
        """Validate the documented shape; raise InvalidEventError naming what is wrong."""
        if type(raw) is not dict and not isinstance(raw, Mapping):
            raise InvalidEventError(
                f"invocation event is a {type(raw).__name__}, not an object",
                hint="the SMA handler must be invoked by a SIP media application",
            )
        raw_type = raw.get("InvocationEventType")
        event_type = _EVENT_TYPES.get(str(raw_type))
        if event_type is None:
            raise InvalidEventError(
                f"unknown InvocationEventType {raw_type!r}",
                hint="expected one of " + ", ".join(e.value for e in EventType),
            )
        details = raw.get("CallDetails")
        if type(details) is not dict and not isinstance(details, Mapping):
            raise InvalidEventError("event has no CallDetails object")
        transaction_id = details.get("TransactionId")
        if type(transaction_id) is not str or not transaction_id:
            raise InvalidEventError("CallDetails.TransactionId is missing or empty")
        parts = details.get("Participants")
        if type(parts) is not list or not parts:
            raise InvalidEventError("CallDetails.Participants is missing or empty")
        participants = tuple(map(_participant, parts, range(len(parts))))
        attrs = details.get("TransactionAttributes") or {}
        if type(attrs) is not dict and not isinstance(attrs, Mapping):
            raise InvalidEventError("CallDetails.TransactionAttributes is not an object")
        sequence = raw.get("Sequence", 0)
        # Built like CallState.with_: the frozen __init__ would cost six object.__setattr__.
        event = object.__new__(cls)
        event.__dict__.update(
            raw=raw,
            event_type=event_type,
            transaction_id=transaction_id,
            sequence=sequence if isinstance(sequence, int) else 0,
            participants=participants,
            attributes=_texts(attrs),
        )
        return event

    # Read on demand, once: most transitions look at the action data or the connected legs
    # several times, some never (kept in the instance dict: functools.cached_property takes a
    # lock on every read in Python 3.11).
    @property
    def action_data(self) -> ActionData:
        cached: ActionData | None = self.__dict__.get("_action_data")
        if cached is None:
            cached = self.__dict__["_action_data"] = ActionData(self._object("ActionData"))
        return cached

    @property
    def action_type(self) -> ActionType | None:
        return self.action_data.action_type

    @property
    def error_type(self) -> str:
        """Error type of an ACTION_FAILED (in ActionData) or INVALID_LAMBDA_RESPONSE (top level)."""
        if self.event_type is EventType.INVALID_LAMBDA_RESPONSE:
            return self._text("ErrorType") or self.action_data.error_type
        return self.action_data.error_type

    @property
    def error_message(self) -> str:
        if self.event_type is EventType.INVALID_LAMBDA_RESPONSE:
            return self._text("ErrorMessage") or self.action_data.error_message
        return self.action_data.error_message

    def leg(self, tag: Leg) -> Participant | None:
        for participant in self.participants:
            if participant.tag is tag:
                return participant
        return None

    @property
    def leg_a(self) -> Participant:
        leg = self.leg(Leg.A)
        if leg is None:
            raise InvalidEventError("CallDetails.Participants has no LEG-A participant")
        return leg

    @property
    def connected(self) -> tuple[Participant, ...]:
        cached: tuple[Participant, ...] | None = self.__dict__.get("_connected")
        if cached is None:
            cached = self.__dict__["_connected"] = tuple(
                p for p in self.participants if p.status is ParticipantStatus.CONNECTED
            )
        return cached


def _texts(attrs: Mapping[Any, Any]) -> Mapping[str, str]:
    """The attributes as strings; Chime sends a dict of strings, which is kept as it came."""
    if type(attrs) is dict and set(map(type, attrs)) | set(map(type, attrs.values())) <= {str}:
        return attrs
    return {str(k): str(v) for k, v in attrs.items()}


def _participant(raw: Any, index: int) -> Participant:
    if type(raw) is not dict and not isinstance(raw, Mapping):
        raise InvalidEventError(f"CallDetails.Participants[{index}] is not an object")
    get = raw.get
    call_id = get("CallId")
    # The guide's own HANGUP example of a bridged call spells the tags "Leg-A"/"Leg-B".
    tag = _LEGS.get(str(get("ParticipantTag")).upper())
    # Status is absent from some documented examples (e.g. NEW_OUTBOUND_CALL): the leg is live.
    status = _STATUSES.get(str(get("Status") or _CONNECTED))
    if type(call_id) is not str or not call_id or tag is None or status is None:
        _refuse_participant(raw, index)
    return _NEW_TUPLE(
        Participant,
        (
            call_id,
            tag,
            str(get("To") or ""),
            str(get("From") or ""),
            str(get("Direction") or ""),
            status,
        ),
    )


def _refuse_participant(raw: Mapping[str, Any], index: int) -> None:
    """Raise InvalidEventError naming what is wrong with the participant."""
    where = f"CallDetails.Participants[{index}]"
    call_id = raw.get("CallId")
    if not isinstance(call_id, str) or not call_id:
        raise InvalidEventError(f"{where}.CallId is missing or empty")
    if _LEGS.get(str(raw.get("ParticipantTag")).upper()) is None:
        raise InvalidEventError(
            f"{where}.ParticipantTag {raw.get('ParticipantTag')!r} is not LEG-A or LEG-B"
        )
    raw_status = raw.get("Status") or _CONNECTED
    raise InvalidEventError(f"{where}.Status {raw_status!r} is not Connected/Disconnected")
