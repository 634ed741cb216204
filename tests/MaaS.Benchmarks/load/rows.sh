#!/usr/bin/env bash
# What a home page of rows costs: one gateway over the demo seed, and rounds of two interleaved arms (A, B, A, B, ...)
# of <seconds> each, wrk with <connections> keep-alive connections (rows.lua), each page five lists of 10 items for one
# demo user (unfiltered, movies, songs, games, Drama):
#   rows      one POST /v1/recommend/rows of five forYou rows (the page de-duplicated: each row over what those above left)
#   separate  five POST /v1/recommend calls, one per list (what an app does without rows; nothing de-duplicated)
# Prints per round each arm's pages/s and the gateway's CPU (utime + stime) per page, then the medians of the per-round
# ratios rows / separate. A 3-second pass of each arm warms both paths up first (not reported).
# Usage: MAAS_LOAD_PORT=<port> tests/MaaS.Benchmarks/load/rows.sh [rounds, default 3] [seconds, default 10] [connections, default 8]
set -euo pipefail
source "$(dirname "$0")/gateway.sh"
rounds="${1:-3}"; seconds="${2:-10}"; connections="${3:-8}"
threads=$(( connections < 2 ? connections : 2 ))
out="$(mktemp -d)"
start_gateway "${MAAS_LOAD_PORT:-$(free_port)}" --Storage:SeedDemoDataWhenEmpty=true --Recommendations:RebuildIntervalSeconds=0
trap 'stop_gateway; rm -rf "$out"' EXIT
# The first index is built in the background after start: wait until more-like-this answers.
for _ in $(seq 1 300); do curl -fs "$GATEWAY_URL/v1/items/movie-001/similar?count=1" >/dev/null 2>&1 && break; sleep 0.2; done
# What one page of the rows arm holds (a check that the arm does the work it claims, not a figure).
curl -fs -X POST "$GATEWAY_URL/v1/recommend/rows" -H 'Content-Type: application/json' \
  -d '{"userId":"demo-user-001","rows":[{"kind":"forYou","count":10},{"kind":"forYou","count":10,"filters":{"kind":"movie"}},{"kind":"forYou","count":10,"filters":{"kind":"song"}},{"kind":"forYou","count":10,"filters":{"kind":"game"}},{"kind":"forYou","count":10,"filters":{"genres":["Drama"]}}]}' \
  | python3 -c 'import json, sys; p = json.load(sys.stdin); i = [x["itemId"] for r in p["rows"] for x in r["items"]]; print(f"a page of demo-user-001: {len(p['"'"'rows'"'"'])} rows, {len(i)} items, {len(set(i))} distinct")'
run() { # <arm> <round>
  local before after
  before="$(ticks "$GATEWAY_PID")"
  ROWS_ARM="$1" wrk -t"$threads" -c"$connections" -d"${seconds}s" -s "$load/rows.lua" "$GATEWAY_URL" > "$out/$1-$2.txt"
  after="$(ticks "$GATEWAY_PID")"
  echo $((after - before)) > "$out/$1-$2.cpu"
  if grep -qE 'Non-2xx|Socket errors' "$out/$1-$2.txt"; then echo "$1 round $2: $(errors "$1-$2")" >&2; exit 1; fi
  # A page is one request of the rows arm and five of the separate one.
  awk -v n="$(requests "$1-$2")" -v per="$([ "$1" = rows ] && echo 1 || echo 5)" 'BEGIN { printf "%d\n", n / per }' > "$out/$1-$2.n"
}
interleave_arms rows separate "$rounds" page
