"""app.py leaves the media insights functions out when the stage says the path is disabled."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

APP_DIR = Path(__file__).resolve().parents[2] / "chalice_app"
MEDIA_INSIGHTS = {
    "media_insights_streaming_status",
    "media_insights_state_change",
    "media_insights_recording_metadata",
    "stop_media_insights_pipeline",
}
# What Chalice deploys: every registered function (pure and event-driven), by name.
LIST_FUNCTIONS = (
    "import json, app; a = app.app; "
    "print(json.dumps(sorted([f.name for f in a.pure_lambda_functions] "
    "+ [s.name for s in a.event_sources])))"
)


def _registered(switch: str | None) -> set[str]:
    env = {k: v for k, v in os.environ.items() if k != "MEDIA_INSIGHTS_FUNCTIONS"}
    if switch is not None:
        env["MEDIA_INSIGHTS_FUNCTIONS"] = switch
    done = subprocess.run(
        [sys.executable, "-c", LIST_FUNCTIONS],
        cwd=APP_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(done.stdout))


def test_by_default_the_media_insights_functions_are_deployed() -> None:
    assert _registered(None) >= MEDIA_INSIGHTS


def test_disabled_leaves_them_out_and_keeps_the_core_functions() -> None:
    registered = _registered("disabled")
    assert not registered & MEDIA_INSIGHTS
    assert {"sma_handler", "start_transcription", "render_report"} <= registered
