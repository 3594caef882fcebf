"""Install the schema provider as ``registry.terraform.io/hashicorp/aws`` in a filesystem mirror.

Terraform's CLI configuration (``TF_CLI_CONFIG_FILE``) gets a ``provider_installation`` block
with a ``filesystem_mirror`` for hashicorp/aws and ``direct`` for nothing else, so ``terraform
init`` never reaches a registry. The mirror uses the unpacked layout
``<host>/<namespace>/<type>/<version>/<os>_<arch>/terraform-provider-aws_v<version>``; the
executable is a constant shell wrapper (so the checksum Terraform records in a lock file is the
same on every machine) that execs the Python named in the environment.
"""

from __future__ import annotations

import json
import os
import platform
import stat
from dataclasses import dataclass
from pathlib import Path

import callrec
import chalicelib
from callrec.infra_check.cdktn_schema import PROVIDER_ADDRESS
from callrec.infra_check.errors import SchemaMissingError
from callrec.infra_check.provider_server import SCHEMA_ENV

PYTHON_ENV = "CALLREC_PROVIDER_PYTHON"
SCHEMA_DIR = Path("infra") / "provider-schema"
WRAPPER = f"""#!/bin/sh
# Installed by `callrec infra check`: the schema-only hashicorp/aws provider (offline checks).
exec "${{{PYTHON_ENV}:?run Terraform through callrec infra check}}" \\
  -m callrec.infra_check.provider_server "$@"
"""
_ARCHES = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}


@dataclass(frozen=True)
class ProviderSchema:
    """The committed schema directory: ``aws.json`` plus ``VERSION.json``."""

    directory: Path
    provider_version: str

    @property
    def schema_file(self) -> Path:
        return self.directory / "aws.json"

    @classmethod
    def load(cls, directory: Path) -> ProviderSchema:
        version_file = directory / "VERSION.json"
        schema_file = directory / "aws.json"
        if not version_file.is_file() or not schema_file.is_file():
            raise SchemaMissingError(f"no provider schema in {directory} (aws.json, VERSION.json)")
        version = json.loads(version_file.read_text(encoding="utf-8"))
        return cls(directory.resolve(), str(version["provider_version"]))


def find_schema_dir(start: Path) -> Path:
    """The nearest ``infra/provider-schema`` at or above ``start`` (or the current directory)."""
    for candidate in (start.resolve(), *start.resolve().parents, Path.cwd()):
        if (candidate / SCHEMA_DIR / "VERSION.json").is_file():
            return candidate / SCHEMA_DIR
        if candidate.name == "infra" and (candidate / "provider-schema").is_dir():
            return candidate / "provider-schema"
    raise SchemaMissingError(f"no {SCHEMA_DIR} above {start}")


def terraform_platform() -> str:
    machine = platform.machine().lower()
    return f"{platform.system().lower()}_{_ARCHES.get(machine, machine)}"


@dataclass(frozen=True)
class Installation:
    """What Terraform needs in its environment to find and run the schema provider."""

    cli_config: Path
    executable: Path
    environment: dict[str, str]


def install(schema: ProviderSchema, build_dir: Path, python: str) -> Installation:
    host, namespace, name = PROVIDER_ADDRESS.split("/")
    version = schema.provider_version
    package = build_dir / "mirror" / host / namespace / name / version / terraform_platform()
    package.mkdir(parents=True, exist_ok=True)
    executable = package / f"terraform-provider-{name}_v{version}"
    if not executable.is_file() or executable.read_text() != WRAPPER:
        executable.write_text(WRAPPER)
    executable.chmod(executable.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    cli_config = build_dir / "terraform.rc"
    mirror = json.dumps(str((build_dir / "mirror").resolve()))
    address = json.dumps(f"{host}/{namespace}/{name}")
    cli_config.write_text(
        "# Written by `callrec infra check`: hashicorp/aws comes from the local mirror only.\n"
        "provider_installation {\n"
        f"  filesystem_mirror {{\n    path    = {mirror}\n    include = [{address}]\n  }}\n"
        f"  direct {{\n    exclude = [{address}]\n  }}\n"
        "}\n"
    )
    import_paths = {
        str(Path(callrec.__file__).resolve().parent.parent),
        str(Path(chalicelib.__file__).resolve().parent.parent),
    }
    existing = os.environ.get("PYTHONPATH", "")
    python_path = os.pathsep.join(sorted(import_paths) + ([existing] if existing else []))
    environment = {
        "TF_CLI_CONFIG_FILE": str(cli_config.resolve()),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
        PYTHON_ENV: python,
        SCHEMA_ENV: str(schema.schema_file),
        "PYTHONPATH": python_path,
    }
    return Installation(cli_config, executable, environment)
