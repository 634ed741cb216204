#!/usr/bin/env bash
# GET /v1/search/suggest as served, against GET /v1/ping for scale: one Release gateway on loopback over a SQLite data
# folder seeded with <items> synthetic items (`search-seed`: Netflix titles with a variant number), wrk at
# <connections> connections, the two interleaved (suggest, ping, suggest, ping, ...). Each suggest request is one
# keystroke of a test title typed from its first character (at most 15), so a third of them are 1- to 3-letter
# prefixes, the broadest. Prints each run's rate, latencies and the gateway's CPU per request, and the load average.
# Usage: tests/MaaS.Benchmarks/load/suggest.sh [seconds per run, default 10] [connections, default 16] [threads, default 2] [rounds, default 3] [items, default 100000]
set -euo pipefail
# gateway.sh moves to the repository root and sets $load.
source "$(dirname "$0")/gateway.sh"
read -r duration connections threads rounds items <<<"${1:-10} ${2:-16} ${3:-2} ${4:-3} ${5:-100000}"
seeded="$(mktemp -d)"
out="$(mktemp -d)"
seed_suggest "$items" "$seeded" "$out"
MAAS_LOAD_READY_SECONDS="${MAAS_LOAD_READY_SECONDS:-600}" start_gateway "${MAAS_LOAD_PORT:-$(free_port)}" --Storage:DataDirectory="$seeded" --Recommendations:RebuildIntervalSeconds=0
cleanup() { stop_gateway; rm -rf "$seeded" "$out"; }
trap cleanup EXIT
# The first call loads the catalogue and builds the title index.
curl -fs "$GATEWAY_URL/v1/search/suggest?q=love" >/dev/null
run() { # name seconds path
  local before after
  before=$(ticks "$GATEWAY_PID")
  SUGGEST_QUERIES="$out/queries.txt" SUGGEST_PATH="$3" wrk -t"$threads" -c"$connections" -d"$2s" --latency -s "$load/suggest.lua" "$GATEWAY_URL" >"$out/$1.txt" 2>"$out/$1.err"
  after=$(ticks "$GATEWAY_PID")
  echo $((after - before)) >"$out/$1.cpu"
}
run warm-suggest 3 /v1/search/suggest; run warm-ping 3 /v1/ping
echo "uptime at start: $(uptime)"
for r in $(seq 1 "$rounds"); do
  run "suggest-$r" "$duration" /v1/search/suggest
  run "ping-$r" "$duration" /v1/ping
done
echo "uptime at end: $(uptime)"
printf '\nwrk -t%s -c%s -d%ss --latency over %s items (%s typed prefixes), %s rounds, %s cores, %s\n' "$threads" "$connections" "$duration" "$items" "$(wc -l <"$out/queries.txt")" "$rounds" "$(nproc)" "$(date -u +%FT%TZ)"
printf '%-10s %10s %10s %10s %10s %14s  %s\n' run req/s p50 p90 p99 'CPU us/req' errors
for r in $(seq 1 "$rounds"); do
  for name in suggest ping; do
    printf '%-10s %10s %10s %10s %10s %14s  %s\n' "$name-$r" "$(field "$name-$r" 'Requests/sec' 2)" "$(field "$name-$r" '^ +50%' 2)" \
      "$(field "$name-$r" '^ +90%' 2)" "$(field "$name-$r" '^ +99%' 2)" "$(cpu_us "$name-$r")" "$(errors "$name-$r")"
    head -2 "$out/$name-$r.err" | sed 's/^/           /'
  done
done
