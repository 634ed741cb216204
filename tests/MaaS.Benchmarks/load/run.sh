#!/usr/bin/env bash
# Load test of the recommendation path against the gateway's trivial JSON endpoint, in one run.
# Builds and starts the Release gateway on loopback over a fresh temp data folder (demo seed + first index), warms
# both endpoints up, runs wrk on each in alternating rounds (same connections, threads and duration; alternation so
# drift in machine load hits both alike), prints each round and the medians, stops the gateway.
# Usage: tests/MaaS.Benchmarks/load/run.sh [seconds per endpoint, default 10] [connections, default 64] [threads, default 2] [rounds, default 3]
set -euo pipefail
cd "$(dirname "$0")/../../.."
duration="${1:-10}"; connections="${2:-64}"; threads="${3:-2}"; rounds="${4:-3}"
port="${MAAS_LOAD_PORT:-18089}"
load="tests/MaaS.Benchmarks/load"
source "$load/gateway.sh"
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

field() { grep -E "$2" "$out/$1.txt" | head -1 | awk "{print \$$3}"; }
errors() { grep -E 'Non-2xx|Socket errors' "$out/$1.txt" | tr '\n' ' ' || true; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '\nwrk -t%s -c%s -d%ss --latency, %s rounds, %s cores, %s\n' "$threads" "$connections" "$duration" "$rounds" "$(nproc)" "$(date -u +%FT%TZ)"
printf '%-16s %12s %10s %10s %10s  %s\n' endpoint req/s p50 p90 p99 errors
ratios=()
for r in $(seq 1 "$rounds"); do
  for name in ping recommend; do
    printf '%-16s %12s %10s %10s %10s  %s\n' "$name-$r" "$(field "$name-$r" 'Requests/sec' 2)" "$(field "$name-$r" '^ +50%' 2)" \
      "$(field "$name-$r" '^ +90%' 2)" "$(field "$name-$r" '^ +99%' 2)" "$(errors "$name-$r")"
  done
  ratios+=("$(awk -v a="$(field "recommend-$r" 'Requests/sec' 2)" -v b="$(field "ping-$r" 'Requests/sec' 2)" 'BEGIN { printf "%.1f", 100 * a / b }')")
done
med_ping=$(for r in $(seq 1 "$rounds"); do field "ping-$r" 'Requests/sec' 2; done | median)
med_rec=$(for r in $(seq 1 "$rounds"); do field "recommend-$r" 'Requests/sec' 2; done | median)
ratio=$(printf '%s\n' "${ratios[@]}" | median)
printf '\nmedian req/s: ping %s, recommend %s; per-round recommend/ping: %s%%\n' "$med_ping" "$med_rec" "${ratios[*]}"
printf '/v1/recommend reaches %s%% of /v1/ping throughput (median of the rounds; target >= 50%%)\n' "$ratio"
awk -v r="$ratio" 'BEGIN { exit !(r >= 50) }'
