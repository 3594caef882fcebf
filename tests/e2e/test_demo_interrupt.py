"""Ctrl-C during `callrec demo` tears everything down: exit 130 and the ports are free again."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


# After set-up, and while the Transcribe emulator's decoder processes run (right after the
# recording stage, the transcription job is being decoded).
@pytest.mark.parametrize("interrupt_after", ["[setup]", "[recording]"])
def test_ctrl_c_stops_the_stack_and_frees_the_ports(tmp_path: Path, interrupt_after: str) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "callrec.cli", "demo", "--out", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,  # the stage progress lines
        text=True,
    )
    assert process.stderr is not None
    line, ports = "", []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not line.startswith(interrupt_after):
        line = process.stderr.readline()
        ports += [int(p) for p in re.findall(r"127\.0\.0\.1:(\d+)", line)]
    assert len(ports) == 2, line
    process.send_signal(signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr
    for port in ports:
        with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
