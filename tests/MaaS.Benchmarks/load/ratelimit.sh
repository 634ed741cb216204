#!/usr/bin/env bash
# Per-key rate limits under load: a gateway with auth on; key "hot", limited to 50 req/s (burst 50), is driven at 10x
# its limit (5 connections paced at one request per 10 ms: ~500 req/s offered), then flooded without pacing, while
# key "calm" runs V2 infer on one connection. Prints calm's latency alone (baseline), during the 10x run and during
# the flood, and hot's status counts (429s expected, ~50 x 200 per second).
# Usage: tests/MaaS.Benchmarks/load/ratelimit.sh [seconds, default 15]
set -euo pipefail
source "$(dirname "$0")/gateway.sh"
duration="${1:-15}"
port="${MAAS_LOAD_PORT:-$(free_port)}"
# The bootstrap admin key through the environment, not the command line (ps shows arguments).
Auth__BootstrapAdminKey="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"; export Auth__BootstrapAdminKey
admin="$Auth__BootstrapAdminKey"
start_gateway "$port" --Auth:Enabled=true --Recommendations:BuildOnStart=false
url="$GATEWAY_URL"; out="$GATEWAY_OUT"

create_key() { # name limits-json -> prints the key (shown once)
  curl -fs -X POST "$url/v1/keys" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$1\",\"roles\":[\"app\"],\"limits\":$2}" | sed -n 's/.*"key":"\([^"]*\)".*/\1/p'
}
hot=$(create_key hot '{"requestsPerSecond":50,"burst":50,"maxConcurrentRequests":32}')
calm=$(create_key calm '{"requestsPerSecond":100000,"burst":100000,"maxConcurrentRequests":32}')
[ -n "$hot" ] && [ -n "$calm" ] || { echo "could not create keys" >&2; exit 1; }

calm_run() { MAAS_KEY="$calm" wrk -t1 -c1 -d"${duration}s" --latency -s "$load/infer-key.lua" "$url"; }
MAAS_KEY="$calm" wrk -t1 -c4 -d3s -s "$load/infer-key.lua" "$url" >/dev/null   # warm-up
calm_run >"$out/alone.txt"
hot_run() { # label connections [delay-ms]
  MAAS_DELAY_MS="${3:-}" MAAS_KEY="$hot" wrk -t1 -c"$2" -d"$((duration + 4))s" -s "$load/infer-key.lua" "$url" >"$out/hot-$1.txt" &
  local pid=$!
  sleep 2
  calm_run >"$out/$1.txt"
  wait "$pid"
}
hot_run 10x 5 10
hot_run flood 8

field() { grep -E "$2" "$out/$1.txt" | head -1 | awk "{print \$$3}"; }
printf '\nrate limits under load, %s s, %s cores, %s\n' "$duration" "$(nproc)" "$(date -u +%FT%TZ)"
printf '%-34s %10s %10s %10s %10s\n' run req/s p50 p90 p99
for r in alone 10x flood; do
  printf '%-34s %10s %10s %10s %10s\n' "calm key, 1 connection ($r)" "$(field $r 'Requests/sec' 2)" "$(field $r '^ +50%' 2)" "$(field $r '^ +90%' 2)" "$(field $r '^ +99%' 2)"
done
for r in 10x flood; do
  echo "calm key statuses during hot $r: $(grep '^status' "$out/$r.txt" | sort | tr '\n' ' ')"
  echo "hot key ($r, limit 50/s): $(field "hot-$r" 'Requests/sec' 2) req/s offered; $(grep '^status' "$out/hot-$r.txt" | sort | tr '\n' ' ')"
done
