#!/usr/bin/env bash
# Install the system browser the browser suite (tests/browser/) drives: Debian's chromium.
# Playwright is pointed at /usr/bin/chromium; nothing is downloaded at run time (never
# `playwright install`). As root it installs with apt-get; otherwise it says what to run.
# A failed install does not stop `make test`: tests/browser/ then skips and says why.
set -euo pipefail
browser=/usr/bin/chromium

if [ -x "$browser" ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "browser-deps: installing Debian's chromium for the browser suite"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core
else
  echo "browser-deps: $browser is missing; run as root: apt-get install chromium" >&2
  exit 2
fi
