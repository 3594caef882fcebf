"""Errors of the operator tooling that the app itself never raises (they derive from the one
hierarchy in chalicelib.errors, so ``callrec`` prints them as one line and exits 2)."""

from __future__ import annotations

from chalicelib.errors import CallRecError


class UsageError(CallRecError):
    """A flag or argument of a ``callrec`` command that cannot be used as given."""

    code = "UsageError"
