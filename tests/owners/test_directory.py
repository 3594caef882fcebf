from __future__ import annotations

from typing import Any

import pytest

from chalicelib import aws
from chalicelib.errors import StorageError, TransientAwsError
from chalicelib.owners import directory
from chalicelib.owners.directory import OwnerDirectory, owner_for_number
from chalicelib.owners.model import InvalidOwnerError
from tests.owners.conftest import DIRECTORY, THROTTLED, owner, throttled

pytestmark = pytest.mark.usefixtures("tables")


def test_find_by_sma_number() -> None:
    OwnerDirectory().put(owner("alice"))
    OwnerDirectory().put(owner("bob", owner_numbers=("+12065550102",), sma_number="+12065550198"))
    found = OwnerDirectory().find_by_sma_number("+12065550198")
    assert found is not None and found.owner_id == "bob"


def test_an_unassigned_number_has_no_owner() -> None:
    OwnerDirectory().put(owner("alice"))
    assert OwnerDirectory().find_by_sma_number("+12065550000") is None


def test_find_by_console_username() -> None:
    OwnerDirectory().put(owner("alice", console_username="alice@example.com"))
    found = OwnerDirectory().find_by_console_username("alice@example.com")
    assert found is not None and found.owner_id == "alice"


def test_an_owner_id_is_added_once() -> None:
    OwnerDirectory().put(owner("alice"))
    with pytest.raises(InvalidOwnerError, match="already exists"):
        OwnerDirectory().put(owner("alice", sma_number="+12065550197"))


def test_an_sma_number_belongs_to_one_owner() -> None:
    OwnerDirectory().put(owner("alice"))
    with pytest.raises(InvalidOwnerError, match="already assigned to owner 'alice'"):
        OwnerDirectory().put(owner("bob", owner_numbers=("+12065550102",)))


def test_two_items_with_one_sma_number_are_refused_on_read() -> None:
    for owner_id in ("alice", "bob"):
        aws.client("dynamodb").put_item(TableName=DIRECTORY, Item=owner(owner_id).to_item())
    with pytest.raises(InvalidOwnerError, match="more than one owner"):
        OwnerDirectory().find_by_sma_number("+12065550199")


def test_set_pin_hash_and_remove() -> None:
    table = OwnerDirectory()
    table.put(owner("alice"))
    stored = "scrypt$16$1$1$c2FsdA$ZGlnZXN0"
    assert table.set_pin_hash("alice", stored)
    assert table.get("alice") == owner("alice", pin_hash=stored)
    assert table.remove("alice")
    assert table.get("alice") is None


def test_set_pin_on_a_missing_owner_creates_nothing() -> None:
    assert not OwnerDirectory().set_pin_hash("nobody", "scrypt$16$1$1$c2FsdA$ZGlnZXN0")
    assert OwnerDirectory().get("nobody") is None
    assert not OwnerDirectory().remove("nobody")


def test_owners_lists_every_page(monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(3):
        OwnerDirectory().put(owner(f"o{i}", sma_number=f"+1206555019{i}"))
    real = aws.client("dynamodb").scan
    pages: list[dict[str, Any]] = []

    def one_at_a_time(**params: Any) -> Any:
        pages.append(params)
        return real(**params, Limit=1)

    monkeypatch.setattr(aws.client("dynamodb"), "scan", one_at_a_time)
    assert sorted(o.owner_id for o in OwnerDirectory().owners()) == ["o0", "o1", "o2"]
    assert len(pages) >= 3


def test_a_missing_table_is_a_storage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(directory.TABLE_ENV, "no-such-table")
    with pytest.raises(StorageError, match="OWNER_DIRECTORY_TABLE"):
        owner_for_number("+12065550199")


def test_a_throttled_read_is_transient() -> None:
    with throttled("query"), pytest.raises(TransientAwsError, match=THROTTLED):
        OwnerDirectory().find_by_console_username("alice@example.com")


def test_a_throttled_conditional_write_is_transient_not_a_failed_condition() -> None:
    with throttled("delete_item"), pytest.raises(TransientAwsError, match=THROTTLED):
        OwnerDirectory().remove("alice")


# --- the handler's read ---------------------------------------------------------------------


class CountingQueries:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        client = aws.client("dynamodb")
        real = client.query

        def counted(**params: Any) -> Any:
            self.count += 1
            return real(**params)

        monkeypatch.setattr(client, "query", counted)


def test_owner_for_number_reads_once_per_cache_period(monkeypatch: pytest.MonkeyPatch) -> None:
    OwnerDirectory().put(owner("alice"))
    queries = CountingQueries(monkeypatch)
    for _ in range(3):
        found = owner_for_number("+12065550199")
        assert found is not None and found.owner_id == "alice"
    assert queries.count == 1


def test_unknown_numbers_are_cached_too(monkeypatch: pytest.MonkeyPatch) -> None:
    queries = CountingQueries(monkeypatch)
    assert owner_for_number("+12065550000") is None
    assert owner_for_number("+12065550000") is None
    assert queries.count == 1


def test_the_cache_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(directory.CACHE, "clock", lambda: now[0])
    OwnerDirectory().put(owner("alice"))
    queries = CountingQueries(monkeypatch)
    owner_for_number("+12065550199")
    now[0] += directory.DEFAULT_CACHE_SECONDS + 1
    owner_for_number("+12065550199")
    assert queries.count == 2


def test_cache_seconds_zero_reads_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(directory.CACHE_ENV, "0")
    queries = CountingQueries(monkeypatch)
    owner_for_number("+12065550199")
    owner_for_number("+12065550199")
    assert queries.count == 2


def test_without_a_table_the_single_owner_is_a_directory_of_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(directory.TABLE_ENV)
    monkeypatch.setenv("OWNER_PHONE_NUMBER", "+12065550101")
    found = owner_for_number("+12065550150")
    assert found is not None
    assert (found.owner_id, found.owner_numbers, found.sma_number, found.has_pin) == (
        "default",
        ("+12065550101",),
        "+12065550150",
        False,
    )


def test_single_owner_takes_sma_number_and_pin_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(directory.TABLE_ENV)
    monkeypatch.setenv("OWNER_PHONE_NUMBER", "+12065550101")
    monkeypatch.setenv("SMA_PHONE_NUMBER", "+12065550177")
    monkeypatch.setenv("OWNER_PIN_HASH", "scrypt$16$1$1$c2FsdA$ZGlnZXN0")
    found = owner_for_number("+12065550150")
    assert found is not None
    assert (found.sma_number, found.pin_hash) == ("+12065550177", "scrypt$16$1$1$c2FsdA$ZGlnZXN0")


def test_every_setting_the_owners_code_reads_is_listed() -> None:
    from chalicelib import owners
    from chalicelib.owners import security_events, usage

    read = {
        directory.TABLE_ENV,
        directory.CACHE_ENV,
        directory.SINGLE_PIN_ENV,
        usage.TABLE_ENV,
        usage.LOCKOUT_FAILURES_ENV,
        usage.LOCKOUT_WINDOW_ENV,
        usage.LOCKOUT_SECONDS_ENV,
        security_events.BUS_ENV,
    }
    assert set(owners.ENVIRONMENT) == read
