"""The real Call Analytics fixture, and a synthetic long call from bench/ (one generator)."""

from __future__ import annotations

import copy
import importlib
import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# The moto-backed bucket/table and the Transcribe stubber, shared with the transcription tests.
stack = importlib.import_module("tests.transcription.conftest").stack

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "transcribe" / "example-call.json"


@pytest.fixture(scope="session")
def _example() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(FIXTURE.read_text())
    return document


@pytest.fixture
def example(_example: dict[str, Any]) -> dict[str, Any]:
    """A fresh copy of the real output file (tests may strip sections from it)."""
    return copy.deepcopy(_example)


@pytest.fixture(scope="session")
def synthetic_call() -> Callable[..., dict[str, Any]]:
    spec = importlib.util.spec_from_file_location(
        "bench_synthetic_call", ROOT / "bench" / "synthetic_call.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    generate: Callable[..., dict[str, Any]] = module.generate
    return generate
