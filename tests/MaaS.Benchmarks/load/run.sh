#!/usr/bin/env bash
# Load test of the recommendation path against the gateway's trivial JSON endpoint, in one run.
# Builds and starts the Release gateway on loopback over a fresh temp data folder (demo seed + first index), warms
# both endpoints up, runs wrk on each (same connections, threads and duration), prints a table, stops the gateway.
# Usage: tests/MaaS.Benchmarks/load/run.sh [seconds per endpoint, default 10] [connections, default 64] [threads, default 2]
set -euo pipefail
cd "$(dirname "$0")/../../.."
duration="${1:-10}"; connections="${2:-64}"; threads="${3:-2}"
port="${MAAS_LOAD_PORT:-18089}"
load="tests/MaaS.Benchmarks/load"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }

dotnet build src/MaaS.Gateway -c Release -nologo -v q >/dev/null
data="$(mktemp -d)"; out="$(mktemp -d)"
dll="$PWD/src/MaaS.Gateway/bin/Release/net10.0/MaaS.Gateway.dll"
(cd "$(dirname "$dll")" && exec dotnet "$dll" --urls "http://127.0.0.1:$port" --Storage:DataDirectory="$data" \
  --Serilog:MinimumLevel:Default=Warning --Recommendations:RebuildIntervalSeconds=0) >"$out/gateway.log" 2>&1 &
gateway=$!
cleanup() { kill "$gateway" 2>/dev/null || true; wait "$gateway" 2>/dev/null || true; rm -rf "$data" "$out"; }
trap cleanup EXIT

for _ in $(seq 1 150); do
  curl -fs "http://127.0.0.1:$port/v1/ping" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$port/v1/ping" >/dev/null || { echo "gateway did not start:" >&2; cat "$out/gateway.log" >&2; exit 1; }

run() { # name script seconds
  wrk -t"$threads" -c"$connections" -d"$3s" --latency -s "$load/$2" "http://127.0.0.1:$port" >"$out/$1.txt"
}
# Warm-up: JIT tiering, connection pools, SQLite page cache.
run warm-ping ping.lua 3; run warm-recommend recommend.lua 3
run ping ping.lua "$duration"
run recommend recommend.lua "$duration"

field() { grep -E "$2" "$out/$1.txt" | head -1 | awk "{print \$$3}"; }
rps_ping=$(field ping 'Requests/sec' 2); rps_rec=$(field recommend 'Requests/sec' 2)
errors() { grep -E 'Non-2xx|Socket errors' "$out/$1.txt" | tr '\n' ' ' || true; }
printf '\nwrk -t%s -c%s -d%ss --latency, %s cores, %s\n' "$threads" "$connections" "$duration" "$(nproc)" "$(date -u +%FT%TZ)"
printf '%-16s %12s %10s %10s %10s  %s\n' endpoint req/s p50 p90 p99 errors
for name in ping recommend; do
  printf '%-16s %12s %10s %10s %10s  %s\n' "$name" "$(field $name 'Requests/sec' 2)" "$(field $name '^ +50%' 2)" \
    "$(field $name '^ +90%' 2)" "$(field $name '^ +99%' 2)" "$(errors $name)"
done
ratio=$(awk -v a="$rps_rec" -v b="$rps_ping" 'BEGIN { printf "%.1f", 100 * a / b }')
printf '\n/v1/recommend reaches %s%% of /v1/ping throughput (target >= 50%%)\n' "$ratio"
awk -v r="$ratio" 'BEGIN { exit !(r >= 50) }'
