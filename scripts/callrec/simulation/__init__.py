"""Call simulator: drives the SMA handler through a scripted call, with no phone and no AWS.

Parts, kept apart so the offline stack can reuse them:

- ``scenario``: the scenario format (its docstring is the schema) and its validation;
- ``chime``: the Chime side: invocation events, participants, sequence, interruptions;
- ``executor``: carrying out each action type; subclass it to do the real thing;
- ``validation``: the documented action schema (what Chime would reject);
- ``expectations``: checking ``expect:``; ``render``: text, JSON and JSON Lines output.

:func:`run` is the one-call entry point (``make demo`` uses it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from callrec import environment
from callrec.simulation import directory as owner_directory
from callrec.simulation import expectations
from callrec.simulation.chime import (
    START_MS,
    ChimeSimulator,
    Invoke,
    SimulationError,
    Transcript,
)
from callrec.simulation.executor import ActionExecutor
from callrec.simulation.scenario import Scenario, ScenarioError, load, parse
from chalicelib import owners
from chalicelib.call_records import TABLE_ENV
from chalicelib.sma import config as sma_config

SCENARIOS_DIR = Path(__file__).resolve().parent.parent / "scenarios"
SIM_TABLE = "callrec-simulated-calls"
DEFAULT_ENV = {
    "RECORDINGS_BUCKET": "callrec-recordings",
    "RECORDINGS_PREFIX": "recordings",
    "PROMPTS_BUCKET": "callrec-prompts",
}
HANDLER_ENV = (*sma_config.ENVIRONMENT, *owners.ENVIRONMENT, TABLE_ENV)  # what the handler reads


class Records(StrEnum):
    """Where the handler's call records go during a simulation."""

    OFF = "off"  # CALL_RECORDS_TABLE unset: the handler logs that it skips them
    MOTO = "moto"  # an in-process moto DynamoDB with a fresh table (needs moto installed)
    ENVIRONMENT = "environment"  # whatever CALL_RECORDS_TABLE and endpoints are set (local stack)


@dataclass(frozen=True)
class SimulationResult:
    """A simulated call's transcript and its checked expectations."""

    transcript: Transcript
    results: list[expectations.Result]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    def render(self, fmt: str = "text") -> list[str]:
        """The transcript as readable lines (``text``), one JSON document (``json``) or JSON
        Lines (``jsonl``)."""
        from callrec.simulation import render

        return list(render.FORMATS[fmt](self.transcript, self.results))


def shipped_scenarios() -> list[Path]:
    """The example scenarios shipped with the package, one per flow."""
    return sorted(SCENARIOS_DIR.glob("*.yaml"))


def resolve(name_or_path: str) -> Path:
    """A scenario file path, or the name of a shipped scenario (``owner-dial-out``)."""
    path = Path(name_or_path)
    if path.exists():
        return path
    shipped = SCENARIOS_DIR / f"{name_or_path}.yaml"
    if shipped.exists():
        return shipped
    names = ", ".join(p.stem for p in shipped_scenarios())
    raise ScenarioError(f"no scenario file {name_or_path}", hint=f"shipped scenarios: {names}")


def run(
    scenario: Scenario | Mapping[str, Any] | str | Path,
    *,
    invoke: Invoke | None = None,
    executor: ActionExecutor | None = None,
    records: Records = Records.OFF,
    transaction_id: str | None = None,
    start_ms: int | None = None,
) -> SimulationResult:
    """Simulate ``scenario`` against the SMA handler: the transcript and checked expectations.

    ``transaction_id`` and ``start_ms`` (epoch milliseconds of the first event) default to a
    readable ``sim-NAME`` id and a fixed instant, so scenario output is reproducible; the offline
    stack passes a UUID and the current time, as Chime would.
    """
    if isinstance(scenario, str | Path):
        scenario = load(resolve(str(scenario)))
    elif not isinstance(scenario, Scenario):
        scenario = parse(scenario)
    in_process = invoke is None
    if invoke is None:
        from chalicelib.sma.handler import handle

        invoke = handle
    start = START_MS if start_ms is None else start_ms
    with _handler_env(scenario, records), _call_records(records, scenario):
        # Counted on the day of the simulated call: the in-process handler reads its clock.
        owner_directory.provision(scenario, now=start / 1000)
        simulator = ChimeSimulator(
            scenario, invoke, executor, transaction_id=transaction_id, start_ms=start
        )
        with _simulated_clock(simulator, in_process):
            transcript = simulator.run()
        if records is not Records.OFF and os.environ.get(TABLE_ENV):
            from chalicelib.call_records import CallRecords

            transcript.call_record = CallRecords().get(transcript.transaction_id)
    return SimulationResult(transcript, expectations.check(transcript))


@contextmanager
def _handler_env(scenario: Scenario, records: Records) -> Iterator[None]:
    with environment.preserved(HANDLER_ENV):
        if records is not Records.ENVIRONMENT:
            os.environ.pop(TABLE_ENV, None)
        for name, default in DEFAULT_ENV.items():
            os.environ.setdefault(name, default)
        if scenario.owners:
            os.environ.pop("OWNER_PHONE_NUMBER", None)
            os.environ.update(owner_directory.environment(scenario))
        else:
            os.environ["OWNER_PHONE_NUMBER"] = scenario.owner
        os.environ.update(scenario.env)
        yield


@contextmanager
def _simulated_clock(simulator: ChimeSimulator, in_process: bool) -> Iterator[None]:
    """The in-process handler reads the simulated call's clock, not the machine's."""
    if not in_process:
        yield
        return
    from chalicelib.call_records import iso_utc
    from chalicelib.sma import handler

    saved = handler.clock
    handler.clock = lambda: iso_utc(simulator.wall_clock(simulator.now))
    try:
        yield
    finally:
        handler.clock = saved


@contextmanager
def _call_records(records: Records, scenario: Scenario) -> Iterator[None]:
    """moto for the call records (MOTO), and for the scenario's directory unless the local
    stack's endpoints are in use (ENVIRONMENT)."""
    in_moto = records is Records.MOTO or (bool(scenario.owners) and records is Records.OFF)
    if not in_moto:
        yield
        return
    try:
        from moto import mock_aws
    except ImportError as error:
        raise SimulationError(
            "call records in moto need the moto package", hint="pip install 'moto[server]'"
        ) from error
    from chalicelib import aws

    credentials = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
    saved = environment.snapshot([*credentials, "AWS_DEFAULT_REGION", TABLE_ENV])
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    for key in credentials:
        os.environ.setdefault(key, "simulated")
    aws.reset_clients()
    try:
        with mock_aws():
            if records is Records.MOTO:
                aws.client("dynamodb").create_table(
                    TableName=SIM_TABLE,
                    KeySchema=[{"AttributeName": "transaction_id", "KeyType": "HASH"}],
                    AttributeDefinitions=[
                        {"AttributeName": "transaction_id", "AttributeType": "S"}
                    ],
                    BillingMode="PAY_PER_REQUEST",
                )
                os.environ[TABLE_ENV] = SIM_TABLE
            yield
    finally:
        environment.restore(saved)
        aws.reset_clients()


__all__ = [
    "ActionExecutor",
    "Records",
    "Scenario",
    "ScenarioError",
    "SimulationError",
    "SimulationResult",
    "Transcript",
    "load",
    "parse",
    "resolve",
    "run",
    "shipped_scenarios",
]
