#!/usr/bin/env bash
# Installs Debian's headless Chromium (for the report render check, which runs /usr/bin/chromium) if
# missing. Idempotent. Exits non-zero when it cannot (the test then fails under CI=true, skips elsewhere).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "chromium-setup: /usr/bin/chromium is installed"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
if [ ! -x /usr/bin/chromium ]; then
  echo "chromium-setup: installed the chromium package, yet /usr/bin/chromium is missing" >&2
  exit 1
fi
echo "chromium-setup: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
