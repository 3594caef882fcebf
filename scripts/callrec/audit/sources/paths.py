"""Paths as they appear in findings: relative to the working directory when possible."""

from __future__ import annotations

import os
from pathlib import Path


def display_path(path: Path) -> str:
    """A forward-slash path relative to the current directory (for SARIF artifact URIs)."""
    resolved = path.resolve()
    try:
        relative = os.path.relpath(resolved, Path.cwd())
    except ValueError:
        return resolved.as_posix()
    if relative.startswith(".."):
        return resolved.as_posix()
    return Path(relative).as_posix()
