#!/usr/bin/env bash
# POST /v1/search as served: one Release gateway on loopback over a SQLite data folder seeded with <items> synthetic
# items and their synthetic vectors through the catalogue store (`search-seed`: the search service restores them as
# if it had embedded them), wrk at <connections> connections, modes interleaved (lexical, semantic, hybrid, vector,
# lexical, ...). Every semantic and hybrid query is embedded by the served all-minilm-l6-v2 inside the request, as in
# production. vector is a semantic search by the query's embedding, which the caller already has (taken once through
# /v1/embeddings before the rounds): the index alone, no encoder inside the request. Before and after each run the
# gateway's /metrics gives the GC collections per generation and the process CPU seconds of that run, and the
# process's threads after it.
# Usage: tests/MaaS.Benchmarks/load/search.sh [seconds per run, default 10] [connections, default 16] [threads, default 2] [rounds, default 3] [items, default 100000]
set -euo pipefail
cd "$(dirname "$0")/../../.."
duration="${1:-10}"; connections="${2:-16}"; threads="${3:-2}"; rounds="${4:-3}"; items="${5:-100000}"
load="tests/MaaS.Benchmarks/load"
source "$load/gateway.sh"
seeded="$(mktemp -d)"; out="$(mktemp -d)"
dotnet build tests/MaaS.Benchmarks -c Release -nologo -v q >/dev/null
# SEARCH_ENCODER=int8: search embeds items and queries with the int8 variant of all-minilm-l6-v2 (a repository of
# its own beside the real models; SEARCH_INTRA_OP gives it model.json's intraOpThreads). SEARCH_QUERY_CACHE_BYTES
# sets Search:QueryCacheBytes (default here 0: every query embedded; the gateway's own default caches 16 MiB).
model=all-minilm-l6-v2; settings=()
if [[ "${SEARCH_ENCODER:-fp32}" == int8 ]]; then
  model=all-minilm-l6-v2-int8
  dotnet tests/MaaS.Benchmarks/bin/Release/net10.0/MaaS.Benchmarks.dll search-encoder --repository "$out/models" --intra-op "${SEARCH_INTRA_OP:-0}"
  settings+=(--Serving:RepositoryPath="$out/models" --Search:EmbeddingModel="$model")
fi
# search.lua repeats its queries (each wrk thread cycles the ~1,760 test titles), so the goal's figure is taken with
# the query cache off: every semantic and hybrid request runs the encoder.
settings+=(--Search:QueryCacheBytes="${SEARCH_QUERY_CACHE_BYTES:-0}")
dotnet tests/MaaS.Benchmarks/bin/Release/net10.0/MaaS.Benchmarks.dll search-seed --items "$items" --data "$seeded" --queries "$out/queries.txt" --model "$model"
# The seeded folder replaces the fresh one (the last --Storage:DataDirectory wins).
# A catalogue of 100,000 items takes a while to load at start on these cores.
MAAS_LOAD_READY_SECONDS="${MAAS_LOAD_READY_SECONDS:-600}" start_gateway "${MAAS_LOAD_PORT:-$(free_port)}" --Storage:DataDirectory="$seeded" --Recommendations:RebuildIntervalSeconds=0 "${settings[@]}"
echo "search encoder $model${settings[*]:+ (${settings[*]})}"
cleanup() { stop_gateway; rm -rf "$seeded" "$out"; }
trap cleanup EXIT

# The first searches load the catalogue, restore the vectors and build BM25 and the IVF lists: wait until none is pending.
for _ in $(seq 1 300); do
  answer="$(curl -fs -H 'Content-Type: application/json' -d '{"query":"love","mode":"semantic","count":1}' "$GATEWAY_URL/v1/search" || true)"
  [[ "$answer" == *'"pending":0'* && "$answer" == *'"embeddingModel":"'* ]] && break
  sleep 2
done
[[ "$answer" == *'"pending":0'* ]] || { echo "search index not ready: $answer" >&2; tail -20 "$GATEWAY_OUT/gateway.log" >&2; exit 1; }

# The queries' embeddings, once, in their order: one JSON array per line for search.lua's vector mode.
split -l 256 "$out/queries.txt" "$out/chunk."
for chunk in "$out"/chunk.*; do
  sed 's/.*/"&"/' "$chunk" | jq -cs --arg m "$model" '{model: $m, input: .}' \
    | curl -fs -H 'Content-Type: application/json' --data-binary @- "$GATEWAY_URL/v1/embeddings" \
    | jq -c '.data | sort_by(.index) | .[].embedding' >>"$out/vectors.txt"
