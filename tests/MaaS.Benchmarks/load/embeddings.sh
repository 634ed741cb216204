#!/usr/bin/env bash
# POST /v1/embeddings, one MR sentence per request, at <connections> connections, A/B interleaved: gateway A is the
# Release gateway in $EMBED_BASELINE_DIR (another build's output folder, e.g. main's), gateway B this tree's; both serve
# this tree's models/ (a build that does not know a model.json setting ignores it). Each run records the gateway's CPU
# (utime + stime) and the encoder's rows per run from its /v2 statistics. Auth off, work budget lifted.
# Usage: EMBED_BASELINE_DIR=... tests/MaaS.Benchmarks/load/embeddings.sh [seconds, default 10] [connections, default 64] [threads, default 2] [rounds, default 3]
set -euo pipefail
source "$(dirname "$0")/gateway.sh"
duration="${1:-10}"; connections="${2:-64}"; threads="${3:-2}"; rounds="${4:-3}"
read -r a_port b_port < <(free_port 2)
a_port="${MAAS_LOAD_PORT:-$a_port}"; b_port="${MAAS_LOAD_PORT_2:-$b_port}"
baseline="${EMBED_BASELINE_DIR:?set EMBED_BASELINE_DIR to the output folder of the baseline gateway}"
texts="$(mktemp)"
data="$(shared_data)"
# JSON-escaped MR sentences (Latin-1 bytes dropped), shuffled with a fixed seed.
LC_ALL=C tr -cd '\11\12\40-\176' <"$data/sentiment/mr/rt-polarity.pos" | sed 's/\\/\\\\/g; s/"/\\"/g; s/ *$//' >"$texts"
LC_ALL=C tr -cd '\11\12\40-\176' <"$data/sentiment/mr/rt-polarity.neg" | sed 's/\\/\\\\/g; s/"/\\"/g; s/ *$//' >>"$texts"
shuf --random-source=<(yes) -o "$texts" "$texts"
budget=(--Auth:Admission:CostPerSecond=100000000 --Auth:Admission:CostBurst=100000000)
MAAS_GATEWAY_DIR="$baseline" start_gateway "$a_port" --Recommendations:RebuildIntervalSeconds=0 --Search:ContentEmbeddings=false "${budget[@]}"
a_pid=$GATEWAY_PID; a_data=$GATEWAY_DATA; a_out=$GATEWAY_OUT
start_gateway "$b_port" --Recommendations:RebuildIntervalSeconds=0 --Search:ContentEmbeddings=false "${budget[@]}"
out="$GATEWAY_OUT"
trap 'kill $a_pid 2>/dev/null || true; wait $a_pid 2>/dev/null || true; rm -rf "$a_data" "$a_out" "$texts"; stop_gateway' EXIT

run() { # name pid port seconds
  local before after e0 e1
  e0=($(model_counts "http://127.0.0.1:$3" all-minilm-l6-v2)); before=$(ticks "$2")
  SEARCH_QUERIES="$texts" wrk -t"$threads" -c"$connections" -d"$4s" --latency -s "$load/embeddings.lua" "http://127.0.0.1:$3" >"$out/$1.txt" 2>"$out/$1.err"
  after=$(ticks "$2"); e1=($(model_counts "http://127.0.0.1:$3" all-minilm-l6-v2))
  echo $((after - before)) >"$out/$1.cpu"
  awk -v r=$((e1[0] - e0[0])) -v b=$((e1[1] - e0[1])) 'BEGIN { if (b > 0) printf "%.2f", r / b; else printf "-" }' >"$out/$1.rows"
}
run warm-a "$a_pid" "$a_port" 5; run warm-b "$GATEWAY_PID" "$b_port" 5
echo "uptime at start: $(uptime)"
for r in $(seq 1 "$rounds"); do
  run "a-$r" "$a_pid" "$a_port" "$duration"
  run "b-$r" "$GATEWAY_PID" "$b_port" "$duration"
done
echo "uptime at end: $(uptime)"
printf '\nwrk -t%s -c%s -d%ss --latency POST /v1/embeddings (one MR sentence each), %s rounds, %s cores, A %s, B this tree, %s\n' \
  "$threads" "$connections" "$duration" "$rounds" "$(nproc)" "$baseline" "$(date -u +%FT%TZ)"
printf '%-6s %10s %10s %10s %10s %12s %10s  %s\n' run req/s p50 p90 p99 'CPU µs/req' rows/run errors
for r in $(seq 1 "$rounds"); do
  for name in a b; do
    printf '%-6s %10s %10s %10s %10s %12s %10s  %s\n' "$name-$r" "$(field "$name-$r" 'Requests/sec' 2)" "$(field "$name-$r" '^ +50%' 2)" \
      "$(field "$name-$r" '^ +90%' 2)" "$(field "$name-$r" '^ +99%' 2)" "$(cpu_us "$name-$r")" "$(cat "$out/$name-$r.rows")" "$(errors "$name-$r")"
    head -2 "$out/$name-$r.err" | sed 's/^/       /'
  done
done
