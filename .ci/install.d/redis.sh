#!/usr/bin/env bash
# Cluster-mode tests start their own redis-server (Debian's package) on a free loopback port. Idempotent: apt runs
# only when the package is missing. The package's own service is not needed (tests run their own servers).
set -euo pipefail
source "$(dirname "$0")/../lib/apt.sh"

apt_install_missing redis-server
redis-server --version | head -1
