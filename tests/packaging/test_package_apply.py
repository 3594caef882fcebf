"""`callrec package --apply`: Terraform's convention — show the plan, ask, apply only on "yes"."""

from __future__ import annotations

import argparse
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from callrec.cli import main
from callrec.commands import package
from callrec.terraform.driver import PlanResult

PLAN_TEXT = "Plan: 3 to add, 0 to change, 0 to destroy."


@dataclass
class FakeDriver:
    """Stands in for TerraformDriver; records what --apply asked of Terraform."""

    working_dir: Path
    variables: dict[str, Any] = field(default_factory=dict)
    var_files: tuple[Path, ...] = ()
    applied: bool = False
    calls: list[str] = field(default_factory=list)

    def init(self) -> str:
        self.calls.append("init")
        return ""

    def plan(self) -> PlanResult:
        self.calls.append("plan")
        return PlanResult(self.working_dir / "callrec.tfplan", has_changes=True, stdout=PLAN_TEXT)

    def apply(self, plan: PlanResult) -> str:
        self.calls.append("apply")
        self.applied = True
        return ""


@pytest.fixture()
def drivers(monkeypatch: pytest.MonkeyPatch) -> list[FakeDriver]:
    made: list[FakeDriver] = []

    def make(working_dir: Path, **kwargs: Any) -> FakeDriver:
        driver = FakeDriver(working_dir, **kwargs)
        made.append(driver)
        return driver

    monkeypatch.setattr("callrec.terraform.driver.TerraformDriver", make)
    return made


def _options(tmp_path: Path, *flags: str) -> package.ApplyOptions:
    parser = argparse.ArgumentParser()
    package.register(parser.add_subparsers())
    return package.check_apply_options(parser.parse_args(["package", "--apply", *flags]))


def _terminal(monkeypatch: pytest.MonkeyPatch, answer: str) -> None:
    stdin = io.StringIO(answer + "\n")
    stdin.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr("sys.stdin", stdin)


def test_without_a_terminal_apply_needs_auto_approve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    (tmp_path / "main.tf").write_text("")
    assert main(["package", "--out", str(tmp_path), "--no-layer", "--apply"]) == 2
    assert "no terminal to ask on" in capsys.readouterr().err
    # Refused before packaging: nothing was written into the Terraform root.
    assert not (tmp_path / "chalice.tf.json").exists()


def test_the_plan_is_shown_and_yes_applies_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    drivers: list[FakeDriver],
    capsys: pytest.CaptureFixture[str],
) -> None:
    _terminal(monkeypatch, "yes")
    assert package.apply(tmp_path, _options(tmp_path)) == 0
    printed = capsys.readouterr().out
    assert PLAN_TEXT in printed
    assert "Only 'yes' will be accepted" in printed
    assert drivers[0].calls == ["init", "plan", "apply"]


def test_anything_but_yes_cancels(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    drivers: list[FakeDriver],
    capsys: pytest.CaptureFixture[str],
) -> None:
    _terminal(monkeypatch, "y")
    assert package.apply(tmp_path, _options(tmp_path)) == 1
    assert not drivers[0].applied
    assert "Apply cancelled." in capsys.readouterr().out


def test_auto_approve_applies_without_asking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, drivers: list[FakeDriver]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert package.apply(tmp_path, _options(tmp_path, "--auto-approve")) == 0
    assert drivers[0].applied


def test_var_and_var_file_reach_the_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, drivers: list[FakeDriver]
) -> None:
    tfvars = tmp_path / "prod.tfvars"
    tfvars.write_text('name_prefix = "prod"\n')
    options = _options(
        tmp_path, "--auto-approve", "--var-file", str(tfvars), "--var", "enable_media_insights=true"
    )
    package.apply(tmp_path, options)
    assert drivers[0].variables == {"enable_media_insights": "true"}
    assert drivers[0].var_files == (tfvars.resolve(),)


def test_a_var_without_a_value_is_refused(tmp_path: Path) -> None:
    with pytest.raises(package.PackageError, match="is not NAME=VALUE"):
        _options(tmp_path, "--auto-approve", "--var", "enable_media_insights")


def test_a_missing_var_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(package.PackageError, match="does not exist"):
        _options(tmp_path, "--auto-approve", "--var-file", str(tmp_path / "missing.tfvars"))
