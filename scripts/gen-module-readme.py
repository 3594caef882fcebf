#!/usr/bin/env python3
"""Regenerate (or with --check, verify) the inputs/outputs tables of the module READMEs.

scripts/gen-module-readme.py            # infra/ and every module under infra/modules
scripts/gen-module-readme.py --check    # exit 1 when a README is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "chalice_app")]

from callrec.terraform.tfdocs import main  # noqa: E402

if __name__ == "__main__":
    flags = [arg for arg in sys.argv[1:] if arg.startswith("-")]
    modules = [arg for arg in sys.argv[1:] if not arg.startswith("-")]
    if not modules:
        infra = ROOT / "infra"
        modules = [str(infra)] + [
            str(path) for path in sorted((infra / "modules").iterdir()) if path.is_dir()
        ]
    sys.exit(main([*flags, *modules]))
