"""Dial-out PINs: stored as salted scrypt hashes (standard library), compared in constant time.

The stored form carries its own parameters, ``scrypt$<n>$<r>$<p>$<salt>$<hash>`` (salt and hash
in unpadded URL-safe base64), so the cost can be raised later without invalidating old hashes.
The defaults are one of OWASP's equivalent scrypt settings (N=2^14, r=8, p=5: 16 MiB, about
0.2 s of CPU here), chosen over N=2^17 because 128 MiB would not fit a small Lambda function.
A PIN is 4 to 12 keypad digits.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Final

from chalicelib.errors import CallRecError

SCHEME: Final = "scrypt"
PIN_PATTERN: Final = re.compile(r"^[0-9]{4,12}$")
SALT_BYTES: Final = 16
HASH_BYTES: Final = 32
MAX_MEMORY: Final = 64 * 1024 * 1024  # bytes hashlib.scrypt may use (its default is 32 MiB)


class InvalidPinError(CallRecError):
    """A PIN that is not 4-12 digits, or a stored hash that is not in the scrypt form."""

    code = "InvalidPin"


@dataclass(frozen=True)
class ScryptCost:
    """The scrypt parameters of a PIN hash."""

    n: int = 2**14
    r: int = 8
    p: int = 5


DEFAULT_COST: Final = ScryptCost()


def validate_pin(pin: str) -> str:
    """``pin`` when it is 4-12 digits; InvalidPinError otherwise (the PIN is never in the text)."""
    if not PIN_PATTERN.match(pin):
        raise InvalidPinError("a PIN must be 4 to 12 digits", hint="type digits 0-9 only")
    return pin


def hash_pin(pin: str, cost: ScryptCost = DEFAULT_COST) -> str:
    """The stored form of ``pin`` with a fresh random salt."""
    salt = os.urandom(SALT_BYTES)
    digest = _scrypt(validate_pin(pin), salt, cost)
    return "$".join((SCHEME, str(cost.n), str(cost.r), str(cost.p), _b64(salt), _b64(digest)))


def verify_pin(pin: str, stored: str) -> bool:
    """True when ``pin`` hashes to ``stored``; False for a wrong or malformed PIN.

    The comparison is ``hmac.compare_digest``: its time does not depend on where the digests
    differ. A malformed ``stored`` raises InvalidPinError (a broken directory item, not a guess).
    """
    import hmac  # deferred, like every hashing import here: off the SMA handler's cold path

    cost, salt, expected = parse(stored)
    if not PIN_PATTERN.match(pin):
        return False
    return hmac.compare_digest(_scrypt(pin, salt, cost), expected)


def parse(stored: str) -> tuple[ScryptCost, bytes, bytes]:
    """Split a stored hash into its cost, salt and digest; InvalidPinError when it is not one."""
    parts = stored.split("$")
    try:
        if len(parts) != 6 or parts[0] != SCHEME:
            raise ValueError("not the scrypt form")
        cost = ScryptCost(n=int(parts[1]), r=int(parts[2]), p=int(parts[3]))
        salt, digest = _unb64(parts[4]), _unb64(parts[5])
    except ValueError as error:
        raise InvalidPinError(
            "the stored PIN hash is not in the scrypt$n$r$p$salt$hash form",
            hint="set the PIN again with `callrec owners set-pin`",
        ) from error
    return cost, salt, digest


def is_pin_hash(value: str) -> bool:
    try:
        parse(value)
    except InvalidPinError:
        return False
    return True


def _scrypt(pin: str, salt: bytes, cost: ScryptCost) -> bytes:
    import hashlib

    return hashlib.scrypt(
        pin.encode("ascii"),
        salt=salt,
        n=cost.n,
        r=cost.r,
        p=cost.p,
        maxmem=MAX_MEMORY,
        dklen=HASH_BYTES,
    )


def _b64(raw: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    import base64

    if not text:
        raise ValueError("empty field")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
