"""What one check found: ok, FAIL or cannot-check, and what to do about it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    OK = "ok"
    FAIL = "FAIL"
    CANNOT_CHECK = "cannot-check"


@dataclass(frozen=True)
class Verdict:
    """What a check function returns; the registry adds the check's name."""

    status: Status
    message: str
    fix: str = ""


def ok(message: str) -> Verdict:
    return Verdict(Status.OK, message)


def fail(message: str, fix: str) -> Verdict:
    return Verdict(Status.FAIL, message, fix)


def cannot_check(message: str, fix: str) -> Verdict:
    return Verdict(Status.CANNOT_CHECK, message, fix)


@dataclass(frozen=True)
class CheckResult:
    check: str  # the registry name, e.g. "sma-endpoint"
    status: Status
    message: str  # what was found
    fix: str = ""  # what to do (empty when ok)

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "status": self.status.value,
            "message": self.message,
            "fix": self.fix,
        }


class CannotCheckError(Exception):
    """Raised inside a check: no verdict is possible (a name or a permission is missing)."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


class CheckFailedError(Exception):
    """Raised inside a check: what it verifies is not so. ``fix`` says what to do."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