done
[[ $(wc -l <"$out/vectors.txt") -eq $(wc -l <"$out/queries.txt") ]] || { echo "embedding the queries failed" >&2; exit 1; }

metric() { # series name prefix: the sum of the matching series of the last scrape
  awk -v p="$1" '$0 !~ /^#/ && index($1, p) == 1 { s += $2 } END { printf "%.0f", s }' "$out/metrics.txt"
}
scrape() { curl -fs "$GATEWAY_URL/metrics" >"$out/metrics.txt"; [[ -z "${SEARCH_METRICS_COPY:-}" ]] || cp "$out/metrics.txt" "$SEARCH_METRICS_COPY"; }
counters() { # gen0 gen1 gen2 cpu-milliseconds process-threads encoder-rows encoder-batches (prometheus-net's process and .NET defaults)
  scrape
  echo "$(metric 'dotnet_collection_count_total{generation="0"') $(metric 'dotnet_collection_count_total{generation="1"') $(metric 'dotnet_collection_count_total{generation="2"')" \
    "$(awk '$1 == "process_cpu_seconds_total" { printf "%.0f", $2 * 1000 }' "$out/metrics.txt")" \
    "$(metric 'process_num_threads')" "$(model_counts "$GATEWAY_URL" "$model")"
}
run() { # name mode seconds
  local before after
  before=($(counters))
  SEARCH_MODE="$2" SEARCH_QUERIES="$out/queries.txt" SEARCH_VECTORS="$out/vectors.txt" wrk -t"$threads" -c"$connections" -d"$3s" --latency -s "$load/search.lua" "$GATEWAY_URL" >"$out/$1.txt" 2>"$out/$1.err"
  after=($(counters))
  local requests; requests=$(awk '/requests in/ { print $1 }' "$out/$1.txt")
  # Rows per encoder batch: how many concurrent queries the dynamic batcher merged into one model call.
  printf '%s gen0 %s gen1 %s gen2 %s cpu/request %s us threads %s encoder rows/batch %s\n' "$1" \
    $((after[0] - before[0])) $((after[1] - before[1])) $((after[2] - before[2])) \
    "$(awk -v c=$((after[3] - before[3])) -v n="$requests" 'BEGIN { printf "%.0f", 1000 * c / n }')" "${after[4]}" \
    "$(awk -v r=$((after[5] - before[5])) -v b=$((after[6] - before[6])) 'BEGIN { if (b > 0) printf "%.2f", r / b; else printf "-" }')" >"$out/$1.gc"
}
field() { grep -E "$2" "$out/$1.txt" | head -1 | awk "{print \$$3}"; }
# Warm-up: JIT tiering of each mode's path.
for mode in lexical semantic hybrid vector; do run "warm-$mode" "$mode" 3; done
echo "uptime at start: $(uptime)"
for r in $(seq 1 "$rounds"); do
  for mode in lexical semantic hybrid vector; do run "$mode-$r" "$mode" "$duration"; done
done
echo "uptime at end: $(uptime)"

printf '\nwrk -t%s -c%s -d%ss --latency POST /v1/search over %s items, %s rounds, %s cores, %s\n' "$threads" "$connections" "$duration" "$items" "$rounds" "$(nproc)" "$(date -u +%FT%TZ)"
printf '%-12s %10s %10s %10s %10s  %s\n' run req/s p50 p90 p99 errors
for r in $(seq 1 "$rounds"); do
  for mode in lexical semantic hybrid vector; do
    printf '%-12s %10s %10s %10s %10s  %s\n' "$mode-$r" "$(field "$mode-$r" 'Requests/sec' 2)" "$(field "$mode-$r" '^ +50%' 2)" \
      "$(field "$mode-$r" '^ +90%' 2)" "$(field "$mode-$r" '^ +99%' 2)" "$(grep -E 'Non-2xx|Socket errors' "$out/$mode-$r.txt" | tr '\n' ' ' || true)"
    printf '%-12s %s\n' '' "$(cut -d' ' -f2- "$out/$mode-$r.gc")"
    head -2 "$out/$mode-$r.err" | sed 's/^/             /'
  done
done
