#!/usr/bin/env bash
# What share of a core a training job gets beside saturating serving (Jobs:Niceness), and what it costs serving. Per
# nice value one gateway; per round: /v1/ping alone (wrk, 64 connections), a job on the idle gateway (timed), then the
# same job while wrk saturates /v1/ping (timed; wrk stops when the job ends or after the limit). The job: the first
# <rows> rows of SST-2 as inline JSON, words+chars, 5 folds, the three default λ (16 fits), so most of its CPU runs on
# the niced job thread (no embedding pass; storing the dataset and publishing the model run at serving's priority).
# "CPU" of a job is that thread's utime + stime over the job's wall time: its share of one core;
# "CPU" of ping is the gateway's CPU µs per request (less the job thread's). A loaded job still running at the limit is reported as
# "unfinished" with its progress and CPU share so far, and then left to finish with wrk stopped (not counted).
# Usage: tests/MaaS.Benchmarks/load/training-share.sh ["nice values", default "19 10"] [rows, default 10000]
#        [rounds, default 1] [limit seconds of a loaded job, default 90]
# (The shared data as the tests find it: MAAS_DATA_DIR, else shared/data beside or above the repository root; MAAS_LOAD_PORT, default a free port.)
set -euo pipefail
source "$(dirname "$0")/gateway.sh"
nices="${1:-19 10}"; rows="${2:-10000}"; rounds="${3:-1}"; limit="${4:-90}"
port="${MAAS_LOAD_PORT:-$(free_port)}"
tsv="$(shared_data)/sentiment/sst2/train.tsv"
[ -f "$tsv" ] || { echo "no $tsv (set MAAS_DATA_DIR)" >&2; exit 2; }
work=$(mktemp -d); body="$work/body.json"; trap 'rm -rf "$work"' EXIT
python3 - "$tsv" "$rows" >"$body" <<'PY'
import csv, json, sys
with open(sys.argv[1], newline="") as f:
    r = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))[: int(sys.argv[2])]
print(json.dumps({"model": "share", "rows": [{"text": x["sentence"], "label": x["label"]} for x in r],
                  "settings": {"folds": 5, "lambdas": [0.0003, 0.001, 0.003], "featureSets": ["words+chars"]}}))
PY
hz=$(getconf CLK_TCK)
job_ticks() { # the job thread's utime + stime (0 before it exists); its name has spaces, so fields count after ')'
  local t; t=$(grep -lx 'maas job 1' /proc/"$GATEWAY_PID"/task/*/comm 2>/dev/null | head -1 | cut -d/ -f5)
  [ -n "$t" ] && sed 's/.*) //' "/proc/$GATEWAY_PID/task/$t/stat" | awk '{ print $12 + $13 }' || echo 0
}
job_state() { curl -fs "$GATEWAY_URL/v1/trainings/$1" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["state"], round(j.get("progress") or 0, 3))' 2>/dev/null; }
# Both stop when the gateway no longer answers (job_state prints nothing), rather than polling it for ever.
wait_job() { local s; while s=$(job_state "$job") && [[ "$s" == running* || "$s" == queued* ]]; do sleep 0.5; done; }
train() { # [limit seconds] -> prints: seconds state progress job-cpu-share (sets job: the id)
  local start end state progress before after
  before=$(job_ticks); start=$(date +%s.%N)
  job=$(curl -fs -X POST "$GATEWAY_URL/v1/trainings" -H 'Content-Type: application/json' --data-binary @"$body" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  while :; do
    state=""; read -r state progress < <(job_state "$job") || true
    end=$(date +%s.%N)
    [ -n "$state" ] || { state="no-answer"; progress=0; break; }
    case "$state" in succeeded|failed|cancelled) break ;; esac
    if awk -v s="$start" -v e="$end" -v l="${1:-1e9}" 'BEGIN { exit !(e - s > l) }'; then state="unfinished"; break; fi
    sleep 0.5
  done
  after=$(job_ticks)
  awk -v s="$start" -v e="$end" -v st="$state" -v p="$progress" -v t=$((after - before)) -v hz="$hz" \
    'BEGIN { printf "%.1f %s %s %.3f", e - s, st, p, t / hz / (e - s) }'
}
wrk_line() { # wrk output file, gateway ticks -> req/s p99 us-CPU/request
  local n; n=$(awk '/requests in/ { print $1 }' "$1")
  printf '%s %s %s' "$(awk '/^Requests\/sec/ { print $2 }' "$1")" "$(awk '$1 == "99%" { print $2 }' "$1")" \
    "$(awk -v t="$2" -v n="$n" -v hz="$hz" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }')"
}
printf '%s, %s rows, %s, load: %s\n' "$(git rev-parse --short HEAD)" "$rows" "$(date -u +%FT%TZ)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-5s %-5s %-24s %-34s %-26s %s\n' nice round "ping alone (req/s p99 CPU)" "job idle (s state progress CPU)" "ping during job (req/s p99 CPU)" "job loaded (s state progress CPU)"
for nice in $nices; do
  start_gateway "$port" --Storage:SeedDemoDataWhenEmpty=false --Recommendations:RebuildIntervalSeconds=0 --Jobs:Niceness="$nice"
  trap 'stop_gateway; rm -rf "$work"' EXIT; out="$GATEWAY_OUT"
  wrk -t2 -c64 -d10s -s "$load/ping.lua" "$GATEWAY_URL" >/dev/null
  train >/dev/null  # warm-up: the trainer's code tiered up
  for r in $(seq 1 "$rounds"); do
    t0=$(ticks "$GATEWAY_PID"); wrk -t2 -c64 -d10s --latency -s "$load/ping.lua" "$GATEWAY_URL" >"$out/alone.txt"
    alone=$(wrk_line "$out/alone.txt" $(($(ticks "$GATEWAY_PID") - t0)))
    idle=$(train)
    t0=$(ticks "$GATEWAY_PID"); j0=$(job_ticks)
    wrk -t2 -c64 -d"$((limit + 30))s" --latency -s "$load/ping.lua" "$GATEWAY_URL" >"$out/during.txt" & wrkpid=$!
    sleep 2; train "$limit" >"$out/loaded"; loaded=$(cat "$out/loaded"); kill -INT "$wrkpid"; wait "$wrkpid" || true
    # Serving's CPU alone: the gateway's less the job thread's.
    during=$(wrk_line "$out/during.txt" $(($(ticks "$GATEWAY_PID") - t0 - $(job_ticks) + j0)))
    wait_job
    printf '%-5s %-5s %-24s %-34s %-26s %s\n' "$nice" "$r" "$alone" "$idle" "$during" "$loaded"
  done
  stop_gateway
done
printf 'load after: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
