from __future__ import annotations

import io
import json
import logging

import pytest

from callrec import cli
from callrec.commands import owners as command
from chalicelib.owners import pins
from chalicelib.owners.directory import OwnerDirectory
from tests.owners.conftest import TEST_COST, throttled

pytestmark = pytest.mark.usefixtures("tables")

ADD = ["owners", "add", "alice", "--number", "+12065550101", "--sma-number", "+12065550199"]


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    real = pins.hash_pin
    monkeypatch.setattr(pins, "hash_pin", lambda pin, cost=TEST_COST: real(pin, TEST_COST))


def stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_add_with_a_pin_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin(monkeypatch, "482159\n")
    assert cli.main([*ADD, "--pin-stdin", "--name", "Alice", "--allow", "+1"]) == 0
    stored = OwnerDirectory().get("alice")
    assert stored is not None
    assert pins.verify_pin("482159", stored.pin_hash)
    assert (stored.display_name, stored.allowed_prefixes) == ("Alice", ("+1",))


def test_add_asks_twice_on_a_prompt(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["4821", "4821"])
    monkeypatch.setattr(command.getpass, "getpass", lambda _prompt: next(answers))
    assert cli.main(ADD) == 0
    stored = OwnerDirectory().get("alice")
    assert stored is not None and pins.verify_pin("4821", stored.pin_hash)


def test_two_different_pins_on_the_prompt_are_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(["4821", "4812"])
    monkeypatch.setattr(command.getpass, "getpass", lambda _prompt: next(answers))
    assert cli.main(ADD) == 2
    assert "the two PINs differ" in capsys.readouterr().err
    assert OwnerDirectory().get("alice") is None


def test_the_pin_is_never_printed_or_logged(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    stdin(monkeypatch, "907531\n")
    cli.main([*ADD, "--pin-stdin"])
    stdin(monkeypatch, "135790\n")
    cli.main(["owners", "set-pin", "alice", "--pin-stdin"])
    cli.main(["owners", "list", "--json"])
    out = capsys.readouterr()
    for pin in ("907531", "135790"):
        assert pin not in out.out + out.err + caplog.text


def test_the_pin_is_not_an_argument() -> None:
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args([*ADD, "--pin", "1234"])


def test_a_bad_pin_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin(monkeypatch, "12\n")
    assert cli.main([*ADD, "--pin-stdin"]) == 2
    assert "a PIN must be 4 to 12 digits" in capsys.readouterr().err


def test_a_bad_owner_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([*ADD[:-1], "206", "--no-pin"]) == 2
    assert "not E.164" in capsys.readouterr().err


def test_add_without_pin(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([*ADD, "--no-pin"]) == 0
    assert "no PIN" in capsys.readouterr().out
    stored = OwnerDirectory().get("alice")
    assert stored is not None and not stored.has_pin


def test_list_shows_pin_state_not_hash(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin(monkeypatch, "4821\n")
    cli.main([*ADD, "--pin-stdin"])
    capsys.readouterr()
    assert cli.main(["owners", "list", "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert (listed["owner_id"], listed["pin"], listed["allowed_prefixes"]) == (
        "alice",
        "set",
        ["+1"],
    )
    assert "scrypt" not in json.dumps(listed)


def test_set_pin_on_an_unknown_owner_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin(monkeypatch, "4821\n")
    assert cli.main(["owners", "set-pin", "nobody", "--pin-stdin"]) == 1
    assert "no owner 'nobody'" in capsys.readouterr().err


def test_remove(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main([*ADD, "--no-pin"])
    assert cli.main(["owners", "remove", "alice"]) == 0
    assert OwnerDirectory().get("alice") is None
    assert cli.main(["owners", "remove", "alice"]) == 1


def test_no_table_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("OWNER_DIRECTORY_TABLE")
    assert cli.main(["owners", "list"]) == 2
    assert "no owner directory table given" in capsys.readouterr().err


def test_a_throttled_directory_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with throttled("scan"):
        assert cli.main(["owners", "list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("callrec owners: error: DynamoDB scan on test-owner-directory failed")
    assert "transiently" in err and "try again shortly" in err
    assert len(err.splitlines()) == 1


def test_hash_pin_prints_a_verifiable_hash(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin(monkeypatch, "4821\n")
    assert cli.main(["owners", "hash-pin", "--pin-stdin"]) == 0
    assert pins.verify_pin("4821", capsys.readouterr().out.strip())
