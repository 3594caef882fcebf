"""The owner directory: who owns which SMA number, how they prove it, and what they may dial.

``model`` (the directory item), ``directory`` (reads by dialled number, cached per container, and
the single-owner configuration as a directory of one), ``pins`` (salted slow PIN hashes),
``destinations`` (allow-list and refused premium/special ranges), ``usage`` (daily limits and the
PIN lockout, conditional counter writes), ``security_events`` (EventBridge and SNS).
"""

from __future__ import annotations

from typing import Final

# Every environment variable the owners code reads (the simulator and the tests set or clear
# them together with chalicelib.sma.config.ENVIRONMENT).
ENVIRONMENT: Final = (
    "OWNER_DIRECTORY_TABLE",
    "OWNER_DIRECTORY_CACHE_SECONDS",
    "OWNER_PIN_HASH",
    "OWNER_USAGE_TABLE",
    "PIN_LOCKOUT_FAILURES",
    "PIN_LOCKOUT_WINDOW_SECONDS",
    "PIN_LOCKOUT_SECONDS",
    "SECURITY_EVENT_BUS",
)
