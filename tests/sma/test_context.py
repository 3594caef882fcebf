"""The invocation's time (chalicelib.sma.context.InvocationTime): read from the clock on first
use, then the same for every context the transitions derive from the first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.sma import config as sma_config
from chalicelib.sma.context import Context, InvocationTime
from chalicelib.sma.events import InvocationEvent
from chalicelib.sma.state import CallState, Phase

LoadEvent = Callable[..., dict[str, Any]]


def test_every_context_of_an_invocation_reads_the_same_time(load_event: LoadEvent) -> None:
    ticks = iter(["2024-03-01T17:10:00.000Z", "2024-03-01T17:10:00.001Z"])
    first = Context(
        InvocationEvent.parse(load_event("new_inbound_call_from_owner")),
        CallState(),
        sma_config.current(),
        InvocationTime(lambda: next(ticks)),
    )
    moved_on = first.with_state(first.state.with_(phase=Phase.ENDING))
    assert [first.now, moved_on.now, first.now] == ["2024-03-01T17:10:00.000Z"] * 3
