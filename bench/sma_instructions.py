"""Instructions per SMA invocation, ours and the reference's, counted by valgrind's callgrind: a
figure that does not move with the load of a shared machine, where bench/sma.py's wall times can
vary several-fold between runs. ``make bench`` runs it last (about two minutes); on its own,
``python -m bench.sma_instructions``, when comparing two versions of the hot path.

The floor (bench/sma_floor.py) is counted beside them. Storage is stubbed as in bench/sma.py; the
same dial-out and inbound events are answered ``ROUNDS`` times; the count of a run that answers
them zero times (imports, warm-up) is subtracted, so what is left is the invocations alone.

It also counts the cold path of bench/sma.py (a fresh process importing the handler and
answering its first NEW_INBOUND_CALL, with call records on and bytecode compiled). The wall time
there also holds the kernel's share, which instruction counts leave out: on CPython 3.11 a deep
call that crosses the end of the interpreter's 16 KiB frame-stack chunk maps and unmaps a chunk
each time, and where botocore's client set-up sits against that boundary depends on how deep the
caller's stack is; a difference of a few frames moved thousands of mmap/munmap pairs (strace)
in or out of either handler's first answer.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROUNDS = 400  # the zero-round run moves by ~5M instructions between runs: +-1k per invocation
HERE = Path(__file__).resolve().parent


def answer_rounds(which: str, rounds: int) -> None:
    """The child process: answer the bench's events ``rounds`` times with one handler."""
    from bench import sma

    os.environ.update(sma.ENV)
    ours, _, _ = sma.meters(stub=True)
    import bench.sma_floor as floor
    import bench.sma_reference as reference

    handlers = {"ours": ours.handler, "reference": reference.handler, "floor": floor.handler}
    handler: Any = handlers[which]
    events = []
    for names in (sma.DIAL_OUT, sma.INBOUND):
        attributes: dict[str, str] = {}
        for name in names:
            event = copy.deepcopy(sma.load(name))
            if attributes:
                event["CallDetails"]["TransactionAttributes"] = dict(attributes)
            attributes.update(handler(event).get("TransactionAttributes") or {})
            events.append(event)
    for _ in range(rounds):
        for event in events:
            handler(event)


def instructions(which: str, rounds: int) -> int:
    command = [sys.executable, "-m", "bench.sma_instructions", which, str(rounds)]
    return _callgrind(command, dict(os.environ), None)


def _callgrind(command: list[str], env: dict[str, str], stdin: str | None) -> int:
    """Instructions ``command`` executes, as callgrind counts them."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        input=stdin,
        cwd=HERE.parent,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise RuntimeError(f"no callgrind total in: {done.stderr[-500:]}")
    return int(found.group(1))


def main() -> int:
    if len(sys.argv) == 3:
        answer_rounds(sys.argv[1], int(sys.argv[2]))
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: no instruction counts")
        return 1
    from bench.sma import DIAL_OUT, INBOUND

    invocations = ROUNDS * (len(DIAL_OUT) + len(INBOUND))
    # Once outside valgrind first, so every pyc is written: a missing or stale pyc would be
    # compiled in the first counted run (the ROUNDS one) and land in the per-invocation figure
    # (a fresh worktree counted sma_handler at 707k instead of ~215k; an edited floor +57k).
    for which in ("ours", "reference", "floor"):
        subprocess.run(
            [sys.executable, "-m", "bench.sma_instructions", which, "1"],
            cwd=HERE.parent,
            check=True,
        )
    counts = {}
    for which in ("ours", "reference", "floor"):
        counts[which] = (instructions(which, ROUNDS) - instructions(which, 0)) // invocations
        print(f"   {which:<10} {counts[which]:>9,} instructions per invocation (callgrind)")
    print(f"   ratio      {counts['ours'] / counts['reference']:5.2f}x")
    print(f"   floor      {counts['floor'] / counts['reference']:5.2f}x the reference")
    cold_instructions()
    return 0


def cold_instructions() -> None:
    """bench/sma.py's cold path, counted: the same environment, bytecode and fake DynamoDB."""
    import http.server
    import json
    import tempfile
    import threading

    from bench import sma

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), sma._FakeDynamo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    event = json.dumps(sma.load("new_inbound_call_from_owner"))
    counts = {}
    try:
        with tempfile.TemporaryDirectory(prefix="callrec-bench-pyc-") as pycache:
            env = sma._cold_environment(server.server_port, pycache)
            for name, code in zip(("bare", "ours", "reference"), sma.COLD_CODES, strict=True):
                command = [sys.executable, "-c", code]
                # Once outside valgrind first, so every pyc is written, as in bench/sma.py.
                subprocess.run(
                    command, input=event, text=True, env=env, cwd=HERE.parent, check=True
                )
                counts[name] = _callgrind(command, env, event)
    finally:
        server.shutdown()
    print("-- cold path (bench/sma.py's), instructions of the whole process (callgrind)")
    for name, count in counts.items():
        print(f"   {name:<10} {count / 1e6:9.1f} M")
    print(f"   ratio      {counts['ours'] / counts['reference']:5.2f}x  (target <= 1.0x)")


if __name__ == "__main__":
    sys.exit(main())
