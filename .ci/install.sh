#!/usr/bin/env bash
# Everything the test suite needs beyond the .NET SDK the machine comes with. Idempotent.
# Each feature that needs something (apt packages, dotnet templates) adds a script to .ci/install.d/.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v dotnet >/dev/null || { echo "the .NET SDK is required"; exit 1; }
dotnet --version
for step in .ci/install.d/*.sh; do
  [[ -e "$step" ]] || continue
  echo "== $step"
  bash "$step"
done
