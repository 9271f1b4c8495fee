#!/usr/bin/env bash
# Builds the deployable Azure Functions app root and zips it: artifacts/functionapp.zip.
#   host.json, one folder per function (function.json), and the handler as a self-contained
#   linux-x64 ReadyToRun executable named by customHandler.description.defaultExecutablePath.
set -euo pipefail
cd "$(dirname "$0")"
root=artifacts/functionapp
zipfile=artifacts/functionapp.zip
rm -rf "$root" "$zipfile"
mkdir -p artifacts

dotnet publish functions/Auth.Functions -c Release -r linux-x64 --self-contained true \
  -p:PublishReadyToRun=true -p:DebugType=none \
  -o "$root" --nologo -v quiet

# Only what runs: no symbols, docs, development settings or local secrets.
find "$root" \( -name '*.pdb' -o -name '*.dbg' -o -name 'appsettings.Development.json' \
  -o -name 'local.settings.json' -o -name 'Auth.Functions.xml' -o -name '*.staticwebassets.*' \) -delete
chmod 755 "$root/Auth.Functions"

if ! command -v zip >/dev/null; then
  echo "Installing zip (Debian package)..."
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
  $sudo apt-get install -y -qq zip >/dev/null || { $sudo apt-get update -qq && $sudo apt-get install -y -qq zip >/dev/null; }
fi
# Info-ZIP keeps Unix mode bits, so the executable stays executable on the Functions host.
(cd "$root" && zip -q -r -X "../$(basename "$zipfile")" .)
echo "Built $zipfile ($(du -h "$zipfile" | cut -f1))"
