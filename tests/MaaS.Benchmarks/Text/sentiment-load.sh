#!/usr/bin/env bash
# Load run of POST /v1/sentiment with 64 short texts per request (sentiment-64.lua): builds and starts the Release
# gateway on loopback over a temp data folder (ORT single-threaded per run: the batcher and Kestrel use the cores),
# warms up, runs wrk, prints texts/s and p50/p90/p99, stops the gateway. Auth is off, as for dotnet run.
# Usage: tests/MaaS.Benchmarks/Text/sentiment-load.sh [seconds, default 20] [connections, default 16] [threads, default 2]
set -euo pipefail
cd "$(dirname "$0")/../../.."
duration="${1:-20}"; connections="${2:-16}"; threads="${3:-2}"
port="${MAAS_LOAD_PORT:-18090}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }

dotnet build src/MaaS.Gateway -c Release -nologo -v q >/dev/null
data="$(mktemp -d)"; log="$(mktemp)"
root="$PWD"; bin="$root/src/MaaS.Gateway/bin/Release/net10.0"
(cd "$bin" && exec dotnet MaaS.Gateway.dll --urls "http://127.0.0.1:$port" --Storage:DataDirectory="$data" \
  --Serving:RepositoryPath="$root/models" --Serving:IntraOpNumThreads=1 --Serving:InterOpNumThreads=1 \
  --Serilog:MinimumLevel:Default=Warning --Recommendations:BuildOnStart=false) >"$log" 2>&1 &
gateway=$!
cleanup() { kill "$gateway" 2>/dev/null || true; wait "$gateway" 2>/dev/null || true; rm -rf "$data" "$log"; }
trap cleanup EXIT
for _ in $(seq 1 150); do
  curl -fs "http://127.0.0.1:$port/v2/health/ready" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$port/v2/health/ready" >/dev/null || { echo "gateway did not become ready:" >&2; cat "$log" >&2; exit 1; }

script=tests/MaaS.Benchmarks/Text/sentiment-64.lua
wrk -t"$threads" -c"$connections" -d5s -s "$script" "http://127.0.0.1:$port" >/dev/null   # warm-up: JIT, batcher, ORT
echo "wrk -t$threads -c$connections -d${duration}s, 64 texts per request, $(nproc) cores, $(date -u +%FT%TZ)"
wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$script" "http://127.0.0.1:$port" | grep -E 'texts/s|latency p50|^status'
