#!/usr/bin/env bash
# Create (once) the isolated virtual environment that holds checkov.
# checkov pins an older boto3 than the app, so it must never share .venv.
# Usage: scripts/checkov-venv.sh [VENV_DIR]   (default .venv-checkov)
set -euo pipefail
VENV="${1:-.venv-checkov}"
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
CHECKOV_SPEC="${CHECKOV_SPEC:-checkov>=3.2,<4}"
STAMP="$VENV/.installed"
if [[ -f "$STAMP" && -x "$VENV/bin/checkov" ]]; then
  exit 0
fi
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$CHECKOV_SPEC"
touch "$STAMP"
