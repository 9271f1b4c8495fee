#!/usr/bin/env bash
# What a failed login's timing tells about an account (150 interleaved pairs, Welch's t-test), and
# what one account answers to 200 logins at once and to 200 callers for a while. One fresh Azurite,
# the app's standalone server built from the working tree, everything on 127.0.0.1; bounded, and it
# stops by itself. Prints markdown tables for bench/RESULTS.md.
# Usage: bench/hardening.sh [seconds of sustained load]   (default 8)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund --loglevel=error
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build functions/Auth.Functions -c Release -o "$work/app" --nologo -v quiet
dotnet run -c Release --project bench/Auth.Functions.Bench -- hardening "$work/app" "${1:-8}"
