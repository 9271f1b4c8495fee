#!/usr/bin/env bash
# Runs the benchmarks (BenchmarkDotNet) and copies the reports to bench/results/.
# Usage: bench/run.sh [BenchmarkDotNet arguments]     default: --filter '*'
# Compare ratios within one run, not absolute numbers across machines.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund --loglevel=error
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--filter '*')
dotnet run -c Release --project bench/Auth.Functions.Bench -- "${args[@]}" --artifacts bench/BenchmarkDotNet.Artifacts
mkdir -p bench/results
cp bench/BenchmarkDotNet.Artifacts/results/*-report-github.md bench/results/
echo "Reports copied to bench/results/."
