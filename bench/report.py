"""Report rendering benchmark: generated Call Analytics outputs of 300 and 3,000 turns to .docx.

Each call is generated first, with many interruptions and silences, then a fresh process imports
the renderer, reads the JSON and renders the Word report (charts included), as the report Lambda
would on a cold start. Printed per call: CPU seconds (less sensitive to other load on a shared
machine than wall time), wall seconds and the peak RSS of that process; then the ratio of the
3,000-turn CPU time to the 300-turn one, which stays near 10 when cost grows with turns and no
faster. Targets for the 3,000-turn call: <= 1.5 s CPU, <= 150 MB peak RSS; ratio <= 10.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_CPU_S = 1.5
TARGET_RSS_MB = 150.0
TARGET_RATIO = 10.0
CALLS = ((300, 720), (3000, 7200))  # (turns, seconds): a 12-minute and a 2-hour call


def measure(path: Path) -> dict[str, float]:
    """Render ``path`` in this process; CPU and wall seconds and peak RSS (this process only)."""
    started = time.perf_counter()
    sys.path.insert(0, str(ROOT / "chalice_app"))
    from chalicelib.report import docx_report, model  # noqa: F401  (import cost is measured)
    from chalicelib.report.render import parse_document, render

    data = render(parse_document(path.read_bytes()))
    finished = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "wall_s": finished - started,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "docx_kb": len(data) / 1024,
    }


def run_one(turns: int, seconds: int) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    from bench.synthetic_call import generate

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "call.json"
        source.write_text(json.dumps(generate(seconds, turns)))
        done = subprocess.run(
            [sys.executable, "-m", "bench.report", "--measure", str(source)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    results = {turns: run_one(turns, seconds) for turns, seconds in CALLS}
    for (turns, seconds), result in zip(CALLS, results.values(), strict=True):
        print(
            f"report: {turns:>5} turns, {seconds / 60:>4.0f} min call -> "
            f"{result['docx_kb']:.0f} KB docx: {result['cpu_s']:.2f} s CPU, "
            f"{result['wall_s']:.2f} s wall, peak RSS {result['peak_rss_mb']:.0f} MB"
        )
    small, large = results[CALLS[0][0]], results[CALLS[1][0]]
    ratio = large["cpu_s"] / small["cpu_s"]
    met = (
        large["cpu_s"] <= TARGET_CPU_S
        and large["peak_rss_mb"] <= TARGET_RSS_MB
        and ratio <= TARGET_RATIO
    )
    print(
        f"  3,000 turns: {large['cpu_s']:.2f} s CPU (target <= {TARGET_CPU_S} s), "
        f"{large['peak_rss_mb']:.0f} MB (target <= {TARGET_RSS_MB:.0f} MB); "
        f"CPU ratio 3,000/300 = {ratio:.1f} (target <= {TARGET_RATIO:.0f}); "
        f"load average {os.getloadavg()[0]:.1f}\n"
        f"  {'targets met' if met else 'TARGETS MISSED'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
