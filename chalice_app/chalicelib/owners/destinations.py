"""Which numbers an owner may dial out to: a per-owner allow-list, minus refused ranges.

A destination (E.164) is allowed when it starts with one of the owner's ``allowed_prefixes``
(default: the owner's own country code, see :func:`country_code`) and no refused range below
matches it, unless the owner's list names that range explicitly with an allowed prefix at least
as long as the range's pattern (``+1876`` lifts the Jamaica rule, ``+1`` does not).

Patterns are E.164 prefixes in which ``X`` stands for any digit. Sources (see SECURITY.md,
"Toll fraud", for the links):

* NANP: NANPA's numbering resources — 900 premium services, the 976 central office code used for
  premium ("976") services in every area, 555-1212 directory assistance, 500/533/544/566/577/588
  personal communications services, 600 Canadian non-geographic services, 700 interexchange
  carrier services, 710 US government, 456 inbound international carrier services; and the
  NANP area codes of countries other than the US and Canada (NANPA's area code list), which the
  FCC and FTC "one ring" scam warnings name (268, 284, 473, 649, 664, 767, 809, 829, 849, 876)
  because they look domestic but bill as international calls, often premium.
* ITU-T E.164 assignments: +979 international premium rate service, +881 global mobile satellite
  system, +882/+883 international networks, +870 Inmarsat — the usual destinations of
  international revenue share fraud.
* UK (Ofcom numbering plan): 09 premium rate, 0871-0873 revenue-sharing, 118 directory enquiries.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

PREFIX_PATTERN: Final = re.compile(r"^\+[1-9][0-9]{0,14}$")

_NANP_OTHER_COUNTRIES: Final = (
    "242 246 264 268 284 345 441 473 649 658 664 721 758 767 784 809 829 849 868 869 876"
)


@dataclass(frozen=True)
class RefusedRange:
    """A range of numbers dial-out never calls, and why."""

    pattern: str
    reason: str

    @property
    def regex(self) -> str:
        return re.escape(self.pattern).replace("X", "[0-9]")

    def matches(self, number: str) -> bool:
        return re.match(self.regex, number) is not None


def _ranges(reason: str, prefix: str, codes: str) -> tuple[RefusedRange, ...]:
    """One rule per space-separated code in ``codes``, each after ``prefix``."""
    return tuple(RefusedRange(prefix + code, reason) for code in codes.split())


REFUSED_RANGES: Final[tuple[RefusedRange, ...]] = (
    *_ranges("NANP premium rate (900)", "+1", "900"),
    *_ranges("NANP premium exchange (976)", "+1", "XXX976"),
    *_ranges("NANP directory assistance (555-1212)", "+1", "XXX5551212"),
    *_ranges("NANP personal communications (5XX)", "+1", "500 533 544 566 577 588"),
    *_ranges("NANP special service (456/600/700/710)", "+1", "456 600 700 710"),
    *_ranges("NANP area code of another country", "+1", _NANP_OTHER_COUNTRIES),
    *_ranges("ITU international premium rate (+979)", "+", "979"),
    *_ranges("satellite or international network", "+", "870 881 882 883"),
    *_ranges("UK premium rate (09, 0871-0873, 118)", "+44", "9 871 872 873 118"),
)


@functools.cache
def _any_refused() -> re.Pattern[str]:
    """One pass over the number for the common case, a number in no refused range (the dial-out
    hot path); compiled on first use, not at import (the cold path)."""
    return re.compile("|".join(f"(?:{r.regex})" for r in REFUSED_RANGES))


# ITU-T E.164 country codes of one and two digits; every other code has three.
_ONE_DIGIT: Final = frozenset("17")
_TWO_DIGIT_CODES: Final = (
    "20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 "
    "60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98"
)
_TWO_DIGIT: Final = frozenset(_TWO_DIGIT_CODES.split())


@dataclass(frozen=True)
class Decision:
    """Whether a destination may be dialled, and why not."""

    allowed: bool
    reason: str = ""


ALLOWED: Final = Decision(allowed=True)


def country_code(number: str) -> str:
    """The country calling code of an E.164 number, with ``+`` (``+12065550100`` -> ``+1``)."""
    digits = number.lstrip("+")
    if digits[:1] in _ONE_DIGIT:
        return "+" + digits[:1]
    if digits[:2] in _TWO_DIGIT:
        return "+" + digits[:2]
    return "+" + digits[:3]


def default_prefixes(owner_numbers: Sequence[str]) -> tuple[str, ...]:
    """The owner's own country code(s): the allow-list when none is configured."""
    return tuple(dict.fromkeys(country_code(number) for number in owner_numbers))


def decide(number: str, allowed_prefixes: Sequence[str]) -> Decision:
    """Whether ``number`` may be dialled by an owner with ``allowed_prefixes``, and why not."""
    matching = [prefix for prefix in allowed_prefixes if number.startswith(prefix)]
    if not matching:
        return Decision(False, "outside the owner's allowed prefixes")
    if not _any_refused().match(number):
        return ALLOWED
    longest = max(len(prefix) for prefix in matching)
    for refused in REFUSED_RANGES:
        if refused.matches(number) and longest < len(refused.pattern):
            return Decision(False, refused.reason)
    return ALLOWED
