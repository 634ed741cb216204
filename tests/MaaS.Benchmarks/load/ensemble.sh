#!/usr/bin/env bash
# What an ensemble call costs against the client calling its members one by one: one gateway serving the tests'
# ensembles (EnsembleModels: "pipeline" = standardise → classify), and rounds of two interleaved arms (A, B, A, B, ...)
# of <seconds> each, <clients> keep-alive connections in a closed loop, one pipeline of two rows per iteration:
#   ensemble  POST /v2/models/pipeline/infer
#   members   POST /v2/models/standardise/infer, then the client reads z and POSTs it to /v2/models/classify/infer
# Prints per round each arm's pipelines/s and the gateway's CPU (utime + stime) per pipeline, then the medians of the
# per-round ratios ensemble / members. A 3-second pass of each arm warms both paths up first (not reported).
# Usage: MAAS_LOAD_PORT=<port> tests/MaaS.Benchmarks/load/ensemble.sh [rounds, default 3] [seconds, default 10] [clients, default 4]
set -euo pipefail
source "$(dirname "$0")/gateway.sh"
rounds="${1:-3}"; seconds="${2:-10}"; clients="${3:-4}"
repository="$(mktemp -d)"; out="$(mktemp -d)"
dotnet run --project tests/MaaS.Benchmarks -c Release -- ensemble-repository "$repository" >/dev/null
start_gateway "${MAAS_LOAD_PORT:-$(free_port)}" --Serving:RepositoryPath="$repository"
trap 'stop_gateway; rm -rf "$repository" "$out"' EXIT
run() { # <arm> <round>
  local before after
  before="$(ticks "$GATEWAY_PID")"
  python3 - "$GATEWAY_URL" "$1" "$seconds" "$clients" > "$out/$1-$2.n" <<'PY'
import http.client, json, sys, threading, time, urllib.parse
url, arm, seconds, clients = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
host = urllib.parse.urlparse(url)
raw = [0.5, 1.0, -2.0, 8.0, 3.0, 2.0, 1.0, 0.0]
def body(name, data): return json.dumps({"inputs": [{"name": name, "shape": [2, 4], "datatype": "FP32", "data": data}]})
def post(conn, path, payload):
    conn.request("POST", path, payload, {"Content-Type": "application/json"})
    response = conn.getresponse(); text = response.read()
    if response.status != 200: raise SystemExit(f"{path}: {response.status} {text[:200]}")
    return json.loads(text)
counts = [0] * clients
def loop(i):
    conn = http.client.HTTPConnection(host.hostname, host.port)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if arm == "ensemble":
            post(conn, "/v2/models/pipeline/infer", body("raw", raw))
        else:
            z = post(conn, "/v2/models/standardise/infer", body("x", raw))["outputs"][0]["data"]
            post(conn, "/v2/models/classify/infer", body("features", z))
        counts[i] += 1
threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
for t in threads: t.start()
for t in threads: t.join()
print(sum(counts))
PY
  after="$(ticks "$GATEWAY_PID")"
  echo $((after - before)) > "$out/$1-$2.cpu"
}
interleave_arms ensemble members "$rounds" pipeline
