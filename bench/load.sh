#!/usr/bin/env bash
# The paired load benchmark: one command, one fresh Azurite, the app's standalone server
# next to the floor of the same work. Prints markdown tables for bench/RESULTS.md.
# Usage: bench/load.sh [seconds per phase] [keys|logins|purge]
#   (default 10 s and every part: 14 phases, about 3 minutes; naming a part runs only that one)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund --loglevel=error
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build functions/Auth.Functions -c Release -o "$work/app" --nologo -v quiet
dotnet run -c Release --project bench/Auth.Functions.Bench -- load "$work/app" "$seconds" ${2:-}
