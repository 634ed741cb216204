#!/usr/bin/env bash
# Load run of POST /v1/sentiment with real MR sentences (sentiment-mr.lua): starts the Release gateway on loopback,
# warms up, then runs batch 1 and batch 64 interleaved for <rounds> rounds at <connections> connections; prints
# texts/s and p50/p90/p99 of each, and per round the batch-64 / batch-1 ratio of texts/s (per-sentence speed).
# Usage: tests/MaaS.Benchmarks/Text/sentiment-mr-load.sh [seconds, default 10] [connections, default 16] [rounds, default 3]
set -euo pipefail
cd "$(dirname "$0")/../../.."
duration="${1:-10}"; connections="${2:-16}"; rounds="${3:-3}"
port="${MAAS_LOAD_PORT:-18091}"
# The shared data sit beside the repository (../shared), or beside the worktrees' folder for a git worktree.
for shared in ../shared ../../shared; do [ -d "$shared/data/sentiment/mr" ] && break; done
mr="$(cd "$shared/data/sentiment/mr" && pwd)"
source tests/MaaS.Benchmarks/load/gateway.sh
start_gateway "$port" --Recommendations:BuildOnStart=false

script=tests/MaaS.Benchmarks/Text/sentiment-mr.lua
for batch in 1 64; do wrk -t2 -c"$connections" -d5s -s "$script" "$GATEWAY_URL" -- "$mr" "$batch" >/dev/null; done  # warm-up
echo "wrk -t2 -c$connections -d${duration}s, MR sentences, $rounds rounds, $(nproc) cores, $(date -u +%FT%TZ)"
for round in $(seq 1 "$rounds"); do
  declare -A rate=()
  for batch in 1 64; do
    out="$(wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$script" "$GATEWAY_URL" -- "$mr" "$batch" | grep -E 'texts/s|latency p50|^status')"
    echo "round $round, batch $batch: $(tr '\n' ' ' <<<"$out")"
    rate[$batch]="$(sed -nE 's/.*texts\/s: ([0-9]+).*/\1/p' <<<"$out")"
  done
  awk -v r="$round" -v a="${rate[1]}" -v b="${rate[64]}" 'BEGIN { printf "round %d: batch 64 / batch 1 texts/s = %.2fx\n", r, b / a }'
done
