from __future__ import annotations

import hmac

import pytest

from chalicelib.owners import pins
from tests.owners.conftest import TEST_COST


def test_the_right_pin_verifies() -> None:
    assert pins.verify_pin("4821", pins.hash_pin("4821", TEST_COST))


def test_a_wrong_pin_does_not_verify() -> None:
    assert not pins.verify_pin("4822", pins.hash_pin("4821", TEST_COST))


def test_each_hash_has_its_own_salt() -> None:
    assert pins.hash_pin("4821", TEST_COST) != pins.hash_pin("4821", TEST_COST)


def test_the_hash_never_contains_the_pin() -> None:
    assert "48215" not in pins.hash_pin("48215", TEST_COST)


def test_default_cost_is_owasp_scrypt() -> None:
    cost, salt, digest = pins.parse(pins.hash_pin("4821"))
    assert (cost.n, cost.r, cost.p, len(salt), len(digest)) == (2**14, 8, 5, 16, 32)


def test_the_stored_cost_is_used_to_verify() -> None:
    stored = pins.hash_pin("4821", pins.ScryptCost(n=2**5, r=2, p=1))
    assert stored.startswith("scrypt$32$2$1$")
    assert pins.verify_pin("4821", stored)


def test_comparison_is_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    pins.verify_pin("4821", pins.hash_pin("4821", TEST_COST))
    assert len(calls) == 1


@pytest.mark.parametrize("pin", ["123", "1234567890123", "12a4", "", "12 34"])
def test_pins_must_be_4_to_12_digits(pin: str) -> None:
    with pytest.raises(pins.InvalidPinError, match="4 to 12 digits"):
        pins.hash_pin(pin, TEST_COST)


def test_a_malformed_pin_never_verifies() -> None:
    assert not pins.verify_pin("12*4", pins.hash_pin("1234", TEST_COST))


@pytest.mark.parametrize("stored", ["", "plain", "pbkdf2$1$2$3$a$b", "scrypt$x$8$1$aa$bb"])
def test_a_malformed_stored_hash_is_an_error(stored: str) -> None:
    with pytest.raises(pins.InvalidPinError) as caught:
        pins.verify_pin("1234", stored)
    assert caught.value.code == "InvalidPin"
