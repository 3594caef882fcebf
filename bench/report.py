"""Report rendering benchmark: a generated 2-hour, 3,000-turn Call Analytics output to .docx.

The document is generated first, then a fresh process imports the renderer, reads the JSON and
renders the Word report (charts included), as the report Lambda would on a cold start. Printed:
wall seconds (import, render, total), CPU seconds (less sensitive to other load on a shared
machine) and peak RSS of that process. Targets: <= 3 s, <= 300 MB.
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
TARGET_SECONDS = 3.0
TARGET_RSS_MB = 300.0


def measure(path: Path) -> dict[str, float]:
    """Render ``path`` in this process; seconds and peak RSS (this process only)."""
    started = time.perf_counter()
    sys.path.insert(0, str(ROOT / "chalice_app"))
    from chalicelib.report import docx_report, model  # noqa: F401  (import cost is measured)
    from chalicelib.report.render import parse_document, render

    imported = time.perf_counter()
    data = render(parse_document(path.read_bytes()))
    finished = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "import_s": imported - started,
        "render_s": finished - imported,
        "total_s": finished - started,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "docx_kb": len(data) / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report")
    parser.add_argument("--seconds", type=int, default=7200, help="call length (default 2 h)")
    parser.add_argument("--turns", type=int, default=3000, help="conversation turns")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    sys.path.insert(0, str(ROOT))
    from bench.synthetic_call import generate

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "call.json"
        source.write_text(json.dumps(generate(args.seconds, args.turns)))
        size_mb = source.stat().st_size / 1e6
        done = subprocess.run(
            [sys.executable, "-m", "bench.report", "--measure", str(source)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    result = json.loads(done.stdout)
    met = result["total_s"] <= TARGET_SECONDS and result["peak_rss_mb"] <= TARGET_RSS_MB
    print(
        f"report: {args.turns} turns, {args.seconds / 3600:.1f} h call, {size_mb:.1f} MB JSON -> "
        f"{result['docx_kb']:.0f} KB docx\n"
        f"  import {result['import_s']:.2f} s + render {result['render_s']:.2f} s = "
        f"{result['total_s']:.2f} s wall (target <= {TARGET_SECONDS:.0f} s), "
        f"{result['cpu_s']:.2f} s CPU, load average {os.getloadavg()[0]:.1f}\n"
        f"  peak RSS {result['peak_rss_mb']:.0f} MB (target <= {TARGET_RSS_MB:.0f} MB)\n"
        f"  {'targets met' if met else 'TARGETS MISSED'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
