from __future__ import annotations

import pytest

from chalicelib.owners import pins
from chalicelib.owners.model import InvalidOwnerError, Owner
from tests.owners.conftest import TEST_COST, owner


def test_item_round_trip() -> None:
    original = owner(
        pin_hash=pins.hash_pin("1234", TEST_COST),
        allowed_prefixes=("+1", "+44"),
        daily_call_limit=3,
        daily_minute_limit=30,
        console_username="alice@example.com",
        owner_numbers=("+12065550101", "+12065550102"),
    )
    assert Owner.from_item(original.to_item()) == original


def test_item_has_the_contract_attributes() -> None:
    item = owner(pin_hash=pins.hash_pin("1234", TEST_COST), console_username="alice").to_item()
    assert item["owner_numbers"] == {"L": [{"S": "+12065550101"}]}
    assert item["sma_number"] == {"S": "+12065550199"}
    assert set(item) == {
        "owner_id",
        "display_name",
        "owner_numbers",
        "sma_number",
        "pin_hash",
        "daily_call_limit",
        "daily_minute_limit",
        "console_username",
    }


def test_empty_optional_attributes_are_left_out_of_the_item() -> None:
    # An empty string cannot be a GSI key: console_username must be absent, not "".
    assert "console_username" not in owner().to_item()
    assert "pin_hash" not in owner().to_item()


def test_default_allow_list_is_the_owners_country_code() -> None:
    assert owner(owner_numbers=("+447700900123",)).prefixes == ("+44",)


def test_describe_never_shows_the_pin_hash() -> None:
    stored = pins.hash_pin("1234", TEST_COST)
    described = owner(pin_hash=stored).describe()
    assert described["pin"] == "set"
    assert stored not in str(described)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"owner_id": "Alice"}, "owner id must be"),
        ({"owner_numbers": ()}, "owner phone numbers"),
        ({"owner_numbers": ("2065550101",)}, "not E.164"),
        ({"sma_number": "+1206"}, "not E.164"),
        ({"sma_number": "+12065550101"}, "cannot also be one of the owner's own numbers"),
        ({"allowed_prefixes": ("1",)}, "allowed prefixes must look like"),
        ({"daily_call_limit": -1}, "daily limits"),
        ({"pin_hash": "1234"}, "pin_hash is not a scrypt hash"),
        ({"console_username": "a b"}, "console user name"),
    ],
)
def test_invalid_owners_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidOwnerError, match=message) as caught:
        owner(**changes)
    assert caught.value.code == "InvalidOwner"


def test_a_malformed_item_is_an_invalid_owner() -> None:
    with pytest.raises(InvalidOwnerError, match="malformed"):
        Owner.from_item({"owner_id": {"S": "x"}, "owner_numbers": {"S": "oops"}})
