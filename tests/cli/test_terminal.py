from __future__ import annotations

import io

import pytest

from callrec.terminal import colour_enabled, paint


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert paint("ok", "green", _Terminal()) == "\033[32mok\033[0m"


def test_no_colour_when_no_color_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert paint("ok", "green", _Terminal()) == "ok"


def test_no_colour_into_a_pipe_or_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert not colour_enabled(io.StringIO())
