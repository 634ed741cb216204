#!/usr/bin/env bash
# Dynamic batching of a sentence encoder against batching off, at <connections> single-text clients (issue #17):
# POST /v1/embeddings, one text per request, on two gateways of one build (the shipped encoder, all-minilm-l6-v2 or
# EMBED_MODEL, batching on as its model.json says, and --Serving:DynamicBatching=false), for two kinds of text: short
# ones (the Netflix test titles, show id divisible by 5: what search queries look like) and sentences (MR). Each round
# runs every gateway on every set, the order rotating per round. Beside them, the ceiling that merging can approach: 32
# texts per request (EMBED_TEXTS_PER_REQUEST) at 4 connections on the batching-off gateway, in texts/s.
# EMBED_COMPARE='<jq filter>' adds a third gateway ("alt") whose encoder's model.json is the shipped one passed through
# the filter, e.g. '.instances = 1' or '.dynamicBatching.maxQueueDelayMicroseconds = 0'. Each run records the
# gateway's CPU per request (utime + stime) and the encoder's rows per run (its /v2 statistics).
# Usage: tests/MaaS.Benchmarks/load/embeddings-batching.sh [seconds, default 10] [connections, default 64] [rounds, default 3]
set -euo pipefail
source "$(dirname "$0")/gateway.sh"
duration="${1:-10}"; connections="${2:-64}"; rounds="${3:-3}"
model="${EMBED_MODEL:-all-minilm-l6-v2}"
data="$(shared_data)"
work="$(mktemp -d)"
# The test titles, JSON-escaped (non-ASCII dropped), and the MR sentences, each shuffled with a fixed seed.
python3 - "$data/content/netflix_titles.csv" >"$work/titles" <<'PY'
import csv, json, sys
for row in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
    digits = "".join(c for c in row["show_id"] if c.isdigit())
    title = row["title"].encode("ascii", "ignore").decode().strip()
    if digits and int(digits) % 5 == 0 and title:
        print(json.dumps(title)[1:-1])
PY
LC_ALL=C tr -cd '\11\12\40-\176' <"$data/sentiment/mr/rt-polarity.pos" | sed 's/\\/\\\\/g; s/"/\\"/g; s/ *$//' >"$work/sentences"
shuf --random-source=<(yes) -o "$work/titles" "$work/titles"; shuf --random-source=<(yes) -o "$work/sentences" "$work/sentences"

common=(--Recommendations:RebuildIntervalSeconds=0 --Search:ContentEmbeddings=false
  --Auth:Admission:CostPerSecond=100000000 --Auth:Admission:CostBurst=100000000)
names=(on off); settings=("--Serving:DynamicBatching=true" "--Serving:DynamicBatching=false")
if [ -n "${EMBED_COMPARE:-}" ]; then
  # A copy of models/ (links) whose encoder's model.json is the shipped one through the filter.
  cp -rs "$PWD/models" "$work/models"; rm "$work/models/$model/model.json"
  jq "$EMBED_COMPARE" "models/$model/model.json" >"$work/models/$model/model.json"
  echo "alt: $model's model.json through $EMBED_COMPARE"
  names+=(alt); settings+=("--Serving:DynamicBatching=true --Serving:RepositoryPath=$work/models")
fi
pids=(); ports=(); folders=()
for i in "${!names[@]}"; do
  port="$(free_port)"
  # shellcheck disable=SC2086
  MAAS_LOAD_READY_SECONDS="${MAAS_LOAD_READY_SECONDS:-120}" start_gateway "$port" "${common[@]}" ${settings[$i]}
  pids+=("$GATEWAY_PID"); ports+=("$port"); folders+=("$GATEWAY_DATA" "$GATEWAY_OUT")
done
out="$work/out"; mkdir "$out"
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "${folders[@]}" "$work"' EXIT

run() { # name gateway-index seconds set connections [texts per request]
  local before after e0 e1 pid=${pids[$2]} port=${ports[$2]}
  e0=($(model_counts "http://127.0.0.1:$port" "$model")); before=$(ticks "$pid")
  EMBED_MODEL="$model" EMBED_TEXTS_PER_REQUEST="${6:-1}" SEARCH_QUERIES="$work/$4" \
    wrk -t2 -c"$5" -d"$3s" --latency -s "$load/embeddings.lua" "http://127.0.0.1:$port" >"$out/$1.txt" 2>"$out/$1.err"
  after=$(ticks "$pid"); e1=($(model_counts "http://127.0.0.1:$port" "$model"))
  echo $((after - before)) >"$out/$1.cpu"
  awk -v r=$((e1[0] - e0[0])) -v b=$((e1[1] - e0[1])) 'BEGIN { if (b > 0) printf "%.2f", r / b; else printf "-" }' >"$out/$1.rows"
}
off=1; n=${#names[@]}
for set in titles sentences; do
  for i in "${!names[@]}"; do run "warm-$set-$i" "$i" 8 "$set" "$connections"; done
  run "warm-$set-ceiling" "$off" 5 "$set" 4 32
done
echo "start $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$rounds"); do
  for set in titles sentences; do
    for k in $(seq 0 "$n"); do
      i=$(( (k + r) % (n + 1) ))
      if [ "$i" -eq "$n" ]; then run "$set-ceiling-$r" "$off" "$duration" "$set" 4 32
      else run "$set-${names[$i]}-$r" "$i" "$duration" "$set" "$connections"; fi
    done
  done
done
echo "end $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '\nPOST /v1/embeddings (%s), wrk -t2 -c%s -d%ss, one text per request; ceiling: 32 texts per request at 4 connections on the batching-off gateway; %s rounds, %s cores\n' \
  "$model" "$connections" "$duration" "$rounds" "$(nproc)"
printf '%-20s %10s %10s %10s %10s %12s %9s  %s\n' run req/s texts/s p50 p99 'CPU µs/text' rows/run errors
for set in titles sentences; do
  for r in $(seq 1 "$rounds"); do
    for name in "${names[@]}" ceiling; do
      x="$set-$name-$r"; per=1; [ "$name" = ceiling ] && per=32
      printf '%-20s %10s %10s %10s %10s %12s %9s  %s\n' "$x" "$(field "$x" 'Requests/sec' 2)" \
        "$(awk -v q="$(field "$x" 'Requests/sec' 2)" -v p=$per 'BEGIN { printf "%.1f", q * p }')" "$(field "$x" '^ +50%' 2)" \
        "$(field "$x" '^ +99%' 2)" "$(awk -v c="$(cpu_us "$x")" -v p=$per 'BEGIN { printf "%.1f", c / p }')" "$(cat "$out/$x.rows")" "$(errors "$x")"
    done
    for name in "${names[@]}" ceiling; do
      [ "$name" = off ] && continue
      per=1; [ "$name" = ceiling ] && per=32
      awk -v a="$(field "$set-$name-$r" 'Requests/sec' 2)" -v b="$(field "$set-off-$r" 'Requests/sec' 2)" -v p=$per \
        -v s="$set" -v r="$r" -v m="$name" 'BEGIN { printf "  %s round %s: %s / off texts/s %.2f\n", s, r, m, a * p / b }'
    done
  done
done
