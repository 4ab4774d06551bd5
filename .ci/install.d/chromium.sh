#!/usr/bin/env bash
# The status page's browser tests (tests/PluginHost.Ops.Tests): Debian's Chromium, driven by Playwright through
# ExecutablePath (Playwright's own browser download is not reachable). Idempotent: apt runs only when it is missing.
set -euo pipefail

if [[ -x /usr/bin/chromium ]]; then
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo installed)"
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
echo "chromium: installing"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
