#!/usr/bin/env bash
# What the sequence batcher costs per request: one gateway serving the bundled example-session twice, as the sequence
# model it is ("session": the gateway keeps each sequence's state) and as a plain model of the same graph
# ("session-plain": no sequenceBatching, so the client sends the state and START itself and reads taste_out back),
# and rounds of two interleaved arms (A, B, A, B, ...) of <seconds> each, <clients> keep-alive connections in a
# closed loop, each client its own sequence of 20 items (START on the first, END on the last, then the next sequence):
#   sequence  POST /v2/models/session/infer        item + parameters {sequence_id, sequence_start, sequence_end}
#   plain     POST /v2/models/session-plain/infer  item + taste_in + START, outputs taste, scores, taste_out
# Prints per round each arm's requests/s and the gateway's CPU (utime + stime) per request, then the medians of the
# per-round ratios sequence / plain. A 3-second pass of each arm warms both paths up first (not reported).
# Usage: MAAS_LOAD_PORT=<port> tests/MaaS.Benchmarks/load/sequence.sh [rounds, default 3] [seconds, default 10] [clients, default 4]
set -euo pipefail
source "$(dirname "$0")/gateway.sh"
rounds="${1:-3}"; seconds="${2:-10}"; clients="${3:-4}"
repository="$(mktemp -d)"; out="$(mktemp -d)"
cp -r models/example-session "$repository/session"
mkdir -p "$repository/session-plain/1" && cp models/example-session/1/model.onnx "$repository/session-plain/1/"
echo '{ "format": "onnx", "maxBatchSize": 64, "dynamicBatching": { "maxQueueDelayMicroseconds": 0 } }' > "$repository/session-plain/model.json"
start_gateway "${MAAS_LOAD_PORT:-$(free_port)}" --Serving:RepositoryPath="$repository"
trap 'stop_gateway; rm -rf "$repository" "$out"' EXIT
run() { # <arm> <round>
  local before after
  before="$(ticks "$GATEWAY_PID")"
  python3 - "$GATEWAY_URL" "$1" "$seconds" "$clients" "$2" > "$out/$1-$2.n" <<'PY'
import concurrent.futures, http.client, json, random, sys, time, urllib.parse
url, arm, seconds, clients, round_ = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
host = urllib.parse.urlparse(url)
def post(conn, path, payload):
    conn.request("POST", path, json.dumps(payload), {"Content-Type": "application/json"})
    response = conn.getresponse(); text = response.read()
    if response.status != 200: raise SystemExit(f"{path}: {response.status} {text[:200]}")
    return json.loads(text)
def tensor(name, data, width): return {"name": name, "shape": [1, width], "datatype": "FP32", "data": data}
counts = [0] * clients
def loop(i):
    rng = random.Random(i)
    conn = http.client.HTTPConnection(host.hostname, host.port)
    end = time.monotonic() + seconds
    step, sequence, taste = 0, 0, [0.0] * 8
    while time.monotonic() < end:
        item = [rng.random() for _ in range(8)]
        start, last = step == 0, step == 19
        if arm == "sequence":
            post(conn, "/v2/models/session/infer", {"inputs": [tensor("item", item, 8)], "parameters": {
                "sequence_id": 1_000_000 * round_ + 1000 * i + sequence + 1, "sequence_start": start, "sequence_end": last}})
        else:
            answer = post(conn, "/v2/models/session-plain/infer", {"inputs": [tensor("item", item, 8), tensor("taste_in", taste, 8), tensor("START", [1.0 if start else 0.0], 1)],
                "outputs": [{"name": "taste"}, {"name": "scores"}, {"name": "taste_out"}]})
            taste = answer["outputs"][2]["data"]
        step = 0 if last else step + 1
        sequence += 1 if last else 0
        counts[i] += 1
with concurrent.futures.ThreadPoolExecutor(clients) as pool:
    list(pool.map(loop, range(clients)))
print(sum(counts))
PY
  after="$(ticks "$GATEWAY_PID")"
  echo $((after - before)) > "$out/$1-$2.cpu"
}
interleave_arms sequence plain "$rounds" request
