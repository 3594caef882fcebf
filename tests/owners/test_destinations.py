from __future__ import annotations

import pytest

from chalicelib.owners import destinations
from chalicelib.owners.destinations import decide


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("+12065550100", "+1"),
        ("+74951234567", "+7"),
        ("+442071234567", "+44"),
        ("+4915123456789", "+49"),
        ("+353861234567", "+353"),
        ("+8613912345678", "+86"),
        ("+85291234567", "+852"),
    ],
)
def test_country_code(number: str, code: str) -> None:
    assert destinations.country_code(number) == code


def test_default_prefixes_are_the_owners_country_codes() -> None:
    assert destinations.default_prefixes(["+12065550100", "+13125550100", "+447700900123"]) == (
        "+1",
        "+44",
    )


def test_a_number_in_the_allow_list_is_allowed() -> None:
    assert decide("+12065550123", ["+1"]).allowed


def test_a_number_outside_the_allow_list_is_refused() -> None:
    decision = decide("+442071234567", ["+1"])
    assert (decision.allowed, decision.reason) == (False, "outside the owner's allowed prefixes")


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("+19005550123", "NANP premium rate (900)"),
        ("+12129761234", "NANP premium exchange (976)"),
        ("+12125551212", "NANP directory assistance (555-1212)"),
        ("+15005550100", "NANP personal communications (5XX)"),
        ("+17005550100", "NANP special service (456/600/700/710)"),
        ("+18765550100", "NANP area code of another country"),
        ("+18095550100", "NANP area code of another country"),
        ("+12845550100", "NANP area code of another country"),
    ],
)
def test_nanp_premium_and_special_ranges_are_refused_by_default(number: str, reason: str) -> None:
    assert decide(number, ["+1"]) == destinations.Decision(False, reason)


@pytest.mark.parametrize("number", ["+9791234567890", "+881612345678", "+882345678901"])
def test_international_premium_and_satellite_codes_are_refused_even_when_allowed(
    number: str,
) -> None:
    decision = decide(number, ["+9", "+8"])
    assert not decision.allowed
    assert decision.reason != "outside the owner's allowed prefixes"


def test_uk_premium_rate_is_refused_for_a_uk_owner() -> None:
    assert decide("+449012345678", ["+44"]).reason == "UK premium rate (09, 0871-0873, 118)"
    assert decide("+442071234567", ["+44"]).allowed


def test_an_explicit_longer_prefix_lifts_a_refused_range() -> None:
    assert decide("+18765550100", ["+1", "+1876"]).allowed


def test_a_shorter_prefix_does_not_lift_a_refused_range() -> None:
    assert not decide("+19005550123", ["+1", "+19"]).allowed


def test_976_as_an_area_code_is_not_the_premium_exchange() -> None:
    # 976 is refused as the exchange (NXX), not as digits anywhere in the number.
    assert decide("+12065559761", ["+1"]).allowed


def test_us_territories_are_domestic() -> None:
    assert decide("+17875550100", ["+1"]).allowed  # Puerto Rico
