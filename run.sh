#!/usr/bin/env bash
# Runs Auth.Functions locally in standalone mode: installs and starts Azurite (data under .data/),
# then serves the API on http://localhost:7071 (override with ASPNETCORE_URLS). Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")"
root=$PWD
data="$root/.data"
mkdir -p "$data/azurite" "$data/mail"

# Azurite, pinned in package-lock.json.
if [ ! -x node_modules/.bin/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing Azurite from package-lock.json..."
  npm ci --no-audit --no-fund --loglevel=error
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

azurite_pid="" app_pid=""
stop() {
  for pid in $app_pid $azurite_pid; do
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
trap stop EXIT
trap 'exit 130' INT TERM

if port_open 10002 || port_open 10001; then
  echo "Something already listens on Azurite's ports (10001/10002): using it."
else
  node_modules/.bin/azurite --silent --disableTelemetry --skipApiVersionCheck --loose \
    --location "$data/azurite" >"$data/azurite.log" 2>&1 &
  azurite_pid=$!
  for _ in $(seq 1 100); do
    port_open 10002 && port_open 10001 && break
    sleep 0.2
  done
  port_open 10002 || { echo "Azurite did not start; see $data/azurite.log" >&2; exit 1; }
  echo "Azurite is running (data in $data/azurite, log in $data/azurite.log)."
fi

export AzureWebJobsStorage="${AzureWebJobsStorage:-UseDevelopmentStorage=true}"
export Email__Provider="${Email__Provider:-pickup}"
export Email__PickupDirectory="${Email__PickupDirectory:-$data/mail}"
export PublicBaseUrl="${PublicBaseUrl:-http://localhost:7071}"
# The key that encrypts second-factor secrets at rest: made on first start, kept with the data.
export SecretKeys__File="${SecretKeys__File:-$data/secret-keys}"
# Passkeys: the relying party is localhost, and the page at PublicBaseUrl may run ceremonies. Open
# http://localhost:7071/passkeys (not 127.0.0.1: a passkey for "localhost" is refused there).
export Passkeys__RelyingPartyId="${Passkeys__RelyingPartyId:-localhost}"
export Passkeys__Origins__0="${Passkeys__Origins__0:-$PublicBaseUrl}"
# External sign-in: a provider "dev" that is the tests' OpenID Connect provider, served by ./dev-idp.sh
# on http://localhost:7072, and the app URL a sign-in may return to. Real providers: see the README.
export ExternalLogin__RedirectUris__0="${ExternalLogin__RedirectUris__0:-$PublicBaseUrl/signed-in}"
export ExternalLogin__Providers__dev__Authority="${ExternalLogin__Providers__dev__Authority:-http://localhost:7072/}"
export ExternalLogin__Providers__dev__ClientId="${ExternalLogin__Providers__dev__ClientId:-auth-functions-tests}"
export ExternalLogin__Providers__dev__ClientSecret="${ExternalLogin__Providers__dev__ClientSecret:-a test client secret}"
export ExternalLogin__Providers__dev__RequireHttpsMetadata="${ExternalLogin__Providers__dev__RequireHttpsMetadata:-false}"
echo "Mail is written to $Email__PickupDirectory (one .eml file per email)."
echo "Serving on ${ASPNETCORE_URLS:-http://localhost:7071} -- Ctrl-C to stop."

dotnet build functions/Auth.Functions -c Release --nologo -v quiet
# The output folder is the app root: host.json (queue settings) and appsettings.json are read from there.
(cd functions/Auth.Functions/bin/Release/net10.0 && exec dotnet Auth.Functions.dll) &
app_pid=$!
wait "$app_pid"
