from __future__ import annotations

import pytest

from chalicelib.errors import InvalidEventError
from chalicelib.owners import pins
from chalicelib.owners.call_owner import CallOwner
from chalicelib.owners.dial_out import PinOutcome, Refusal, authorize_dial_out, check_pin
from chalicelib.owners.usage import LockoutPolicy, UsageStore
from tests.owners.conftest import TEST_COST, owner

NOON = 1_764_590_400.0
POLICY = LockoutPolicy(failures=5, window_seconds=900, lock_seconds=3600)


def with_pin(pin: str = "4821") -> CallOwner:
    return CallOwner.for_owner_calling(owner(pin_hash=pins.hash_pin(pin, TEST_COST)))


def test_an_owner_without_pin_is_verified_by_caller_id() -> None:
    assert CallOwner.for_owner_calling(owner()).verified


def test_an_owner_with_a_pin_is_not_verified_until_it_is_entered() -> None:
    call_owner = with_pin()
    assert (call_owner.verified, call_owner.pin_due) == (False, True)


def test_inbound_calls_are_never_verified() -> None:
    assert not CallOwner.for_inbound(owner()).verified


def test_attribute_round_trip() -> None:
    original = with_pin().with_(bridged_at=1234)
    assert CallOwner.decode(original.encode()) == original


def test_verified_attribute_drops_the_pin_hash() -> None:
    verified = with_pin().with_(verified=True)
    assert "scrypt" not in verified.encode()


def test_the_attribute_fits_transaction_attribute_limits() -> None:
    many = owner(
        pin_hash=pins.hash_pin("4821"), allowed_prefixes=tuple(f"+1{n:03}" for n in range(20))
    )
    assert len(CallOwner.for_owner_calling(many).encode()) <= 1024


def test_empty_attribute_is_no_owner() -> None:
    assert CallOwner.decode("") is None


@pytest.mark.parametrize("text", ["{", '{"i": "x"}', "[]", '{"i":"x","a":1,"c":"z","m":1}'])
def test_garbled_attribute_is_an_invalid_event(text: str) -> None:
    with pytest.raises(InvalidEventError, match="not a call owner"):
        CallOwner.decode(text)


# --- PIN ------------------------------------------------------------------------------------


def test_the_right_pin_verifies_and_clears_the_hash() -> None:
    result = check_pin(with_pin(), "4821#", wrong_so_far=0, usage=None, policy=POLICY, now=NOON)
    assert result.outcome is PinOutcome.RIGHT
    assert (result.owner.verified, result.owner.pin_hash) == (True, "")


def test_a_wrong_pin_asks_again_until_the_third() -> None:
    outcomes = [
        check_pin(with_pin(), "0000", wrong_so_far=n, usage=None, policy=POLICY, now=NOON).outcome
        for n in range(3)
    ]
    assert outcomes == [PinOutcome.WRONG, PinOutcome.WRONG, PinOutcome.TOO_MANY]


@pytest.mark.usefixtures("tables")
def test_wrong_pins_across_calls_lock_the_owner() -> None:
    usage = UsageStore()
    policy = LockoutPolicy(failures=2, window_seconds=900, lock_seconds=600)
    first = check_pin(with_pin(), "0000", wrong_so_far=0, usage=usage, policy=policy, now=NOON)
    second = check_pin(with_pin(), "0000", wrong_so_far=0, usage=usage, policy=policy, now=NOON + 5)
    assert first.outcome is PinOutcome.WRONG
    assert (second.outcome, second.newly_locked, second.locked_until) == (
        PinOutcome.LOCKED,
        True,
        NOON + 5 + 600,
    )


@pytest.mark.usefixtures("tables")
def test_a_locked_owner_is_refused_even_with_the_right_pin() -> None:
    usage = UsageStore()
    policy = LockoutPolicy(failures=1, window_seconds=900, lock_seconds=600)
    check_pin(with_pin(), "0000", wrong_so_far=0, usage=usage, policy=policy, now=NOON)
    result = check_pin(with_pin(), "4821", wrong_so_far=0, usage=usage, policy=policy, now=NOON + 1)
    assert (result.outcome, result.newly_locked, result.owner.verified) == (
        PinOutcome.LOCKED,
        False,
        False,
    )


# --- dial-out ---------------------------------------------------------------------------------


def verified(**changes: object) -> CallOwner:
    return CallOwner.for_owner_calling(owner(**changes))


def test_no_owner_may_not_dial_out() -> None:
    assert authorize_dial_out(None, "+12065550123", usage=None, now=NOON).refusal is (
        Refusal.NOT_VERIFIED
    )


def test_an_unverified_owner_may_not_dial_out() -> None:
    assert authorize_dial_out(with_pin(), "+12065550123", usage=None, now=NOON).refusal is (
        Refusal.NOT_VERIFIED
    )


def test_a_verified_owner_may_dial_an_allowed_number() -> None:
    assert authorize_dial_out(verified(), "+12065550123", usage=None, now=NOON).refusal is None


def test_premium_destinations_are_refused_with_the_reason() -> None:
    result = authorize_dial_out(verified(), "+19005550123", usage=None, now=NOON)
    assert (result.refusal, result.reason) == (Refusal.DESTINATION, "NANP premium rate (900)")


@pytest.mark.usefixtures("tables")
def test_the_daily_limit_refuses_the_next_call() -> None:
    usage = UsageStore()
    owner_ = verified(daily_call_limit=1)
    first = authorize_dial_out(owner_, "+12065550123", usage=usage, now=NOON)
    second = authorize_dial_out(owner_, "+12065550123", usage=usage, now=NOON)
    assert (first.refusal, second.refusal) == (None, Refusal.LIMIT)


def test_a_zero_limit_refuses_without_a_usage_table() -> None:
    result = authorize_dial_out(verified(daily_call_limit=0), "+12065550123", usage=None, now=NOON)
    assert result.refusal is Refusal.LIMIT


def test_the_encoding_is_what_json_dumps_writes() -> None:
    # Compact, keys in this order, non-ASCII and quotes escaped: the value calls in progress
    # carry was written by json.dumps before the encoder was written out by hand.
    import json

    call_owner = CallOwner('o"1é☎', ("+44", "+1"), 5, 60, pin_hash="scrypt$ab", bridged_at=7)
    expected = {"i": 'o"1é☎', "a": ["+44", "+1"], "c": 5, "m": 60, "h": "scrypt$ab", "b": 7}
    assert call_owner.encode() == json.dumps(expected, separators=(",", ":"))


def test_a_decoded_value_encodes_back_to_the_text_it_came_from() -> None:
    text = '{"a":["+1"],"i":"default","c":50,"m":240,"v":1}'  # another key order
    decoded = CallOwner.decode(text)
    assert decoded is not None
    assert decoded.encode() == text
    assert CallOwner.decode(text) is decoded


def test_a_changed_value_gets_its_own_encoding() -> None:
    decoded = CallOwner.decode('{"i":"default","a":["+1"],"c":50,"m":240,"v":1}')
    assert decoded is not None
    bridged = decoded.with_(bridged_at=1_764_590_400)
    assert CallOwner.decode(bridged.encode()) == bridged
    assert bridged.encode().endswith(',"b":1764590400}')
