#!/usr/bin/env bash
# Trending from the shared event log, A/B: two gateway builds side by side on one storage (each its own PostgreSQL
# schema, or its own SQLite folder), each over a fresh demo seed and its first index, driven in interleaved rounds
# (A, B, A, B, ...) of <seconds> by wrk with one workload:
#   events     POST /v1/events, batches of 500 (events.lua, 4 connections): what the shared advisory lock of every
#              PostgreSQL append and the follower's reads cost ingestion
#   recommend  POST /v1/recommend (recommend.lua, 16 connections), the follower reading meanwhile nothing new
#   rows       POST /v1/recommend/rows (rows.lua's five-row page, 8 connections)
# Prints per round each arm's rate and the gateway's CPU (utime + stime) per request, then the medians of the per-round
# ratios A / B (interleave_arms).
# MAAS_AB_A_ENV / MAAS_AB_B_ENV: variables (NAME=value, space-separated) that arm's gateway runs with, e.g. a
# diagnostic switch of a measurement build, so one build can be both arms.
# Usage: MAAS_AB_A_DIR=<Release gateway output folder> MAAS_AB_B_DIR=<another> \
#        tests/MaaS.Benchmarks/load/trending-ab.sh <events|recommend|rows> [postgres|sqlite, default postgres] [rounds, default 3] [seconds, default 10]
# Environment: MAAS_LOAD_POSTGRES (Npgsql connection string, default the test server).
set -euo pipefail
source "$(dirname "$0")/gateway.sh"
workload="${1:?events, recommend or rows}"; storage="${2:-postgres}"; rounds="${3:-3}"; seconds="${4:-10}"
pg="${MAAS_LOAD_POSTGRES:-Host=127.0.0.1;Port=5432;Username=maas;Password=maas;Database=maas_test}"
case "$workload" in
  events) script=events.lua; connections=4 ;;
  recommend) script=recommend.lua; connections=16 ;;
  rows) script=rows.lua; connections=8 ;;
  *) echo "unknown workload $workload" >&2; exit 2 ;;
esac
threads=$(( connections < 2 ? connections : 2 ))
read -r -a ports < <(free_port 2)
declare -A pid url
pids=(); dirs=(); schemas=(); out="$(mktemp -d)"; dirs+=("$out")
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  for s in "${schemas[@]}"; do PGPASSWORD=maas psql -h 127.0.0.1 -U maas -d maas_test -qc "DROP SCHEMA IF EXISTS \"$s\" CASCADE" >/dev/null 2>&1 || true; done
  rm -rf "${dirs[@]}"
}
trap cleanup EXIT
launch() { # <arm> <port>
  local dir_var="MAAS_AB_${1}_DIR" args=(--Recommendations:RebuildIntervalSeconds=0)
  if [ "$storage" = postgres ]; then
    local schema="maas_trend_$(date +%s)_$$_${1,,}"; schemas+=("$schema")
    args+=(--Storage:Provider=Postgres "--Storage:Postgres:ConnectionString=$pg" "--Storage:Postgres:Schema=$schema" --Privacy:UserKey=cmVwbGljYS10b3BvbG9neS10ZXN0LXVzZXIta2V5ISE=)
  fi
  local env_var="MAAS_AB_${1}_ENV" kv
  for kv in ${!env_var:-}; do export "${kv?}"; done
  MAAS_GATEWAY_DIR="${!dir_var:?set $dir_var}" MAAS_LOAD_READY_SECONDS=120 start_gateway "$2" "${args[@]}"
  for kv in ${!env_var:-}; do unset "${kv%%=*}"; done
  trap cleanup EXIT
  pid[$1]=$GATEWAY_PID; url[$1]=$GATEWAY_URL; pids+=("$GATEWAY_PID"); dirs+=("$GATEWAY_DATA" "$GATEWAY_OUT")
}
launch A "${ports[0]}"; launch B "${ports[1]}"
for g in A B; do
  for _ in $(seq 1 600); do curl -fs "${url[$g]}/v1/items/movie-001/similar?count=1" >/dev/null 2>&1 && break; sleep 0.2; done
done
run() { # <arm> <round>
  local before after
  before="$(ticks "${pid[$1]}")"
  ROWS_ARM=rows wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 10s -s "$load/$script" "${url[$1]}" -- "$1-$2-$$" > "$out/$1-$2.txt"
  after="$(ticks "${pid[$1]}")"
  echo $((after - before)) > "$out/$1-$2.cpu"
  if grep -qE 'Non-2xx|Socket errors' "$out/$1-$2.txt"; then echo "$1 round $2: $(errors "$1-$2")" >&2; fi
  requests "$1-$2" > "$out/$1-$2.n"
}
echo "trending-ab $workload on $storage, $rounds rounds of ${seconds}s, $connections connections, A env '${MAAS_AB_A_ENV:-}', B env '${MAAS_AB_B_ENV:-}', $(date -u +%FT%TZ), load $(cut -d' ' -f1 /proc/loadavg)"
interleave_arms A B "$rounds" request
