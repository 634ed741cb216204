#!/usr/bin/env bash
# A training job next to serving (docs/training.md): /v1/sentiment latency alone, then while the same gateway trains
# SST-2 (Jobs:ThreadsPerJob=1, niced). Run from the repository root: tests/MaaS.Benchmarks/load/training-neighbour.sh
set -euo pipefail
source "$(dirname "$0")/gateway.sh"
data="$(shared_data)"
start_gateway "${MAAS_LOAD_PORT:-$(free_port)}" --Storage:SeedDemoDataWhenEmpty=false --Recommendations:RebuildIntervalSeconds=0 --Jobs:ThreadsPerJob=1
lua="$(dirname "$0")/sentiment-2.lua"
wrk -t1 -c4 -d10s -s "$lua" "$GATEWAY_URL/v1/sentiment" >/dev/null  # warm-up
echo "== quiet"; wrk -t1 -c4 -d20s --latency -s "$lua" "$GATEWAY_URL/v1/sentiment" | grep -E "50%|90%|99%|Requests/sec"
curl -s -X POST "$GATEWAY_URL/v1/trainings?model=sst2&folds=3" -H 'Content-Type: text/tab-separated-values' \
  --data-binary @"$data/sentiment/sst2/train.tsv" >/dev/null
sleep 5
echo "== during training"; wrk -t1 -c4 -d20s --latency -s "$lua" "$GATEWAY_URL/v1/sentiment" | grep -E "50%|90%|99%|Requests/sec"
curl -s "$GATEWAY_URL/v1/trainings" | python3 -c "import json,sys; j=json.load(sys.stdin)['trainings'][0]; print('job', j['state'], j['phase'], round(j['progress'], 3))"
