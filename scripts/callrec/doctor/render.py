"""The doctor's report: one line per check (text) or one document (JSON)."""

from __future__ import annotations

import json
from collections import Counter

from callrec.doctor.results import CheckResult, Status
from callrec.terminal import paint

WIDTH = max(len(s.value) for s in Status)
# Colour on a terminal only (callrec.terminal: never with NO_COLOR, never into a pipe).
COLOURS = {Status.OK: "green", Status.FAIL: "red"}


def text(results: list[CheckResult], source: str) -> str:
    lines = [f"callrec doctor: {source}"]
    for result in results:
        status = paint(f"{result.status.value:<{WIDTH}}", COLOURS.get(result.status, "yellow"))
        line = f"{status}  {result.check}: {result.message}"
        lines.append(f"{line} -> {result.fix}" if result.fix else line)
    counts = Counter(r.status for r in results)
    lines.append(", ".join(f"{counts[s]} {s.value}" for s in Status))
    return "\n".join(lines) + "\n"


def json_report(results: list[CheckResult], source: str) -> str:
    document = {
        "source": source,
        "ok": not any(r.status is Status.FAIL for r in results),
        "checks": [r.to_dict() for r in results],
    }
    return json.dumps(document, indent=2) + "\n"
