"""`callrec console` as a command (bad input is one line and exit 2), and `callrec demo`'s
closing line pointing at it."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from callrec.cli import main
from callrec.local import demo


def test_a_port_out_of_range_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["console", "--port", "70000"]) == 2
    assert "--port 70000 is not a port" in capsys.readouterr().err


@pytest.mark.slow
def test_a_taken_port_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["console", "--port", str(port), "--out", str(tmp_path)])
    assert code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_the_demo_ends_by_saying_how_to_open_the_console(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def finished(options: Any, progress: Any) -> demo.DemoResult:
        return demo.DemoResult(recording=tmp_path / "call.wav", notification="Call report")

    monkeypatch.setattr(demo, "run", finished)
    assert main(["demo", "--out", str(tmp_path)]) == 0
    assert "callrec console" in capsys.readouterr().out.rstrip().splitlines()[-1]
