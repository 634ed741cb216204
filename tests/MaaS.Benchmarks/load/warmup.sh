#!/usr/bin/env bash
# What model warmup (model.json's modelWarmup, Triton's model_warmup) buys a freshly started replica: rounds of two
# gateway starts, interleaved (on, off, on, off, ...), each timing its first three requests to POST /v1/embeddings
# (all-minilm-l6-v2) once /v2/health/ready answers. "off" serves models/ as shipped (no model warms up); "on" a copy of
# models/ (hard links, so no weights are copied) whose all-minilm-l6-v2 warms up on one sentence, run twice alone and
# once as a batch of eight, from warmup/sentence.bin. Prints each start's three request times, the warmup's own time
# from the gateway's log, and per arm the median first request.
# Usage: tests/MaaS.Benchmarks/load/warmup.sh [rounds, default 5]
set -euo pipefail
source "$(dirname "$0")/gateway.sh"
rounds="${1:-5}"
warm="$(mktemp -d)"; out="$(mktemp -d)"
trap 'rm -rf "$warm" "$out"' EXIT
cp -al models "$warm/models"
model="$warm/models/all-minilm-l6-v2"
mkdir "$model/warmup"
python3 - "$model" <<'PY'
import json, struct, sys
folder = sys.argv[1]
text = "a lonely astronaut drifts between dying stars in a quiet space opera".encode()
# One BYTES element as the binary tensor extension writes it: a 4-byte little-endian length, then the bytes.
open(f"{folder}/warmup/sentence.bin", "wb").write(struct.pack("<I", len(text)) + text)
config = json.load(open(f"{folder}/model.json"))
sentence = {"text": {"dataType": "BYTES", "dims": [], "inputDataFile": "sentence.bin"}}
config["modelWarmup"] = [
    {"name": "one sentence", "batchSize": 1, "count": 2, "inputs": sentence},
    {"name": "eight sentences", "batchSize": 8, "inputs": sentence},
]
# A new file in place of the hard link: the shipped model.json stays as it is.
text = json.dumps(config, indent=2)
import os
os.remove(f"{folder}/model.json")
open(f"{folder}/model.json", "w").write(text)
PY
body='{"input":"two chefs compete to cook the perfect souffle in a small town"}'
first_requests() {
  local repository=$1 name=$2 times=() warmed
  start_gateway "${MAAS_LOAD_PORT:-$(free_port)}" --Serving:RepositoryPath="$repository" --Serilog:MinimumLevel:Default=Information
  for _ in 1 2 3; do
    times+=("$(curl -fs -o /dev/null -w '%{time_total}' -H 'Content-Type: application/json' -d "$body" "$GATEWAY_URL/v1/embeddings")")
  done
  warmed="$(grep -oE 'Warmed up all-minilm-l6-v2 version [0-9]+: .*' "$GATEWAY_OUT/gateway.log" | sed 's/.*: //' || true)"
  stop_gateway; trap 'rm -rf "$warm" "$out"' EXIT
  printf '%-4s %9.1f ms %8.1f ms %8.1f ms   %s\n' "$name" "$(echo "${times[0]} * 1000" | bc)" "$(echo "${times[1]} * 1000" | bc)" "$(echo "${times[2]} * 1000" | bc)" "${warmed:--}"
  echo "${times[0]}" >> "$out/$name"
}
echo "arm  1st request       2nd         3rd   warmup at start"
for _ in $(seq 1 "$rounds"); do
  first_requests "$warm/models" on
  first_requests "$PWD/models" off
done
printf 'median first request: on %.1f ms, off %.1f ms\n' "$(median < "$out/on" | awk '{print $1 * 1000}')" "$(median < "$out/off" | awk '{print $1 * 1000}')"
