"""Call-record writes of a whole call (issue 14): at most three for an owner's dial-out (start,
recording confirmed, end), none on acknowledgements, and the configuration parsed once."""

from __future__ import annotations

from typing import Any

import pytest

from callrec import simulation
from callrec.simulation import Records
from chalicelib.call_records import CallRecords
from chalicelib.sma import config as sma_config
from chalicelib.sma.handler import handle


def counted_run(name: str, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], Any]:
    """Run a shipped scenario with call records in moto; the event type of every write."""
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
    outcome = simulation.run(name, invoke=invoke, records=Records.MOTO)
    return writes, outcome


def test_owner_dial_out_writes_the_record_three_times(monkeypatch: pytest.MonkeyPatch) -> None:
    writes, outcome = counted_run("owner-dial-out", monkeypatch)
    assert outcome.ok, [r for r in outcome.results if not r.ok]
    assert writes == ["NEW_INBOUND_CALL", "ACTION_SUCCESSFUL", "HANGUP"]
    record = outcome.transcript.call_record
    assert (record["other_number"], record["recording_state"]) == ("+12065550123", "stopped")


def test_inbound_call_writes_the_record_three_times(monkeypatch: pytest.MonkeyPatch) -> None:
    writes, outcome = counted_run("inbound-call", monkeypatch)
    assert outcome.ok
    assert len(writes) <= 3


def test_configuration_is_parsed_once_while_the_environment_is_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parsed: list[int] = []
    real = sma_config.SmaConfig.from_env.__func__  # type: ignore[attr-defined]

    def counting(cls: type[sma_config.SmaConfig]) -> sma_config.SmaConfig:
        parsed.append(1)
        result: sma_config.SmaConfig = real(cls)
        return result

    monkeypatch.setattr(sma_config.SmaConfig, "from_env", classmethod(counting))
    first, second = sma_config.current(), sma_config.current()
    assert first is second and len(parsed) <= 1
    monkeypatch.setenv("RECORDING_STOP_DIGIT", "9")
    assert sma_config.current().stop_digit == "9"


def test_a_setting_set_while_another_variable_goes_is_noticed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The same number of variables, a different configuration: it must be parsed again.
    monkeypatch.setenv("SOME_OTHER_VARIABLE", "x")
    assert sma_config.current().auto_start is True
    monkeypatch.delenv("SOME_OTHER_VARIABLE")
    monkeypatch.setenv("RECORDING_AUTO_START", "false")
    assert sma_config.current().auto_start is False


def test_a_setting_removed_is_noticed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECORDING_STOP_DIGIT", "9")
    assert sma_config.current().stop_digit == "9"
    monkeypatch.delenv("RECORDING_STOP_DIGIT")
    assert sma_config.current().stop_digit == "7"
