#!/usr/bin/env bash
# Cluster-mode tests start their own redis-server (Debian's package) on a free loopback port. Idempotent: apt runs
# only when the binary is missing. The package's own service is not needed (tests run their own servers).
set -euo pipefail
if command -v redis-server >/dev/null; then
  echo "redis: $(redis-server --version | head -1)"
  exit 0
fi
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
echo "redis: installing redis-server"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends redis-server >/dev/null
# Debian starts the packaged service on 6379 where an init system runs; the tests never use it.
redis-server --version | head -1
