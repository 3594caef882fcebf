"""Environment access, read at call time (never at import) so one process can serve many configs."""

from __future__ import annotations

import os
from dataclasses import dataclass

from chalicelib.errors import ConfigurationError


def require(name: str) -> str:
    """Return the non-empty value of environment variable ``name`` or raise ConfigurationError."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ConfigurationError(
            f"environment variable {name} is not set",
            hint="set it in .chalice/config.json (callrec chalice-config) or the function settings",
        )
    return value


def optional(name: str, default: str = "") -> str:
    """Return the value of ``name``, or ``default`` when it is unset or blank."""
    value = os.environ.get(name, "").strip()
    return value or default


def integer(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Return ``name`` parsed as an integer within [minimum, maximum], or ``default`` when unset."""
    raw = optional(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as error:
        raise ConfigurationError(
            f"environment variable {name}={raw!r} is not an integer", hint="use a whole number"
        ) from error
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ConfigurationError(
            f"environment variable {name}={value} is out of range",
            hint=f"use a value between {minimum} and {maximum}",
        )
    return value


def flag(name: str, default: bool = False) -> bool:
    """Return ``name`` read as a boolean (true/false, yes/no, 1/0, on/off)."""
    raw = optional(name).lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(
        f"environment variable {name}={raw!r} is not a boolean", hint="use true or false"
    )


@dataclass(frozen=True)
class EnvironmentKey:
    """The raw values of ``names`` (None when unset) that configuration was parsed from: the
    configuration is parsed again only when :meth:`unchanged` says one of them changed."""

    names: tuple[str, ...]
    values: tuple[str | None, ...]

    @classmethod
    def of(cls, names: tuple[str, ...]) -> EnvironmentKey:
        return cls(names, tuple(map(os.environ.get, names)))

    def unchanged(self) -> bool:
        return tuple(map(os.environ.get, self.names)) == self.values
