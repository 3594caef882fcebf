"""The console stack leaves the process environment as it found it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from callrec.local.console import ConsoleOptions, ConsoleStack

pytestmark = pytest.mark.slow


def test_the_environment_is_restored_after_the_console(tmp_path: Path) -> None:
    before = dict(os.environ)
    options = ConsoleOptions(port=0, out_dir=tmp_path, calls_per_owner=(0, 0), live_hold_s=5)
    with ConsoleStack(options, progress=lambda line: None) as console:
        assert os.environ["CONSOLE_URL"] == console.url
    assert dict(os.environ) == before
