#!/usr/bin/env bash
# A fresh replica's first requests, two builds side by side: rounds of starts of build A then build B (A, B, A, B, ...),
# each timing the start (launch to /v2/health/ready) and then the first and second request of three kinds: POST
# /v1/recommend (the demo catalogue), POST /v2/models/example-mlp/infer and POST /v1/embeddings. A and B are Release
# gateway output folders (for example a `dotnet publish` with and without -p:PublishReadyToRun=true); each run uses
# the repository's models/, or the repository folder MAAS_COLD_START_MODELS names (it must hold the three models
# asked). MAAS_ARGS_A and MAAS_ARGS_B add gateway arguments to one build's starts (for example
# --Serving:LoadParallelism=1). Prints one line per start and per build the median of each column.
# Usage: tests/MaaS.Benchmarks/load/cold-start.sh <gateway folder A> <gateway folder B> [rounds, default 5]
set -euo pipefail
source "$(dirname "$0")/gateway.sh"
a="$1"; b="$2"; rounds="${3:-5}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
infer='{"inputs":[{"name":"input","shape":[1,8],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}]}'
embed='{"input":"a lonely astronaut drifts between dying stars in a quiet space opera"}'
recommend='{"userId":"demo-user-001","count":10}'
post() { curl -fs -o /dev/null -w '%{time_total}' -H 'Content-Type: application/json' -d "$2" "$GATEWAY_URL$1" | awk '{ printf "%.1f", $1 * 1000 }'; }
models=()
[ -z "${MAAS_COLD_START_MODELS:-}" ] || models=(--Serving:RepositoryPath="$(cd "$MAAS_COLD_START_MODELS" && pwd)")
start() {
  local name=$1 folder=$2 began ready row extra
  extra="MAAS_ARGS_$name"
  began=$(date +%s%N)
  # shellcheck disable=SC2086 # the extra arguments split on spaces
  MAAS_GATEWAY_DIR="$folder" start_gateway "${MAAS_LOAD_PORT:-$(free_port)}" --Storage:SeedDemoDataWhenEmpty=true "${models[@]}" ${!extra:-}
  ready=$(( ($(date +%s%N) - began) / 1000000 ))
  row="$ready $(post /v1/recommend "$recommend") $(post /v1/recommend "$recommend") $(post /v2/models/example-mlp/infer "$infer") $(post /v2/models/example-mlp/infer "$infer") $(post /v1/embeddings "$embed") $(post /v1/embeddings "$embed")"
  stop_gateway; trap 'rm -rf "$out"' EXIT
  echo "$row" >> "$out/$name"
  printf '%-2s %s\n' "$name" "$row"
}
echo "build: start (ms to ready), then ms of recommend 1st 2nd, /v2 infer 1st 2nd, embeddings 1st 2nd"
for _ in $(seq 1 "$rounds"); do start A "$a"; start B "$b"; done
for name in A B; do
  printf '%-2s median:' "$name"
  for column in 1 2 3 4 5 6 7; do printf ' %s' "$(awk -v c=$column '{ print $c }' "$out/$name" | median)"; done
  echo
done
