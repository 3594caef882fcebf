"""Environment access, read at call time (never at import) so one process can serve many configs."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.errors import ConfigurationError


def require(name: str) -> str:
    """Return the non-empty value of environment variable ``name`` or raise ConfigurationError."""
    value = _read(name).strip()
    if not value:
        raise ConfigurationError(
            f"environment variable {name} is not set",
            hint="set it in .chalice/config.json (callrec chalice-config) or the function settings",
        )
    return value


def optional(name: str, default: str = "") -> str:
    """Return the value of ``name``, or ``default`` when it is unset or blank."""
    value = _read(name).strip()
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
            hint=f"use {bounds(minimum, maximum)}",
        )
    return value


def bounds(minimum: int | None, maximum: int | None) -> str:
    """The allowed range in words: "a value between 1 and 10", "a value of at least 1", ..."""
    if minimum is not None and maximum is not None:
        return f"a value between {minimum} and {maximum}"
    if minimum is not None:
        return f"a value of at least {minimum}"
    if maximum is not None:
        return f"a value of at most {maximum}"
    return "a whole number"


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


# The raw (encoded) environment behind ``os.environ`` and how it spells a name: CPython keeps
# both on os._Environ. Reading them directly costs a dict lookup per name instead of an
# encode/lookup/decode round trip through the mapping (12 of those were a sixth of an SMA
# invocation). Every write through ``os.environ`` (tests' monkeypatch included) updates them;
# without them (another Python), ``os.environ`` itself is read.
_RAW: Mapping[Any, Any] = getattr(os.environ, "_data", os.environ)
_ENCODE: Callable[[str], Any] = (
    getattr(os.environ, "encodekey", str) if _RAW is not os.environ else str
)
_DECODE: Callable[[Any], str] = (
    getattr(os.environ, "decodevalue", str) if _RAW is not os.environ else str
)
# Names as os.environ spells them, and raw values decoded, both remembered: a read on the SMA
# hot path is then two dict lookups. Values are few (a Lambda's environment is fixed); the
# decoded-value memo is bounded for processes (tests) that set many.
_KEYS: dict[str, Any] = {}
_decoded: Callable[[Any], str] = functools.lru_cache(maxsize=512)(_DECODE)


def _read(name: str) -> str:
    """The value of ``name`` as ``os.environ.get(name, "")`` gives it."""
    key = _KEYS.get(name)
    if key is None:
        key = _KEYS[name] = _ENCODE(name)
    raw = _RAW.get(key)
    if raw is None:
        return ""
    return _decoded(raw)


@dataclass(frozen=True)
class EnvironmentKey:
    """The raw values of ``names`` (None when unset) that configuration was parsed from: the
    configuration is parsed again only when :meth:`unchanged` says one of them changed."""

    names: tuple[Any, ...]
    values: tuple[Any, ...]

    @classmethod
    def of(cls, names: tuple[str, ...]) -> EnvironmentKey:
        keys = tuple(map(_ENCODE, names))
        return cls(keys, tuple(map(_RAW.get, keys)))

    def unchanged(self) -> bool:
        return tuple(map(_RAW.get, self.names)) == self.values
