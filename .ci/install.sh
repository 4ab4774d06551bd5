#!/usr/bin/env bash
# Everything the test suite needs beyond the .NET SDK the machine comes with. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v dotnet >/dev/null || { echo "the .NET SDK is required"; exit 1; }
dotnet --version
