#!/usr/bin/env bash
# Create (or refresh) the project's virtual environment and install the project into it.
# Usage: bootstrap.sh VENV_DIR EXTRAS. Works on a fresh Debian machine with Python 3.11: when the
# interpreter lacks the venv module (Debian splits it out), it installs python3-venv as root.
set -euo pipefail
venv_dir=${1:-.venv}
extras=${2:-dev}
python=${PYTHON:-python3}

if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bootstrap: installing python3-venv (the interpreter has no venv module)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
  else
    echo "bootstrap: $python has no venv module; install python3-venv and run again" >&2
    exit 2
  fi
fi

if [ ! -x "$venv_dir/bin/python" ]; then
  echo "bootstrap: installing ~850 MB into $venv_dir, about 3 minutes the first time (later runs reuse it)"
  "$python" -m venv "$venv_dir"
else
  echo "bootstrap: updating $venv_dir (pyproject.toml, the lock file or this script changed)"
fi
# The lock file pins every package to the versions CI tested; `make lock` regenerates it.
constraints=()
[ -f requirements-dev.lock ] && constraints=(--constraint requirements-dev.lock)
"$venv_dir/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
set +e
"$venv_dir/bin/python" -m pip install --disable-pip-version-check --progress-bar on \
  "${constraints[@]}" -e ".[${extras}]" 2>&1 | grep --line-buffered -v '^Requirement already satisfied'
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  echo "bootstrap: pip install failed (exit $status); the lines above say which package" >&2
  exit "$status"
fi
