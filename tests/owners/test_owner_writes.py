"""Call-record writes with a directory and a PIN (issue 14): still at most three per dial-out."""

from __future__ import annotations

from typing import Any

import pytest

from callrec import simulation
from callrec.simulation import Records
from chalicelib.call_records import CallRecords
from chalicelib.sma.handler import handle


def test_a_dial_out_with_a_pin_writes_the_record_three_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    writes: list[str] = []
    current: list[str] = []
    real_update = CallRecords.update

    def update(self: CallRecords, *args: Any, **kwargs: Any) -> None:
        writes.append(current[0])
        real_update(self, *args, **kwargs)

    def invoke(event: dict[str, Any]) -> Any:
        current[:] = [str(event["InvocationEventType"])]
        return handle(event)

    monkeypatch.setattr(CallRecords, "update", update)
    outcome = simulation.run("owners-correct-pin", invoke=invoke, records=Records.MOTO)
    assert outcome.ok, [r for r in outcome.results if not r.ok]
    assert writes == ["NEW_INBOUND_CALL", "ACTION_SUCCESSFUL", "HANGUP"]
    assert outcome.transcript.call_record is not None
    assert outcome.transcript.call_record["owner_id"] == "alice"
