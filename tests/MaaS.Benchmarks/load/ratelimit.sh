#!/usr/bin/env bash
# Per-key rate limits under load: a gateway with auth on; key "hot", limited to 50 req/s (burst 50), is driven at 10x
# its limit (5 connections paced at one request per 10 ms: ~500 req/s offered), then flooded without pacing, while
# key "calm" runs V2 infer on one connection. Prints calm's latency alone (baseline), during the 10x run and during
# the flood, and hot's status counts (429s expected, ~50 x 200 per second).
# Usage: tests/MaaS.Benchmarks/load/ratelimit.sh [seconds, default 15]
set -euo pipefail
cd "$(dirname "$0")/../../.."
duration="${1:-15}"
port="${MAAS_LOAD_PORT:-18092}"; url="http://127.0.0.1:$port"
load="tests/MaaS.Benchmarks/load"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }

dotnet build src/MaaS.Gateway -c Release -nologo -v q >/dev/null
root="$PWD"; data="$(mktemp -d)"; out="$(mktemp -d)"
admin="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
(cd "$root/src/MaaS.Gateway/bin/Release/net10.0" && exec env Auth__BootstrapAdminKey="$admin" dotnet MaaS.Gateway.dll \
  --urls "$url" --Storage:DataDirectory="$data" --Serving:RepositoryPath="$root/models" --Auth:Enabled=true \
  --Serilog:MinimumLevel:Default=Warning --Recommendations:BuildOnStart=false) >"$out/gateway.log" 2>&1 &
gateway=$!
cleanup() { kill "$gateway" 2>/dev/null || true; wait "$gateway" 2>/dev/null || true; rm -rf "$data" "$out"; }
trap cleanup EXIT
for _ in $(seq 1 150); do curl -fs "$url/v2/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs "$url/v2/health/ready" >/dev/null || { echo "gateway did not become ready:" >&2; cat "$out/gateway.log" >&2; exit 1; }

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
