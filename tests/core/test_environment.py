from __future__ import annotations

import os

import pytest

from callrec import environment


def test_preserved_restores_a_changed_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLREC_TEST_ENV", "before")
    with environment.preserved(["CALLREC_TEST_ENV"]):
        os.environ["CALLREC_TEST_ENV"] = "during"
    assert os.environ["CALLREC_TEST_ENV"] == "before"


def test_preserved_unsets_a_variable_that_was_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CALLREC_TEST_ENV", raising=False)
    with environment.preserved(["CALLREC_TEST_ENV"]):
        os.environ["CALLREC_TEST_ENV"] = "during"
    assert "CALLREC_TEST_ENV" not in os.environ


def test_preserved_restores_when_the_block_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLREC_TEST_ENV", "before")
    with pytest.raises(RuntimeError), environment.preserved(["CALLREC_TEST_ENV"]):
        os.environ.pop("CALLREC_TEST_ENV")
        raise RuntimeError("boom")
    assert os.environ["CALLREC_TEST_ENV"] == "before"
