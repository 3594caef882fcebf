"""Which stereo channel carries whom.

Chime's call recording with ``Track: BOTH`` writes the recorded leg's incoming audio (what the
party on that leg says) to the left channel, channel 0, and the outgoing audio (what the SMA
plays to that party: the bridged party and prompts) to the right channel, channel 1.
"""

from __future__ import annotations

from enum import StrEnum


class Direction(StrEnum):
    """Direction of a call as the owner sees it."""

    OUTBOUND = "outbound"  # the owner dialled the SMA and was bridged out: owner on LEG-A
    INBOUND = "inbound"  # someone else dialled the SMA and was bridged to the owner: owner on LEG-B


class Leg(StrEnum):
    A = "LEG-A"
    B = "LEG-B"


def owner_leg(direction: Direction) -> Leg:
    """The leg the owner is on for a call of ``direction``."""
    return Leg.A if direction is Direction.OUTBOUND else Leg.B


def owner_channel(direction: Direction, recorded_leg: Leg = Leg.A) -> int:
    """The channel (0 = left, 1 = right) that carries the owner's voice."""
    return 0 if owner_leg(direction) is recorded_leg else 1
