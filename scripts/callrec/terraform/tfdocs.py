"""Inputs/outputs tables of a Terraform module's README.md, generated from its .tf files.

Every module README holds a hand-written part and a generated part between the markers
``<!-- BEGIN_TF_DOCS -->`` and ``<!-- END_TF_DOCS -->`` (terraform-docs' convention). The
generated part lists the requirements (versions.tf), the inputs (variables.tf: name,
description, type, default, required) and the outputs (outputs.tf). ``--check`` fails when a
README is out of date; tests/tfdocs runs it over every module.

    python -m callrec.terraform.tfdocs [--check] infra/modules/<name> ...
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib.errors import CallRecError

BEGIN = "<!-- BEGIN_TF_DOCS -->"
END = "<!-- END_TF_DOCS -->"


class TfDocsError(CallRecError):
    """A module's files or README cannot be documented."""

    code = "TfDocsError"


@dataclass(frozen=True)
class Variable:
    name: str
    description: str
    type: str
    default: str | None
    required: bool


@dataclass(frozen=True)
class Output:
    name: str
    description: str
    sensitive: bool


@dataclass(frozen=True)
class Requirement:
    name: str
    version: str


def _load(path: Path) -> dict[str, Any]:
    import hcl2

    if not path.is_file():
        return {}
    with path.open() as handle:
        try:
            document: dict[str, Any] = hcl2.load(handle)
        except Exception as error:
            raise TfDocsError(
                f"{path} does not parse: {error}", hint="run terraform fmt"
            ) from error
    return document


def _plain(value: Any) -> Any:
    """python-hcl2 keeps string quotes and wraps expressions in ${...}: undo both."""
    if isinstance(value, str):
        return _plain_string(value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items() if k != "__is_block__"}
    return value


def _plain_string(value: str) -> str:
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        try:
            decoded: str = json.loads(value)
        except json.JSONDecodeError:
            return value[1:-1]
        return decoded
    if value.startswith("${") and value.endswith("}"):
        return value[2:-1]
    return value


def _blocks(document: dict[str, Any], kind: str) -> Iterable[tuple[str, dict[str, Any]]]:
    for block in document.get(kind, []):
        for name, body in block.items():
            if name != "__is_block__":
                yield str(_plain(name)), body


def variables(module: Path) -> list[Variable]:
    found = []
    for path in sorted(module.glob("*.tf")):
        for name, body in _blocks(_load(path), "variable"):
            has_default = "default" in body
            default = json.dumps(_plain(body["default"])) if has_default else None
            found.append(
                Variable(
                    name=name,
                    description=str(_plain(body.get("description", ""))),
                    type=str(_plain(body.get("type", "any"))),
                    default=default,
                    required=not has_default,
                )
            )
    return sorted(found, key=lambda v: (not v.required, v.name))


def outputs(module: Path) -> list[Output]:
    found = []
    for path in sorted(module.glob("*.tf")):
        for name, body in _blocks(_load(path), "output"):
            found.append(
                Output(
                    name=name,
                    description=str(_plain(body.get("description", ""))),
                    sensitive=bool(_plain(body.get("sensitive", False))),
                )
            )
    return sorted(found, key=lambda o: o.name)


def requirements(module: Path) -> list[Requirement]:
    found = []
    for block in _load(module / "versions.tf").get("terraform", []):
        if "required_version" in block:
            found.append(Requirement("terraform", str(_plain(block["required_version"]))))
        for providers in block.get("required_providers", []):
            for name, spec in _plain(providers).items():
                found.append(Requirement(f"{name} ({spec.get('source', '')})", spec["version"]))
    return found


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(module: Path) -> str:
    """The generated section (markers included) for ``module``."""
    inputs = variables(module)
    if not inputs and not (module / "variables.tf").is_file():
        raise TfDocsError(f"{module} has no variables.tf", hint="is this a Terraform module?")
    lines = [BEGIN, "## Requirements", "", "| Name | Version |", "| --- | --- |"]
    lines += [f"| {r.name} | `{_cell(r.version)}` |" for r in requirements(module)]
    lines += ["", "## Inputs", "", "| Name | Description | Type | Default | Required |"]
    lines += ["| --- | --- | --- | --- | :---: |"]
    for v in inputs:
        default = "n/a" if v.default is None else f"`{_cell(v.default)}`"
        required = "yes" if v.required else "no"
        lines.append(
            f"| `{v.name}` | {_cell(v.description)} | `{_cell(v.type)}` | {default} | {required} |"
        )
    lines += ["", "## Outputs", "", "| Name | Description |", "| --- | --- |"]
    for o in outputs(module):
        suffix = " (sensitive)" if o.sensitive else ""
        lines.append(f"| `{o.name}` | {_cell(o.description)}{suffix} |")
    lines.append(END)
    return "\n".join(lines)


def updated_readme(module: Path) -> str:
    """The module's README text with its generated section brought up to date."""
    readme = module / "README.md"
    section = render(module)
    if not readme.is_file():
        return f"# {module.name}\n\n{section}\n"
    text = readme.read_text()
    if BEGIN not in text or END not in text:
        return text.rstrip("\n") + "\n\n" + section + "\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + section + tail


def stale(modules: Sequence[Path]) -> list[Path]:
    """Modules whose README.md differs from what would be generated."""
    return [
        m
        for m in modules
        if not (m / "README.md").is_file() or (m / "README.md").read_text() != updated_readme(m)
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("modules", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="fail when a README is out of date")
    args = parser.parse_args(argv)
    try:
        if args.check:
            out_of_date = stale(args.modules)
            for module in out_of_date:
                print(f"{module}/README.md is out of date", file=sys.stderr)
            return 1 if out_of_date else 0
        for module in args.modules:
            (module / "README.md").write_text(updated_readme(module))
            print(f"wrote {module}/README.md")
    except TfDocsError as error:
        print(f"tfdocs: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
