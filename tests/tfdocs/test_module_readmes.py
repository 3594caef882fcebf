"""Module READMEs list inputs and outputs generated from variables.tf/outputs.tf, kept in sync."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from callrec.terraform.tfdocs import BEGIN, END, main, render, stale, updated_readme, variables

INFRA = Path(__file__).resolve().parents[2] / "infra"
MODULES = INFRA / "modules"
ALL_MODULES = [
    INFRA,
    *sorted(path for path in MODULES.iterdir() if (path / "variables.tf").is_file()),
]


@pytest.mark.parametrize("module", ALL_MODULES, ids=lambda path: path.name)
def test_readme_is_in_sync_with_the_module(module: Path) -> None:
    assert not stale([module]), (
        f"{module.name}/README.md is out of date: run scripts/gen-module-readme.py"
    )


@pytest.mark.parametrize("module", ALL_MODULES, ids=lambda path: path.name)
def test_readme_lists_every_variable_and_output(module: Path) -> None:
    text = (module / "README.md").read_text()
    generated = text[text.index(BEGIN) : text.index(END)]
    for variable in variables(module):
        assert f"| `{variable.name}` |" in generated


@pytest.fixture
def module_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(MODULES / "sip-media-application", tmp_path / "sma"))


def test_a_new_variable_makes_the_readme_stale(module_copy: Path) -> None:
    with (module_copy / "variables.tf").open("a") as handle:
        handle.write('\nvariable "added" {\n  description = "New."\n  type = string\n}\n')
    assert stale([module_copy]) == [module_copy]
    assert main(["--check", str(module_copy)]) == 1


def test_regeneration_brings_the_readme_back_in_sync(module_copy: Path) -> None:
    with (module_copy / "outputs.tf").open("a") as handle:
        handle.write('\noutput "added" {\n  description = "New output."\n  value = 1\n}\n')
    assert main([str(module_copy)]) == 0
    assert not stale([module_copy])
    assert "| `added` | New output. |" in (module_copy / "README.md").read_text()


def test_the_hand_written_part_is_kept(module_copy: Path) -> None:
    readme = module_copy / "README.md"
    readme.write_text("# Title\n\nHand-written.\n\n" + BEGIN + "\nold\n" + END + "\n\nFooter.\n")
    text = updated_readme(module_copy)
    assert text.startswith("# Title\n\nHand-written.\n\n")
    assert text.endswith("\n\nFooter.\n")
    assert "old" not in text


def test_a_variable_without_default_is_required(module_copy: Path) -> None:
    with (module_copy / "variables.tf").open("a") as handle:
        handle.write('\nvariable "must" {\n  description = "Needed."\n  type = number\n}\n')
    assert "| `must` | Needed. | `number` | n/a | yes |" in render(module_copy)


def test_defaults_are_shown_as_hcl_values() -> None:
    text = render(MODULES / "recording-bucket")
    assert '| `"recordings"` | no |' in text
    assert "| `365` | no |" in text
    assert "| `null` | no |" in text
