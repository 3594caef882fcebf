"""Instructions per SMA invocation, ours and the reference's, counted by valgrind's callgrind: a
figure that does not move with the load of a shared machine, where bench/sma.py's wall times can
vary several-fold between runs. Not part of ``make bench`` (it takes minutes); run it as
``python -m bench.sma_instructions`` when comparing two versions of the hot path.

Storage is stubbed as in bench/sma.py; the same dial-out and inbound events are answered
``ROUNDS`` times; the count of a run that answers them zero times (imports, warm-up) is
subtracted, so what is left is the invocations alone.
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

ROUNDS = 40
HERE = Path(__file__).resolve().parent


def answer_rounds(which: str, rounds: int) -> None:
    """The child process: answer the bench's events ``rounds`` times with one handler."""
    from bench import sma

    os.environ.update(sma.ENV)
    ours, _, _ = sma.meters(stub=True)
    import bench.sma_reference as reference

    handler: Any = ours.handler if which == "ours" else reference.handler
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
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-m",
            "bench.sma_instructions",
            which,
            str(rounds),
        ],
        cwd=HERE.parent,
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
    counts = {}
    for which in ("ours", "reference"):
        counts[which] = (instructions(which, ROUNDS) - instructions(which, 0)) // invocations
        print(f"   {which:<10} {counts[which]:>9,} instructions per invocation (callgrind)")
    print(f"   ratio      {counts['ours'] / counts['reference']:5.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
