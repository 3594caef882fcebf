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

[ -x "$venv_dir/bin/python" ] || "$python" -m venv "$venv_dir"
"$venv_dir/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$venv_dir/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[${extras}]"
