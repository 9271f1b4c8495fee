#!/usr/bin/env bash
# Builds the deployable Azure Functions app and zips it: artifacts/functionapp.zip.
#   The isolated worker's publish output for linux-x64, compiled ahead of time (ReadyToRun), with
#   what Flex Consumption reads at the zip root: host.json, functions.metadata, worker.config.json,
#   extensions.json and .azurefunctions/ (the host-side queue extension). The .NET runtime is the
#   platform's (dotnet-isolated 10.0), so it is not bundled.
set -euo pipefail
cd "$(dirname "$0")"
root=artifacts/functionapp
zipfile=artifacts/functionapp.zip
rm -rf "$root" "$zipfile"
mkdir -p artifacts

# ReadyToRun shortens start-up. Argon2's compression function is marked for full optimisation, so it
# is compiled by the JIT at its first use rather than run from slower precompiled code until tiering
# replaces it (which once cost a fresh instance a third of its logins: bench/RESULTS.md, "ReadyToRun").
dotnet publish functions/Auth.Functions -c Release -r linux-x64 --self-contained false \
  -p:PublishReadyToRun=true -p:DebugType=none \
  -o "$root" --nologo -v quiet

# Only what runs: no symbols, docs, development settings or local secrets.
find "$root" \( -name '*.pdb' -o -name '*.dbg' -o -name 'appsettings.Development.json' \
  -o -name 'local.settings.json' -o -name 'Auth.Functions.xml' -o -name '*.staticwebassets.*' \) -delete

if ! command -v zip >/dev/null; then
  echo "Installing zip (Debian package)..."
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
  $sudo apt-get install -y -qq zip >/dev/null || { $sudo apt-get update -qq && $sudo apt-get install -y -qq zip >/dev/null; }
fi
# -r takes the dot-folder .azurefunctions too; -X leaves out extra file attributes.
(cd "$root" && zip -q -r -X "../$(basename "$zipfile")" .)
echo "Built $zipfile ($(du -h "$zipfile" | cut -f1))"
