#!/usr/bin/env bash
# Run the test suite; "no tests collected" (pytest exit 5) is a failure, never a silent pass.
set -uo pipefail
python=${1:-.venv/bin/python}
shift || true
"$python" -m pytest "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "run-pytest: pytest collected no tests; that is a failure" >&2
  exit 1
fi
exit "$status"
