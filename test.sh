#!/usr/bin/env bash
# Installs what the tests need (Azurite and maildev from package-lock.json; Debian's Chromium for the
# browser tests, and curl, jq, oathtool and openssl for the README's walk-through) and runs every test.
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -x node_modules/.bin/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing Azurite and maildev from package-lock.json..."
  npm ci --no-audit --no-fund --loglevel=error
fi

# Debian packages: Chromium for the browser tests; curl, jq, oathtool and openssl, which the README's
# walk-through uses (a test runs it as written).
missing=""
for tool in chromium curl jq oathtool openssl; do
  command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
  echo "Installing Debian packages:$missing..."
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
  $sudo apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi

# The contract tests open the deployable artefact: build it exactly as a deploy does.
./publish.sh

# The benchmarks are not run here, but they must keep building against the app (dotnet test does
# not build a project without tests).
dotnet build bench/Auth.Functions.Bench -c Release --nologo -v quiet
# Nor is ./dev-idp.sh's provider, which shares the tests' code: it must keep building too.
dotnet build tools/DevIdentityProvider -c Release --nologo -v quiet

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Auth.Functions.sln -c Release --nologo 2>&1 | tee "$log" || status=$?

# One plain summary line over every test project.
passed=0 failed=0 skipped=0
while read -r p f s; do
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done < <(sed -nE 's/.*(Passed|Failed)! +- Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\3 \2 \4/p' "$log")
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
