#!/usr/bin/env bash
# Admin keys for the local service: ./admin.sh create-key --label ops | list-keys | revoke-key <id>.
# Uses the storage ./run.sh serves from (Azurite, started by ./run.sh) unless AzureWebJobsStorage is
# set; against Azure, set AzureWebJobsStorage__accountName=<account> and sign in with `az login`.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"
if [ -z "${AzureWebJobsStorage:-}" ] && [ -z "${AzureWebJobsStorage__accountName:-}" ]; then
  export AzureWebJobsStorage="UseDevelopmentStorage=true"
  if ! (exec 3<>/dev/tcp/127.0.0.1/10002) 2>/dev/null; then
    echo "Azurite is not running: start ./run.sh first (or set AzureWebJobsStorage)." >&2
    exit 1
  fi
fi
dll=functions/Auth.Functions/bin/Release/net10.0/Auth.Functions.dll
if [ ! -f "$dll" ]; then
  dotnet build functions/Auth.Functions -c Release --nologo -v quiet >&2
fi
exec dotnet "$dll" admin "$@"
