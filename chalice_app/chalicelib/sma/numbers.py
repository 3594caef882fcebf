"""Turning what the owner typed on the keypad into an E.164 number to dial."""

from __future__ import annotations

import re

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_NANP = re.compile(r"^[2-9]\d{2}[2-9]\d{6}$")


def is_e164(number: str) -> bool:
    return bool(E164.match(number))


def to_e164(digits: str, default_country_code: str = "1") -> str | None:
    """Return the E.164 form of ``digits`` (keypad input), or None when it is not a callable number.

    Accepted: ``+`` E.164 as is; an international prefix (``011`` in the North American numbering
    plan, ``00`` elsewhere) followed by the country code; with country code 1, ten national digits
    (NANP area code + number) or 1 + those ten digits; elsewhere a trunk ``0`` + national number.
    A trailing ``#`` (the terminator) is ignored.
    """
    text = digits.strip().rstrip("#")
    if text.startswith("+"):
        return text if is_e164(text) else None
    if not text.isdigit():
        return None
    candidate: str | None
    if default_country_code == "1":
        if text.startswith("011"):
            candidate = "+" + text[3:]
        elif len(text) == 10 and _NANP.match(text):
            candidate = "+1" + text
        elif len(text) == 11 and text.startswith("1") and _NANP.match(text[1:]):
            candidate = "+" + text
        else:
            candidate = None
    elif text.startswith("00"):
        candidate = "+" + text[2:]
    elif text.startswith("0") and len(text) > 1:
        candidate = "+" + default_country_code + text[1:]
    else:
        candidate = None
    return candidate if candidate and is_e164(candidate) else None
