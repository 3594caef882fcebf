from __future__ import annotations

import pytest

from chalicelib.owners.usage import LockoutPolicy, UsageStore, day_of

pytestmark = pytest.mark.usefixtures("tables")

NOON = 1_764_590_400.0  # 2025-12-01T12:00:00Z
POLICY = LockoutPolicy(failures=3, window_seconds=600, lock_seconds=1800)


def reserve(store: UsageStore, *, calls: int = 2, minutes: int = 10, now: float = NOON) -> bool:
    return store.reserve_call("alice", call_limit=calls, minute_limit=minutes, now=now)


def test_calls_are_counted_up_to_the_daily_limit() -> None:
    store = UsageStore()
    assert [reserve(store) for _ in range(3)] == [True, True, False]


def test_the_limit_is_per_utc_day() -> None:
    store = UsageStore()
    reserve(store, calls=1)
    assert not reserve(store, calls=1)
    assert reserve(store, calls=1, now=NOON + 86400)
    assert day_of(NOON) == "2025-12-01"


def test_the_limit_is_per_owner() -> None:
    store = UsageStore()
    reserve(store, calls=1)
    assert store.reserve_call("bob", call_limit=1, minute_limit=10, now=NOON)


def test_minutes_talked_stop_new_calls() -> None:
    store = UsageStore()
    assert reserve(store, calls=10, minutes=1)
    store.add_call_seconds("alice", 60, started=NOON)
    assert not reserve(store, calls=10, minutes=1)


def test_minutes_under_the_limit_allow_calls() -> None:
    store = UsageStore()
    store.add_call_seconds("alice", 59, started=NOON)
    assert reserve(store, calls=10, minutes=1)


def test_a_zero_limit_disables_dial_out() -> None:
    assert not reserve(UsageStore(), calls=0)


def test_pin_failures_under_the_threshold_do_not_lock() -> None:
    store = UsageStore()
    assert store.record_pin_failure("alice", POLICY, now=NOON) is None
    assert store.record_pin_failure("alice", POLICY, now=NOON + 1) is None
    assert store.locked_until("alice", now=NOON + 2) is None


def test_the_nth_failure_in_the_window_locks_for_the_configured_time() -> None:
    store = UsageStore()
    for i in range(2):
        store.record_pin_failure("alice", POLICY, now=NOON + i)
    until = store.record_pin_failure("alice", POLICY, now=NOON + 2)
    assert until == NOON + 2 + 1800
    assert store.locked_until("alice", now=NOON + 3) == until
    assert store.locked_until("alice", now=until + 1) is None


def test_failures_outside_the_rolling_window_do_not_count() -> None:
    store = UsageStore()
    store.record_pin_failure("alice", POLICY, now=NOON)
    store.record_pin_failure("alice", POLICY, now=NOON + 1)
    assert store.record_pin_failure("alice", POLICY, now=NOON + 601) is None


def test_the_lockout_is_per_owner() -> None:
    store = UsageStore()
    for i in range(3):
        store.record_pin_failure("alice", POLICY, now=NOON + i)
    assert store.locked_until("bob", now=NOON + 3) is None


def test_lockout_policy_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIN_LOCKOUT_FAILURES", "4")
    monkeypatch.setenv("PIN_LOCKOUT_WINDOW_SECONDS", "60")
    monkeypatch.setenv("PIN_LOCKOUT_SECONDS", "120")
    assert LockoutPolicy.from_env() == LockoutPolicy(4, 60, 120)
    assert LockoutPolicy() == LockoutPolicy(5, 900, 3600)


def test_without_a_usage_table_limits_are_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OWNER_USAGE_TABLE")
    assert UsageStore.configured() is None
