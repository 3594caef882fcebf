"""The SMA function's cold start: importing the app and a first invocation that writes no call
record load none of boto3, docx, matplotlib or numpy; one that writes the record loads botocore
but never boto3, nor the modules of the later transitions (checked in a fresh interpreter)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

EVENTS = Path(__file__).resolve().parent.parent / "events" / "sma"
CHALICE_APP = Path(__file__).resolve().parent.parent.parent / "chalice_app"
HEAVY = ("boto3", "botocore", "docx", "matplotlib", "numpy")
# Needed by a PIN, a dial-out or a security event, not by the first answer of a call.
LATER = (
    "chalicelib.owners.pins",
    "chalicelib.owners.usage",
    "chalicelib.owners.dial_out",
    "chalicelib.owners.security_events",
    "chalicelib.recording_keys",
)

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


def probe(event_name: str, modules: tuple[str, ...] = HEAVY, **extra_env: str) -> dict[str, object]:
    code = PROBE.format(heavy=modules, event=str(EVENTS / f"{event_name}.json"))
    env = {k: v for k, v in os.environ.items() if k != "CALL_RECORDS_TABLE"}
    env.update(OWNER_PHONE_NUMBER="+15555550100", RECORDINGS_BUCKET="r", PROMPTS_BUCKET="p")
    env.update(extra_env)
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


def test_a_first_invocation_that_writes_the_record_loads_botocore_but_not_boto3() -> None:
    # Nothing listens on port 9: the write fails (logged), the call goes on.
    result = probe(
        "new_inbound_call_from_owner",
        CALL_RECORDS_TABLE="calls",
        AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:9",
        AWS_MAX_ATTEMPTS="1",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
    )
    assert result["actions"] == 1
    assert result["call"] == ["botocore"]


def test_the_first_answer_loads_none_of_the_later_transitions_modules() -> None:
    result = probe("new_inbound_call_from_owner", LATER)
    assert result["actions"] == 1
    assert result["call"] == []
