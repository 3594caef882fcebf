"""Benchmark of `callrec demo`: seconds end to end after set-up, the recogniser's real-time factor
(wall-clock decoding time of the Transcribe emulator / audio duration, both channels decoded in
parallel processes), and the word error rate of the offline transcript against the scenario's
script on both recording paths, so recognition quality is a number we track.
Targets: demo <= 10 s after set-up, real-time factor <= 0.3. The WER has no target yet: it is
printed so that a change that makes recognition worse shows.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

DEMO_TARGET_S = 10.0
RTF_TARGET = 0.3


def _run(path: str) -> Any:
    from callrec.local.demo import DemoOptions
    from callrec.local.demo import run as run_sma

    runner: Callable[..., Any] = run_sma
    extra: dict[str, str] = {}
    if path == "media-insights":
        from callrec.local.media_insights_call import run as run_media_insights

        runner, extra = run_media_insights, {"file_format": "Wav"}
    with tempfile.TemporaryDirectory(prefix="callrec-bench-") as out:
        options = DemoOptions(out_dir=Path(out))
        result = runner(options, lambda line: None, **extra)
        document = json.loads(result.transcript.read_bytes()) if result.transcript else {}
    return result, options.scenario, document


def _wer(scenario: Path, document: dict[str, Any]) -> float:
    import yaml

    from callrec.local.transcribe.quality import script_words, transcript_words, word_error_rate

    script = yaml.safe_load(scenario.read_text()).get("utterances", [])
    return word_error_rate(script_words(script), transcript_words(document))


def main() -> int:
    result, scenario, document = _run("sma")
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
    print(f"word error rate, SMA path:  {_wer(scenario, document):6.1%}   ({scenario.name})")
    _, scenario, document = _run("media-insights")
    print(f"word error rate, media insights path: {_wer(scenario, document):6.1%}")
    missed = after_setup > DEMO_TARGET_S or rtf > RTF_TARGET
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
