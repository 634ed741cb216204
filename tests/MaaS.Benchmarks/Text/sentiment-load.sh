#!/usr/bin/env bash
# Load run of POST /v1/sentiment with 64 short texts per request (sentiment-64.lua): builds and starts the Release
# gateway on loopback over a temp data folder (ORT single-threaded per run: the batcher and Kestrel use the cores),
# warms up, runs wrk, prints texts/s and p50/p90/p99, stops the gateway. Auth is off, as for dotnet run.
# Usage: tests/MaaS.Benchmarks/Text/sentiment-load.sh [seconds, default 20] [connections, default 16] [threads, default 2]
set -euo pipefail
cd "$(dirname "$0")/../../.."
duration="${1:-20}"; connections="${2:-16}"; threads="${3:-2}"
port="${MAAS_LOAD_PORT:-18090}"
source tests/MaaS.Benchmarks/load/gateway.sh
start_gateway "$port" --Serving:IntraOpNumThreads=1 --Serving:InterOpNumThreads=1 --Recommendations:BuildOnStart=false

script=tests/MaaS.Benchmarks/Text/sentiment-64.lua
wrk -t"$threads" -c"$connections" -d5s -s "$script" "$GATEWAY_URL" >/dev/null   # warm-up: JIT, batcher, ORT
echo "wrk -t$threads -c$connections -d${duration}s, 64 texts per request, $(nproc) cores, $(date -u +%FT%TZ)"
wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$script" "$GATEWAY_URL" | grep -E 'texts/s|latency p50|^status'
