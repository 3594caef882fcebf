"""Ctrl-C during `callrec demo` tears everything down: exit 130 and the ports are free again."""

from __future__ import annotations

import os
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
    # Nothing of the demo listens any more: neither it nor a process it started (whose command
    # line names its --out folder). Not "nothing listens": another test's server may since have
    # been given the same ephemeral port.
    for port in ports:
        leftovers = [pid for pid in _listening_pids(port) if str(tmp_path) in _command_line(pid)]
        assert leftovers == [], f"port {port} still served by {leftovers}"


def test_listening_pids_finds_the_process_serving_a_port() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        assert os.getpid() in _listening_pids(port)
    assert os.getpid() not in _listening_pids(port)


def _listening_pids(port: int) -> set[int]:
    """The processes with a TCP socket listening on ``port`` (Linux /proc)."""
    inodes = set()
    for table in (Path("/proc/net/tcp"), Path("/proc/net/tcp6")):
        if not table.exists():
            continue
        for row in table.read_text().splitlines()[1:]:
            fields = row.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(f"socket:[{inode}]")
    pids = set()
    for fd in Path("/proc").glob("[0-9]*/fd/*"):
        try:
            if str(fd.readlink()) in inodes:
                pids.add(int(fd.parts[2]))
        except OSError:  # gone, or not ours to read
            continue
    return pids


def _command_line(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""
