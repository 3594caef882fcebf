"""Errors of the audit's inputs: they end the run with exit code 2."""

from __future__ import annotations

from chalicelib.errors import CallRecError


class AuditInputError(CallRecError):
    """An input named on the command line cannot be read (missing file, unreadable dir, ...)."""

    code = "AuditInputError"
