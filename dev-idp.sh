#!/usr/bin/env bash
# Serves a test OpenID Connect provider on http://localhost:7072 for trying external sign-in against
# ./run.sh (its provider "dev"): whoever is sent to it is signed in at once as dev-user@example.com.
# Not for production: it is the provider the tests run. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")"
exec dotnet run --project tools/DevIdentityProvider -c Release -- "${1:-7072}"
