"""Rebuilding the call state from the event itself when ``TransactionAttributes`` are missing.

Chime returns the attributes of the last response with every event, so in a real call they are
only absent on the first event. An event that arrives without them mid-call (a hand-made
invocation, a replayed event, attributes lost to an operator's ``UpdateSipMediaApplicationCall``
experiment) would otherwise end the call; instead the flow rebuilds what the event shows: the
direction from LEG-A's ``From``, the parties from the participants, and the phase from the event
and action types. The recording is assumed to run once bridged when it starts automatically.
"""

from __future__ import annotations

import logging

from chalicelib.call_records import RecordingState
from chalicelib.channels import Direction, Leg
from chalicelib.sma.config import SmaConfig
from chalicelib.sma.events import ActionType, EventType, InvocationEvent
from chalicelib.sma.state import CallState, Phase

logger = logging.getLogger(__name__)

_RECORDING_ACTIONS = {
    ActionType.START_CALL_RECORDING,
    ActionType.PAUSE_CALL_RECORDING,
    ActionType.RESUME_CALL_RECORDING,
    ActionType.STOP_CALL_RECORDING,
    ActionType.RECEIVE_DIGITS,
    ActionType.CALL_UPDATE_REQUEST,
}


# The events that open a transaction: they never carry state.
_STATELESS = frozenset(
    {
        EventType.NEW_INBOUND_CALL,
        EventType.NEW_OUTBOUND_CALL,
        EventType.RINGING,
        EventType.CALL_ANSWERED,
    }
)


def needs_recovery(event: InvocationEvent) -> bool:
    """True when a mid-call event carries no state (the first event never has any)."""
    return event.event_type not in _STATELESS and not event.attributes.get("phase")


def recover(event: InvocationEvent, config: SmaConfig) -> CallState:
    leg_a, leg_b = event.leg_a, event.leg(Leg.B)
    outbound = leg_a.from_number == config.owner_number
    callee = leg_b.to_number if leg_b else ""
    other = callee if outbound else leg_a.from_number
    phase = _phase(event, bridged=leg_b is not None)
    recording = RecordingState.NOT_STARTED
    if phase is Phase.BRIDGED and config.auto_start:
        recording = RecordingState.RECORDING
    if event.action_type is ActionType.START_CALL_RECORDING:
        recording = RecordingState.NOT_STARTED  # its result decides
    state = CallState(
        phase=phase,
        direction=Direction.OUTBOUND if outbound else Direction.INBOUND,
        owner=config.owner_number,
        other=other,
        sma=config.sma_number_override or leg_a.to_number,
        recording=recording,
        recorded_call_id=leg_a.call_id,
    )
    logger.warning(
        "transaction %s: %s without TransactionAttributes; state rebuilt from the event: %s",
        event.transaction_id,
        event.event_type.value,
        state.describe(),
    )
    return state


def _phase(event: InvocationEvent, *, bridged: bool) -> Phase:
    action = event.action_type
    if action is ActionType.PLAY_AUDIO_AND_GET_DIGITS:
        return Phase.COLLECTING
    if action is ActionType.CALL_AND_BRIDGE:
        return Phase.CONNECTING
    if event.event_type is EventType.DIGITS_RECEIVED or action in _RECORDING_ACTIONS:
        return Phase.BRIDGED
    return Phase.BRIDGED if bridged else Phase.CONNECTING
