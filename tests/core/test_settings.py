from __future__ import annotations

import pytest

from chalicelib import settings
from chalicelib.errors import ConfigurationError


def test_require_returns_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLREC_TEST_NAME", " value ")
    assert settings.require("CALLREC_TEST_NAME") == "value"


def test_require_names_the_missing_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CALLREC_TEST_NAME", raising=False)
    with pytest.raises(ConfigurationError, match="CALLREC_TEST_NAME is not set"):
        settings.require("CALLREC_TEST_NAME")


def test_optional_falls_back_on_blank(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLREC_TEST_NAME", "   ")
    assert settings.optional("CALLREC_TEST_NAME", "fallback") == "fallback"


def test_integer_parses_within_range(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLREC_TEST_INT", "42")
    assert settings.integer("CALLREC_TEST_INT", 1, minimum=1, maximum=100) == 42


def test_integer_rejects_out_of_range(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLREC_TEST_INT", "0")
    with pytest.raises(ConfigurationError, match="out of range"):
        settings.integer("CALLREC_TEST_INT", 1, minimum=1)


def test_integer_rejects_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLREC_TEST_INT", "ten")
    with pytest.raises(ConfigurationError, match="not an integer"):
        settings.integer("CALLREC_TEST_INT", 1)


@pytest.mark.parametrize(("raw", "expected"), [("yes", True), ("OFF", False), ("1", True)])
def test_flag_reads_booleans(monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool) -> None:
    monkeypatch.setenv("CALLREC_TEST_FLAG", raw)
    assert settings.flag("CALLREC_TEST_FLAG") is expected


def test_flag_rejects_other_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLREC_TEST_FLAG", "maybe")
    with pytest.raises(ConfigurationError, match="not a boolean"):
        settings.flag("CALLREC_TEST_FLAG")


def test_a_changed_value_is_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLREC_TEST_NAME", "first")
    assert settings.optional("CALLREC_TEST_NAME") == "first"
    monkeypatch.setenv("CALLREC_TEST_NAME", "second")
    assert settings.optional("CALLREC_TEST_NAME") == "second"


def test_a_removed_value_reads_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLREC_TEST_NAME", "set")
    assert settings.optional("CALLREC_TEST_NAME", "fallback") == "set"
    monkeypatch.delenv("CALLREC_TEST_NAME")
    assert settings.optional("CALLREC_TEST_NAME", "fallback") == "fallback"


def test_non_ascii_values_read_as_os_environ_gives_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLREC_TEST_NAME", "Zoë ☎")
    assert settings.optional("CALLREC_TEST_NAME") == "Zoë ☎"
