from __future__ import annotations

from chalicelib.channels import Direction, Leg, owner_channel, owner_leg


def test_owner_is_on_leg_a_when_dialling_out() -> None:
    assert owner_leg(Direction.OUTBOUND) is Leg.A


def test_owner_is_on_leg_b_when_called() -> None:
    assert owner_leg(Direction.INBOUND) is Leg.B


def test_outbound_owner_speaks_on_the_left_channel_of_leg_a() -> None:
    assert owner_channel(Direction.OUTBOUND, Leg.A) == 0


def test_inbound_owner_speaks_on_the_right_channel_of_leg_a() -> None:
    assert owner_channel(Direction.INBOUND, Leg.A) == 1


def test_recording_the_owners_own_leg_puts_the_owner_left() -> None:
    assert owner_channel(Direction.INBOUND, Leg.B) == 0
