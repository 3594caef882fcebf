"""The floor of bench/sma.py (bench/sma_floor.py) measures sma_handler only while it answers and
writes exactly what sma_handler does on the bench's two sequences; the bench checks it on every
run, and these tests check that check."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import bench.sma_floor
from bench import sma


@pytest.fixture
def meters(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[sma.Meter, sma.Meter]]:
    """sma_handler's and the reference's meters, storage stubbed, in the bench's environment."""
    for name, value in sma.ENV.items():
        monkeypatch.setenv(name, value)
    ours, reference, restore = sma.meters(stub=True)
    try:
        yield ours, reference
    finally:
        restore()


def test_the_floor_answers_and_writes_what_sma_handler_does(
    meters: tuple[sma.Meter, sma.Meter],
) -> None:
    ours, reference = meters
    floor = sma.Meter("floor", bench.sma_floor.handler)
    differ = sma.run_interleaved(ours, reference, 2, floor)
    assert [line for line in differ if "floor" in line] == []
    # The last call compared: its five answers and three record updates, not an empty list.
    assert len(floor.seen) == len(sma.INBOUND) + 3
    assert floor.writes_per_call == ours.writes_per_call


def test_a_floor_that_answers_otherwise_is_reported(meters: tuple[sma.Meter, sma.Meter]) -> None:
    ours, reference = meters

    def wrong_caller_id(event: dict[str, Any]) -> Any:
        answer = bench.sma_floor.handler(event)
        for action in answer["Actions"]:
            if action["Type"] == "CallAndBridge":
                action["Parameters"]["CallerIdNumber"] = "+15555550000"
        return answer

    differ = sma.run_interleaved(ours, reference, 1, sma.Meter("floor", wrong_caller_id))
    assert [line.split(":")[0] for line in differ] == ["dial-out, floor", "inbound, floor"]
    assert "+15555550000" in differ[0]
