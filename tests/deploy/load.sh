#!/usr/bin/env bash
# Throughput and latency (p50/p99) of recommend, sentiment and V2 infer at 1, 16 and 64 connections, against one
# gateway replica directly and against nginx in front of two, all over PostgreSQL.
#   tests/deploy/load.sh [seconds per run, default 5]     (WARMUP_SECONDS per endpoint before measuring, default 10)
# Prints a markdown table. Needs wrk, nginx, psql and PostgreSQL (see topology.sh).
set -euo pipefail
DURATION="${1:-5}"
source "$(dirname "${BASH_SOURCE[0]}")/topology.sh"
export DEPLOY_DIR
work=$(mktemp -d /tmp/maas-load.XXXXXX)
trap 'topology_down "$work"; rm -rf "$work"' EXIT

run_wrk() { # run_wrk <url> <script> <connections>
  local threads=2; [ "$3" -lt 2 ] && threads=1
  wrk -t"$threads" -c"$3" -d"${DURATION}s" --timeout 10s -s "$DEPLOY_DIR/$2.lua" "$1" | grep '^RESULT'
}

rows=()
for replicas in 1 2; do
  topology_up "$work" "$replicas"
  if [ "$replicas" = 1 ]; then target="${GATEWAY_URLS%% *}"; label="1 replica (direct)"; else target="$NGINX_URL"; label="2 replicas (nginx)"; fi
  # Warm-up at the highest concurrency measured: tiered JIT (on 2 cores its background compiles took more than 15 s
  # of a 2 s x 4-connection warm-up and the first cells), ONNX sessions, and connection pools grown to the size the
  # 64-connection cells use (each new PostgreSQL connection pays a TLS handshake and SCRAM authentication).
  for s in recommend sentiment infer; do wrk -t2 -c64 -d"${WARMUP_SECONDS:-10}s" -s "$DEPLOY_DIR/$s.lua" "$target" >/dev/null; done
  for s in recommend sentiment infer; do
    for c in 1 16 64; do
      r=$(run_wrk "$target" "$s" "$c")
      get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" ${r#RESULT}"; }
      rows+=("| $label | $s | $c | $(get rps) | $(get p50_ms) | $(get p99_ms) | $(( $(get s5xx) + $(get other) + $(get socket_errors) )) |")
      echo "$label $s c=$c: $r" >&2
    done
  done
  topology_down "$work"
  rm -f "$work/nginx.pid"
done

echo "| topology | endpoint | connections | req/s | p50 ms | p99 ms | errors |"
echo "|---|---|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
