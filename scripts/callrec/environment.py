"""Temporary changes to ``os.environ`` that are always undone.

The simulator and the offline stack point the app's code at local endpoints and settings through
environment variables (the app reads its configuration at call time); these helpers put every
variable back as it was, unset ones included, however the block ends.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

Snapshot = dict[str, str | None]


def snapshot(names: Iterable[str]) -> Snapshot:
    """The current values of ``names`` (None for unset ones)."""
    return {name: os.environ.get(name) for name in names}


def restore(saved: Mapping[str, str | None]) -> None:
    """Put each variable of ``saved`` back: set it to its old value, or unset it."""
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@contextmanager
def preserved(names: Iterable[str]) -> Iterator[None]:
    """Let the block change ``names`` freely; restore them when it ends."""
    saved = snapshot(names)
    try:
        yield
    finally:
        restore(saved)
