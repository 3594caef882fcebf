"""Write ``infra/provider-schema/`` from a ``cdktn-provider-aws`` wheel (``make provider-schema``).

Usage: ``python -m callrec.infra_check.regenerate --wheel WHEEL [--infra infra] [--out DIR]``.
Writes ``aws.json`` (``terraform providers schema -json`` shape), ``VERSION.json`` (provider
and package versions, the type list, the types skipped) and ``LICENSE`` (the MPL-2.0 text the
package ships). A type the wheel has no bindings for, or whose bindings cannot be read, is
skipped with a warning on stderr instead of aborting the whole schema.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from callrec.infra_check import cdktn_schema
from callrec.infra_check.catalogue import BASELINE, used_types
from chalicelib.errors import CallRecError

SCHEMA_FILE = "aws.json"
VERSION_FILE = "VERSION.json"
LICENSE_FILE = "LICENSE"


def regenerate(wheel: Path, infra: Path, out: Path) -> dict[str, Any]:
    types = BASELINE.union(used_types(infra))
    lib_dirs = ["provider"]
    lib_dirs += [cdktn_schema.lib_dir_for(name, data_source=False) for name in types.resources]
    lib_dirs += [cdktn_schema.lib_dir_for(name, data_source=True) for name in types.data_sources]
    sources = cdktn_schema.read_wheel(wheel, lib_dirs)
    skipped: list[cdktn_schema.Skipped] = []
    schema = cdktn_schema.build_schema(sources, types.resources, types.data_sources, skipped)
    provider = schema["provider_schemas"][cdktn_schema.PROVIDER_ADDRESS]
    out.mkdir(parents=True, exist_ok=True)
    (out / SCHEMA_FILE).write_text(json.dumps(schema, indent=1, sort_keys=True) + "\n")
    (out / LICENSE_FILE).write_text(sources.licence)
    version: dict[str, Any] = {
        "provider": cdktn_schema.PROVIDER_ADDRESS,
        "provider_version": sources.provider_version,
        "extracted_from": f"cdktn-provider-aws {sources.package_version} (PyPI, MPL-2.0)",
        "wheel": wheel.name,
        "resources": sorted(provider["resource_schemas"]),
        "data_sources": sorted(provider["data_source_schemas"]),
        "skipped": [str(item) for item in skipped],
    }
    (out / VERSION_FILE).write_text(json.dumps(version, indent=1) + "\n")
    return version


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m callrec.infra_check.regenerate")
    parser.add_argument("--wheel", type=Path, required=True, help="cdktn_provider_aws-*.whl")
    parser.add_argument("--infra", type=Path, default=Path("infra"))
    parser.add_argument("--out", type=Path, default=Path("infra/provider-schema"))
    args = parser.parse_args(argv)
    if not args.wheel.is_file():
        print(f"no wheel at {args.wheel}: run `make provider-schema`", file=sys.stderr)
        return 2
    try:
        version = regenerate(args.wheel, args.infra, args.out)
    except CallRecError as error:
        print(f"provider schema: error: {error}", file=sys.stderr)
        return 1
    for item in version["skipped"]:
        print(f"provider schema: warning: skipped {item}", file=sys.stderr)
    print(
        f"wrote {args.out / SCHEMA_FILE}: hashicorp/aws {version['provider_version']}, "
        f"{len(version['resources'])} resources, {len(version['data_sources'])} data sources"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
