"""What a built (non-editable) wheel carries, and what the local stack needs from the checkout."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

from callrec.local import definitions

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "scripts" / "callrec"


def test_every_data_file_of_the_callrec_package_is_declared_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["callrec"]
    data = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
    ]
    assert any(name.startswith("local/clips/") for name in data)
    assert "local/scenarios/demo-call.yaml" in data
    undeclared = [name for name in data if not any(fnmatch(name, p) for p in patterns)]
    assert not undeclared, f"add to [tool.setuptools.package-data]: {undeclared}"


def test_without_the_checkout_the_local_stack_says_what_is_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(definitions, "MODULES_DIR", tmp_path / "infra" / "modules")
    with pytest.raises(definitions.DefinitionError, match="needs the repository checkout") as error:
        definitions.load("111122223333", "us-east-1", "sma-x")
    assert str(tmp_path / "infra" / "modules") in str(error.value)


def test_the_checkout_is_found_from_the_package() -> None:
    definitions.require_checkout()
