"""The SMA function's cold start: importing the app and a first invocation that writes no call
record load none of boto3, docx, matplotlib or numpy (checked in a fresh interpreter)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

EVENTS = Path(__file__).resolve().parent.parent / "events" / "sma"
CHALICE_APP = Path(__file__).resolve().parent.parent.parent / "chalice_app"
HEAVY = ("boto3", "botocore", "docx", "matplotlib", "numpy")

PROBE = """
import json, sys
import app
after_import = sorted(m for m in {heavy} if m in sys.modules)
event = json.load(open({event!r}))
response = app.sma_handler(event, None)
after_call = sorted(m for m in {heavy} if m in sys.modules)
actions = len(response["Actions"])
print(json.dumps({{"import": after_import, "call": after_call, "actions": actions}}))
"""


def probe(event_name: str) -> dict[str, object]:
    code = PROBE.format(heavy=HEAVY, event=str(EVENTS / f"{event_name}.json"))
    env = {k: v for k, v in os.environ.items() if k != "CALL_RECORDS_TABLE"}
    env.update(OWNER_PHONE_NUMBER="+15555550100", RECORDINGS_BUCKET="r", PROMPTS_BUCKET="p")
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=CHALICE_APP,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_importing_the_app_loads_no_heavy_module() -> None:
    assert probe("ringing")["import"] == []


def test_first_invocation_without_a_record_write_loads_no_heavy_module() -> None:
    result = probe("new_inbound_call_from_owner")  # CALL_RECORDS_TABLE unset: no write
    assert result["actions"] == 1
    assert result["call"] == []
