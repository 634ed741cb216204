#!/usr/bin/env bash
# /v1/recommend over SQLite against the same over PostgreSQL, one replica each, in one run.
# Starts two Release gateways on loopback (each over a fresh demo seed and its first index: one on a temp SQLite
# folder, one on a fresh schema of the local PostgreSQL), warms both up, then runs wrk on each in alternating rounds
# (SQLite, PostgreSQL, SQLite, ...: drift in machine load hits both alike), prints each round, the per-round ratio
# and its median, stops both gateways and drops the schema.
# Usage: tests/MaaS.Benchmarks/load/storage.sh [seconds per run, default 10] [connections, default 64] [threads, default 2] [rounds, default 3]
# Environment: MAAS_LOAD_POSTGRES (Npgsql connection string, default the test server), MAAS_LOAD_PG_ARGS (extra
# gateway arguments for the PostgreSQL replica only, e.g. a pool size to compare).
set -euo pipefail
source "$(dirname "$0")/gateway.sh"
duration="${1:-10}"; connections="${2:-64}"; threads="${3:-2}"; rounds="${4:-3}"
pg="${MAAS_LOAD_POSTGRES:-Host=127.0.0.1;Port=5432;Username=maas;Password=maas;Database=maas_test}"
schema="maas_load_$(date +%s)_$$"
# MAAS_LOAD_PORT and the port after it, or two free ones.
read -r sqlite_port postgres_port < <(free_port 2)
[ -z "${MAAS_LOAD_PORT:-}" ] || { sqlite_port=$MAAS_LOAD_PORT; postgres_port=$((MAAS_LOAD_PORT + 1)); }

start_gateway "$sqlite_port" --Recommendations:RebuildIntervalSeconds=0
sqlite=("$GATEWAY_URL" "$GATEWAY_PID" "$GATEWAY_DATA" "$GATEWAY_OUT")
# shellcheck disable=SC2086
start_gateway "$postgres_port" --Recommendations:RebuildIntervalSeconds=0 \
  --Storage:Provider=Postgres --Storage:Postgres:ConnectionString="$pg" --Storage:Postgres:Schema="$schema" ${MAAS_LOAD_PG_ARGS:-}
postgres=("$GATEWAY_URL" "$GATEWAY_PID" "$GATEWAY_DATA" "$GATEWAY_OUT")
out="$(mktemp -d)"
stop_both() {
  for g in sqlite postgres; do
    local -n v=$g; kill "${v[1]}" 2>/dev/null || true; wait "${v[1]}" 2>/dev/null || true; rm -rf "${v[2]}" "${v[3]}"
  done
  psql "postgresql://maas:maas@127.0.0.1:5432/maas_test" -qc "DROP SCHEMA IF EXISTS \"$schema\" CASCADE" >/dev/null 2>&1 || true
  rm -rf "$out"
}
trap stop_both EXIT

run() { # name url seconds
  wrk -t"$threads" -c"$connections" -d"$3s" --latency -s "$load/recommend.lua" "$2" >"$out/$1.txt"
}
# Warm-up: JIT tiering, connection pools, page caches, and each user's history cached once.
run warm-sqlite "${sqlite[0]}" 3; run warm-postgres "${postgres[0]}" 3
for r in $(seq 1 "$rounds"); do
  run "sqlite-$r" "${sqlite[0]}" "$duration"
  run "postgres-$r" "${postgres[0]}" "$duration"
done

printf '\nwrk -t%s -c%s -d%ss --latency /v1/recommend, %s rounds, %s cores, %s\n' "$threads" "$connections" "$duration" "$rounds" "$(nproc)" "$(date -u +%FT%TZ)"
report_ab sqlite postgres "$rounds" 50 "/v1/recommend over PostgreSQL"
