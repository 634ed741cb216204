#!/usr/bin/env bash
# OpenAI's Batch API against the same texts sent online, on one gateway (all-minilm-l6-v2): an embeddings batch of N
# Netflix descriptions (one text a line; the batch joins Batches:TextsPerCall = 32 per model call), the same texts as N
# POST /openai/v1/embeddings requests one at a time, and as N/32 requests of 32 texts, interleaved per round (batch,
# one, 32). Each run prints texts/s (wall) and the gateway's CPU ms per text (utime + stime).
# Usage: tests/MaaS.Benchmarks/load/batch.sh [texts, default 512] [rounds, default 3]
set -euo pipefail
source "$(dirname "$0")/gateway.sh"
texts="${1:-512}"; rounds="${2:-3}"
data="$(shared_data)"
start_gateway "$(free_port)" --Recommendations:RebuildIntervalSeconds=0 --Search:ContentEmbeddings=false \
  --Auth:Admission:CostPerSecond=100000000 --Auth:Admission:CostBurst=100000000
trap stop_gateway EXIT
python3 - "$GATEWAY_URL" "$GATEWAY_PID" "$data/content/netflix_titles.csv" "$texts" "$rounds" <<'PY'
import csv, http.client, json, sys, time, uuid, urllib.parse
url, pid, path, n, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
rows = [r for r in csv.DictReader(open(path, encoding="utf-8")) if r["description"].strip()][:n]
host = urllib.parse.urlparse(url)
conn = http.client.HTTPConnection(host.hostname, host.port)
def call(method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {"Content-Type": "application/json"})
    r = conn.getresponse(); data = r.read()
    if r.status != 200: raise SystemExit(f"{method} {path}: {r.status} {data[:300]}")
    return json.loads(data) if data[:1] in (b"{", b"[") else data
def ticks():
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split(); return int(f[11]) + int(f[12])
def batch():
    lines = "".join(json.dumps({"custom_id": r["show_id"], "method": "POST", "url": "/v1/embeddings", "body": {"input": r["description"]}}) + "\n" for r in rows)
    b = uuid.uuid4().hex
    form = (f"--{b}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"in.jsonl\"\r\n"
            f"Content-Type: application/jsonl\r\n\r\n{lines}\r\n--{b}--\r\n").encode()
    fid = call("POST", "/openai/v1/files", form, {"Content-Type": f"multipart/form-data; boundary={b}"})["id"]
    bid = call("POST", "/openai/v1/batches", json.dumps({"input_file_id": fid, "endpoint": "/v1/embeddings", "completion_window": "24h"}))["id"]
    while (s := call("GET", f"/openai/v1/batches/{bid}"))["status"] not in ("completed", "failed"): time.sleep(0.05)
    assert s["request_counts"]["completed"] == n, s
def online(per):
    for i in range(0, n, per):
        call("POST", "/openai/v1/embeddings", json.dumps({"input": [r["description"] for r in rows[i:i + per]]}))
runs = {"batch": batch, "one": lambda: online(1), "32": lambda: online(32)}
online(32)  # warm-up: the encoder loaded and its first runs done
print(f"{n} texts, {rounds} rounds; load average {open('/proc/loadavg').read().split()[0]}")
for r in range(rounds):
    for name, run in runs.items():
        t0, c0 = time.perf_counter(), ticks(); run(); wall, cpu = time.perf_counter() - t0, ticks() - c0
        print(f"round {r + 1} {name:>5}: {n / wall:7.1f} texts/s  {cpu * 10 / n:6.2f} CPU ms/text  ({wall:.1f} s)", flush=True)
print(f"load average at the end {open('/proc/loadavg').read().split()[0]}")
PY
