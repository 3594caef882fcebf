"""Benchmark of `callrec demo`: seconds end to end after set-up, and the recogniser's real-time
factor (wall-clock decoding time of the Transcribe emulator / audio duration, both channels
decoded in parallel processes). Targets: demo <= 30 s after set-up, real-time factor <= 0.3."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

DEMO_TARGET_S = 30.0
RTF_TARGET = 0.3


def main() -> int:
    from callrec.local.demo import DemoOptions, run

    with tempfile.TemporaryDirectory(prefix="callrec-bench-") as out:
        result = run(DemoOptions(out_dir=Path(out)), progress=lambda line: None)
    setup = result.seconds["setup"]
    after_setup = result.seconds["total"] - setup
    rtf = result.decode_seconds / result.audio_seconds if result.audio_seconds else float("inf")
    print(f"cores available:            {os.cpu_count()}")
    print(f"demo set-up:                {setup:6.2f} s")
    for stage in ("call+recording", "transcription", "report"):
        print(f"  {stage:<24}{result.seconds.get(stage, 0.0):6.2f} s")
    print(f"demo after set-up:          {after_setup:6.2f} s   (target <= {DEMO_TARGET_S:.0f} s)")
    print(
        f"recogniser real-time factor {rtf:6.3f}     (target <= {RTF_TARGET}; "
        f"{result.decode_seconds:.2f} s for {result.audio_seconds:.1f} s of stereo audio)"
    )
    missed = after_setup > DEMO_TARGET_S or rtf > RTF_TARGET
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
