#!/usr/bin/env bash
# Measures two versions of the standalone server in one run: start-up, key validation and login
# throughput over loopback against one Azurite, alternating the builds round by round.
# Usage: bench/compare.sh <base git ref> [rounds] [seconds per load phase]
#   e.g. bench/compare.sh 9a8cf8b 3 10    (the working tree is the other build)
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: bench/compare.sh <base git ref> [rounds] [seconds]}
rounds=${2:-3}
seconds=${3:-10}
[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund --loglevel=error

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git archive "$base" | tar -x -C "$work" --one-top-level=base
dotnet build "$work/base/functions/Auth.Functions" -c Release -o "$work/base-out" --nologo -v quiet
dotnet build functions/Auth.Functions -c Release -o "$work/head-out" --nologo -v quiet
dotnet run -c Release --project bench/Auth.Functions.Bench -- compare \
  "$(git rev-parse --short "$base")=$work/base-out" "working-tree=$work/head-out" "$rounds" "$seconds"
