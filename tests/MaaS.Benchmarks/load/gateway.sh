#!/usr/bin/env bash
# Sourced by the load scripts (run from the repository root): builds the Release gateway and runs it on loopback over
# a fresh temp data folder and the repository's models/, from its output folder so appsettings.json applies.
#   start_gateway <port> [gateway arguments...]   sets GATEWAY_URL, GATEWAY_PID and GATEWAY_OUT (a temp folder for
#                                                 the log and the scripts' results); an EXIT trap stops it and
#                                                 removes both folders. Settings can also come from the environment.
start_gateway() {
  local port=$1; shift
  command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
  dotnet build src/MaaS.Gateway -c Release -nologo -v q >/dev/null
  local root="$PWD"
  GATEWAY_DATA="$(mktemp -d)"; GATEWAY_OUT="$(mktemp -d)"; GATEWAY_URL="http://127.0.0.1:$port"
  (cd "$root/src/MaaS.Gateway/bin/Release/net10.0" && exec dotnet MaaS.Gateway.dll --urls "$GATEWAY_URL" \
    --Storage:DataDirectory="$GATEWAY_DATA" --Serving:RepositoryPath="$root/models" \
    --Auth:Enabled=false --Serilog:MinimumLevel:Default=Warning "$@") >"$GATEWAY_OUT/gateway.log" 2>&1 &
  GATEWAY_PID=$!
  trap stop_gateway EXIT
  for _ in $(seq 1 150); do
    curl -fs "$GATEWAY_URL/v2/health/ready" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "gateway did not become ready:" >&2; cat "$GATEWAY_OUT/gateway.log" >&2; exit 1
}

stop_gateway() {
  kill "$GATEWAY_PID" 2>/dev/null || true; wait "$GATEWAY_PID" 2>/dev/null || true
  rm -rf "$GATEWAY_DATA" "$GATEWAY_OUT"
}
