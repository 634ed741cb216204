#!/usr/bin/env bash
# What a gateway's first /metrics scrape adds to a request: prometheus-net starts its meter adapter then, and every
# meter it publishes is recorded through it from then on (docs/benchmarks.md, "The meter adapter's per-request cost").
# One gateway, started without a scrape: wrk on /v1/ping (64 connections) for the given seconds, twice, then one scrape
# and twice more, each run's gateway CPU per request (utime + stime from /proc) printed.
# Usage: [MAAS_GATEWAY_DIR=<Release gateway output>] tests/MaaS.Benchmarks/load/scrape-cost.sh [seconds, default 8]
set -euo pipefail
source "$(dirname "$0")/gateway.sh"
duration="${1:-8}"
MAAS_LOAD_NO_SCRAPE=1 start_gateway "${MAAS_LOAD_PORT:-$(free_port)}" --Recommendations:RebuildIntervalSeconds=0 --Grpc:Port=0
run() { # name seconds
  local before after requests
  before=$(ticks "$GATEWAY_PID")
  wrk -t2 -c64 -d"$2s" -s "$load/ping.lua" "$GATEWAY_URL" >"$GATEWAY_OUT/$1.txt"
  after=$(ticks "$GATEWAY_PID")
  requests=$(awk '/requests in/ { print $1 }' "$GATEWAY_OUT/$1.txt")
  awk -v name="$1" -v t=$((after - before)) -v n="$requests" -v hz="$(getconf CLK_TCK)" -v rps="$(awk '/^Requests\/sec/ { print $2 }' "$GATEWAY_OUT/$1.txt")" \
    'BEGIN { printf "%-10s %10.0f req/s %7.1f us CPU per ping\n", name, rps, 1e6 * t / hz / n }'
}
run warm-up 10 >/dev/null
run unscraped "$duration"; run unscraped "$duration"
curl -fs "$GATEWAY_URL/metrics" >/dev/null
run scraped "$duration"; run scraped "$duration"
