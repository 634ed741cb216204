#!/usr/bin/env bash
# Decision agents under load (issue #20): POST /v1/agents/load/decide (10 actions, 50 context features, ε-greedy over
# disjoint ridge models; each decision is in the SQLite log before its 200) against GET /v1/ping, interleaved
# (ping, decide, ping, decide, ...) so drift hits both alike, then durable batch outcomes: POST .../outcomes with 1,000
# outcomes per request for decisions logged before (each answered "applied" only once stored).
# Usage: tests/MaaS.Benchmarks/load/agents.sh [seconds, default 10] [connections, default 64] [rounds, default 3]
# (MAAS_LOAD_WARMUP_SECONDS, default 15: the warm-up of each path before the rounds)
set -euo pipefail
source "$(dirname "$0")/gateway.sh"
duration="${1:-10}"; connections="${2:-64}"; rounds="${3:-3}"
port="${MAAS_LOAD_PORT:-$(free_port)}"
start_gateway "$port" --Recommendations:RebuildIntervalSeconds=0
features=$(seq -s, -f '"f%g"' 1 50)
actions=$(seq -s, -f '{"id":"a%g"}' 1 10)
curl -fs -X PUT "$GATEWAY_URL/v1/agents/load" -H 'Content-Type: application/json' -d "{\"contextFeatures\":[$features],\"actions\":[$actions],
  \"policy\":{\"kind\":\"epsilon-greedy\",\"epsilon\":0.05,\"model\":\"disjoint\"},\"rewardWindowSeconds\":604800}" >/dev/null
# Warm-up of both paths until tiered compilation has settled: a profile at 20 s of decide load still found 23-28 % of
# the gateway's samples in the JIT on a loaded box, and the 3 s used before left round 1 measuring a cold ping.
warmup="${MAAS_LOAD_WARMUP_SECONDS:-15}"
wrk -t2 -c"$connections" -d"${warmup}s" -s "$load/agents-decide.lua" "$GATEWAY_URL" >/dev/null
wrk -t2 -c"$connections" -d"${warmup}s" -s "$load/ping.lua" "$GATEWAY_URL" >/dev/null
rps() { grep '^Requests/sec' | awk '{ print $2 }'; }
printf 'decide (10 actions, 50 features) vs /v1/ping, %s connections, %ss per run, %s cores, %s\n' "$connections" "$duration" "$(nproc)" "$(date -u +%FT%TZ)"
ids="$GATEWAY_OUT/ids.txt"
rm -f "$ids" "$ids".*
for r in $(seq 1 "$rounds"); do
  ping=$(wrk -t2 -c"$connections" -d"${duration}s" -s "$load/ping.lua" "$GATEWAY_URL" | rps)
  decide=$(wrk -t2 -c"$connections" -d"${duration}s" -s "$load/agents-decide.lua" "$GATEWAY_URL" | rps)
  printf 'round %s: ping %s req/s, decide %s req/s, decide/ping %s\n' "$r" "$ping" "$decide" "$(awk -v a="$decide" -v b="$ping" 'BEGIN { printf "%.3f", a / b }')"
done
# The outcomes' decisions, logged by a run of their own that reads every answer (the rounds above read none, as ping's
# do not: the load generator shares the cores, and parsing decide's answers in Lua would cost decide alone).
MAAS_DECISION_IDS=1 wrk -t2 -c"$connections" -d8s -s "$load/agents-decide.lua" "$GATEWAY_URL" -- "$ids" >/dev/null
cat "$ids".* > "$ids"
printf 'batch outcomes (1,000 per request) over %s logged decisions, 2 connections, 2s:\n' "$(wc -l <"$ids")"
wrk -t2 -c2 -d2s --timeout 10s -s "$load/agents-outcomes.lua" "$GATEWAY_URL" -- "$ids" 2 | grep '^RESULT'
