"""Call-record writes with a directory and a PIN (issue 14): still at most three per dial-out."""

from __future__ import annotations

import pytest

from tests.sma.test_writes import counted_run


def test_a_dial_out_with_a_pin_writes_the_record_three_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    writes, outcome = counted_run("owners-correct-pin", monkeypatch)
    assert outcome.ok, [r for r in outcome.results if not r.ok]
    assert writes == ["NEW_INBOUND_CALL", "ACTION_SUCCESSFUL", "HANGUP"]
    assert outcome.transcript.call_record is not None
    assert outcome.transcript.call_record["owner_id"] == "alice"
