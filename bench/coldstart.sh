#!/usr/bin/env bash
# Cold start of the deployable artefact: process start -> first 200 from /api/health, started as
# the Functions host starts it (FUNCTIONS_CUSTOMHANDLER_PORT, working directory = app root).
# Usage: bench/coldstart.sh [runs] [artefact.zip]      (defaults: 7 runs, artifacts/functionapp.zip)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
zipfile=${2:-artifacts/functionapp.zip}
[ -f "$zipfile" ] || ./publish.sh
[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund --loglevel=error

work=$(mktemp -d)
azurite_pid=""
trap 'kill $azurite_pid 2>/dev/null || true; rm -rf "$work"' EXIT
unzip -q "$zipfile" -d "$work/app"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
table=$(free_port) queue=$(free_port) blob=$(free_port)
node_modules/.bin/azurite --silent --disableTelemetry --skipApiVersionCheck --loose --inMemoryPersistence \
  --blobPort "$blob" --queuePort "$queue" --tablePort "$table" >/dev/null 2>&1 &
azurite_pid=$!
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$table") 2>/dev/null && break; sleep 0.1; done

key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
export AzureWebJobsStorage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;"
export PublicBaseUrl=https://auth.example.com Email__PickupDirectory="$work/mail"

times=()
for i in $(seq 1 "$runs"); do
  port=$(free_port)
  start=$(date +%s%N)
  (cd "$work/app" && FUNCTIONS_CUSTOMHANDLER_PORT=$port FUNCTIONS_APP_ROOT_PATH="$work/app" exec ./Auth.Functions >/dev/null 2>&1) &
  pid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/health" 2>/dev/null)" = "200" ]; do
    sleep 0.005
  done
  end=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  ms=$(( (end - start) / 1000000 ))
  times+=("$ms")
  echo "run $i: ${ms} ms"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}')
echo "cold start ($zipfile, $runs runs): median ${median} ms to the first 200 from /api/health"
