"""The owner directory of a scenario (``owners:``): provisioned before the call, in moto or in
the local stack, with the names Terraform gives the tables."""

from __future__ import annotations

from callrec.local.resources import owner_environment, provision_owners
from callrec.simulation.scenario import Scenario, ScenarioOwner
from chalicelib import aws
from chalicelib.owners import directory, pins, usage
from chalicelib.owners.model import Owner


def environment(scenario: Scenario) -> dict[str, str]:
    """What the SMA handler gets from Terraform for the scenario's directory (none: {})."""
    return owner_environment() if scenario.owners else {}


def provision(scenario: Scenario, *, now: float) -> None:
    """Create the tables (when missing), write the owners (PINs hashed) and the counts of the
    day of ``now`` (epoch seconds of the simulated call)."""
    if not scenario.owners:
        return
    env = provision_owners(aws.client, [_owner(o) for o in scenario.owners])
    store = usage.UsageStore(env[usage.TABLE_ENV])
    for owner in scenario.owners:
        for _ in range(owner.calls_today):
            store.reserve_call(owner.owner_id, call_limit=10_000, minute_limit=100_000, now=now)
    # Another scenario may have left answers for the same numbers in this process's cache.
    directory.CACHE.clear()


def _owner(spec: ScenarioOwner) -> Owner:
    return Owner(
        owner_id=spec.owner_id,
        owner_numbers=spec.numbers,
        sma_number=spec.sma_number,
        display_name=spec.owner_id.title(),
        pin_hash=pins.hash_pin(spec.pin) if spec.pin else "",
        allowed_prefixes=spec.allowed_prefixes,
        daily_call_limit=spec.daily_call_limit,
        daily_minute_limit=spec.daily_minute_limit,
    )
