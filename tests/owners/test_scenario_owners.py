"""Scenarios with an owner directory (owners:) in the simulator."""

from __future__ import annotations

from typing import Any

import pytest

from callrec import simulation
from callrec.simulation import Records
from callrec.simulation.scenario import ScenarioError, parse

BASE: dict[str, Any] = {
    "name": "t",
    "owners": {"alice": {"numbers": ["+15555550100"], "sma_number": "+15555550199", "pin": "4821"}},
    "sma_number": "+15555550199",
    "caller": "+15555550100",
    "callee": {"number": "+12065550123"},
    "timeline": [{"at": 1, "party": "caller", "dtmf": "4821#"}],
}


def test_the_owner_defaults_to_the_dialled_numbers_owner() -> None:
    scenario = parse(BASE)
    assert (scenario.owner, scenario.outbound) == ("+15555550100", True)
    assert scenario.owners[0].pin == "4821"


def test_an_unassigned_number_has_no_owner() -> None:
    assert parse({**BASE, "sma_number": "+15555550197"}).owner == ""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pin": 12}, "pin must be 4-12 digits"),
        ({"numbers": ["555"]}, "not an E.164 number"),
        ({"colour": "red"}, "colour"),
        ({"calls_today": -1}, "counts must be whole numbers"),
    ],
)
def test_bad_owner_entries_are_refused(change: dict[str, Any], message: str) -> None:
    owners = {"alice": {**BASE["owners"]["alice"], **change}}
    with pytest.raises(ScenarioError, match=message):
        parse({**BASE, "owners": owners})


def test_the_printed_call_never_shows_the_pin_or_its_hash() -> None:
    outcome = simulation.run(BASE, records=Records.MOTO)
    printed = "\n".join(outcome.render())
    assert "4821" not in printed
    assert "scrypt" not in printed
    assert "digits ****" in printed


def test_calls_today_count_towards_the_limit() -> None:
    owners = {"alice": {**BASE["owners"]["alice"], "daily_call_limit": 1, "calls_today": 1}}
    timeline = [*BASE["timeline"], {"at": 6, "party": "caller", "dtmf": "2065550123#"}]
    outcome = simulation.run(
        {
            **BASE,
            "owners": owners,
            "timeline": timeline,
            "expect": {"prompts_include": ["limit-reached.wav"]},
        },
        records=Records.MOTO,
    )
    assert all(r.ok for r in outcome.results), outcome.results
