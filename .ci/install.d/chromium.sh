#!/usr/bin/env bash
# The status page's browser tests (tests/PluginHost.Ops.Tests): Debian's Chromium, driven by Playwright through
# ExecutablePath (Playwright's own browser download is not reachable). Idempotent.
set -euo pipefail
source "$(dirname "$0")/../lib/apt.sh"

apt_install_missing chromium fonts-dejavu-core
/usr/bin/chromium --version 2>/dev/null
