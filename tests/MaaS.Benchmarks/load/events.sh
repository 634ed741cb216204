#!/usr/bin/env bash
# Durable event ingestion over HTTP: POST /v1/events with batches of 500 (events.lua) against the Release gateway on
# its embedded SQLite (synchronous=FULL: each 200 is sent after the WAL fsync), at 1 and 4 connections, after a
# warm-up. Prints acknowledged events/s and batch latency. Usage: tests/MaaS.Benchmarks/load/events.sh [seconds, default 10]
set -euo pipefail
source "$(dirname "$0")/gateway.sh"
duration="${1:-10}"
port="${MAAS_LOAD_PORT:-$(free_port)}"
start_gateway "$port" --Recommendations:RebuildIntervalSeconds=0
wrk -t1 -c4 -d5s -s "$load/events.lua" "$GATEWAY_URL" -- warm >/dev/null
printf 'POST /v1/events, 500 events per batch, %ss per run, %s cores, %s\n' "$duration" "$(nproc)" "$(date -u +%FT%TZ)"
for c in 1 4; do
  printf 'connections=%s %s\n' "$c" "$(wrk -t1 -c"$c" -d"${duration}s" --timeout 10s -s "$load/events.lua" "$GATEWAY_URL" -- "c$c" | grep '^RESULT')"
done
