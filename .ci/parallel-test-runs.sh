#!/usr/bin/env bash
# Runs the host test project N times with parallel test collections (the load that exposes the runtime heap
# corruption described in docs/hardening.md), a full core dump per crash, one summary line per run.
# Not part of CI. Usage: .ci/parallel-test-runs.sh N [VAR=value ...]   e.g. .ci/parallel-test-runs.sh 20 DOTNET_GCName=libclrgc.so
# Build first: dotnet build tests/PluginHost.Tests -c Release
set -u
runs=${1:?how many runs}; shift
cd "$(dirname "$0")/.."
out=${PARALLEL_RUNS_DIR:-$PWD/artifacts/parallel-runs}
mkdir -p "$out/dumps"
for i in $(seq 1 "$runs"); do
  started=$(date +%s)
  env "$@" DOTNET_DbgEnableMiniDump=1 DOTNET_DbgMiniDumpType=4 DOTNET_DbgMiniDumpName="$out/dumps/core.%p" \
    dotnet test tests/PluginHost.Tests -c Release --no-build -- xUnit.ParallelizeTestCollections=true >"$out/run$i.log" 2>&1
  code=$?
  verdict=$(grep -hE 'Passed!|Failed!|Test host process crashed' "$out/run$i.log" | head -2 | tr '\n' ' ')
  echo "run $i [$*] exit $code, $(( $(date +%s) - started )) s: $verdict" | tee -a "$out/summary.txt"
done
ls -l "$out/dumps"
