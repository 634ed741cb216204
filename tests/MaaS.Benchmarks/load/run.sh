#!/usr/bin/env bash
# Load test of the recommendation path against the gateway's trivial JSON endpoint, in one run.
# Builds and starts the Release gateway on loopback over a fresh temp data folder (demo seed + first index), warms
# both endpoints up, runs wrk on each in alternating rounds (same connections, threads and duration; alternation so
# drift in machine load hits both alike), prints each round and the medians, stops the gateway.
# Usage: tests/MaaS.Benchmarks/load/run.sh [seconds per endpoint, default 10] [connections, default 64] [threads, default 2] [rounds, default 3]
set -euo pipefail
source "$(dirname "$0")/gateway.sh"
duration="${1:-10}"; connections="${2:-64}"; threads="${3:-2}"; rounds="${4:-3}"
port="${MAAS_LOAD_PORT:-$(free_port)}"
start_gateway "$port" --Recommendations:RebuildIntervalSeconds=0
out="$GATEWAY_OUT"

run() { # name script seconds
  wrk -t"$threads" -c"$connections" -d"$3s" --latency -s "$load/$2" "$GATEWAY_URL" >"$out/$1.txt"
}
# Warm-up: JIT tiering, connection pools, SQLite page cache.
run warm-ping ping.lua 3; run warm-recommend recommend.lua 3
for r in $(seq 1 "$rounds"); do
  run "ping-$r" ping.lua "$duration"
  run "recommend-$r" recommend.lua "$duration"
done

printf '\nwrk -t%s -c%s -d%ss --latency, %s rounds, %s cores, %s\n' "$threads" "$connections" "$duration" "$rounds" "$(nproc)" "$(date -u +%FT%TZ)"
report_ab ping recommend "$rounds" 50 "/v1/recommend throughput"
