#!/usr/bin/env bash
# Noisy neighbour (issue #15, finding 5): one tenant at its limits with maximum-size /v1/sentiment batches, another's
# /v1/ping and one-text /v1/sentiment latency quiet vs loaded, in alternating phases (Serving/AdmissionLoadTest.cs).
# Run 1: auth on, tenants "heavy" (default limits) and "light". Run 2: auth off, the same two clients as two anonymous
# client addresses (127.0.0.1 and 127.0.0.2 on loopback). Prints a table per run; exits non-zero if a ratio misses 3.
# Usage: tests/MaaS.Benchmarks/load/admission.sh [seconds per phase, default 10] [rounds, default 3] [heavy connections, default 8]
set -euo pipefail
cd "$(dirname "$0")/../../.."
seconds="${1:-10}"; rounds="${2:-3}"; connections="${3:-8}"
port="${MAAS_LOAD_PORT:-18093}"
load="tests/MaaS.Benchmarks/load"
source "$load/gateway.sh"
dotnet build tests/MaaS.Benchmarks -c Release -nologo -v q >/dev/null
driver=(dotnet tests/MaaS.Benchmarks/bin/Release/net10.0/MaaS.Benchmarks.dll admission --seconds "$seconds" --rounds "$rounds" --connections "$connections")
status=0

# The bootstrap admin key through the environment, not the command line (ps shows arguments).
Auth__BootstrapAdminKey="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"; export Auth__BootstrapAdminKey
start_gateway "$port" --Auth:Enabled=true --Recommendations:BuildOnStart=false
create_key() { # tenant limits-json -> prints the key (shown once)
  curl -fs -X POST "$GATEWAY_URL/v1/keys" -H "Authorization: Bearer $Auth__BootstrapAdminKey" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$1\",\"tenant\":\"$1\",\"roles\":[\"app\"],\"limits\":$2}" | sed -n 's/.*"key":"\([^"]*\)".*/\1/p'
}
heavy=$(create_key heavy '{}')
# The light client's open-loop rates (120 req/s) are above the default 100/s of a key: its key is given more.
light=$(create_key light '{"requestsPerSecond":1000,"burst":2000}')
[ -n "$heavy" ] && [ -n "$light" ] || { echo "could not create keys" >&2; exit 1; }
"${driver[@]}" --url "$GATEWAY_URL" --heavy-key "$heavy" --light-key "$light" --label "auth on, two tenants" || status=$?
stop_gateway

unset Auth__BootstrapAdminKey
start_gateway "$port" --Auth:Enabled=false --Recommendations:BuildOnStart=false
"${driver[@]}" --url "$GATEWAY_URL" --label "auth off, two client addresses" || status=$?
exit "$status"
