#!/usr/bin/env bash
# Sourced by the load scripts: builds the Release gateway and runs it on loopback over
# a fresh temp data folder and the repository's models/, from its output folder so appsettings.json applies.
#   start_gateway <port> [gateway arguments...]   sets GATEWAY_URL, GATEWAY_PID and GATEWAY_OUT (a temp folder for
#                                                 the log and the scripts' results); an EXIT trap stops it and
#                                                 removes both folders. Settings can also come from the environment;
#                                                 MAAS_LOAD_READY_SECONDS (default 30) bounds the wait for readiness;
#                                                 MAAS_GATEWAY_DIR, a Release gateway's output folder, runs that build
#                                                 instead of building this tree's (A/B runs of two builds). Once
#                                                 ready it is scraped once at /metrics, as a deployed one is
#                                                 (MAAS_LOAD_NO_SCRAPE=1: not).
# Sourcing it also moves to the repository root and sets $load to this folder as seen from there, so a script begins
#   set -euo pipefail
#   source "$(dirname "$0")/gateway.sh"
# and runs the same from any folder.
# free_port (ports.sh) gives the scripts their ports when MAAS_LOAD_PORT is unset.
source "$(dirname "${BASH_SOURCE[0]}")/ports.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
load="tests/MaaS.Benchmarks/load"

start_gateway() {
  local port=$1; shift
  command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
  local root="$PWD" bin="${MAAS_GATEWAY_DIR:-}"
  [ -n "$bin" ] || { dotnet build src/MaaS.Gateway -c Release -nologo -v q >/dev/null; bin="$root/src/MaaS.Gateway/bin/Release/net10.0"; }
  GATEWAY_DATA="$(mktemp -d)"; GATEWAY_OUT="$(mktemp -d)"; GATEWAY_URL="http://127.0.0.1:$port"
  (cd "$bin" && exec dotnet MaaS.Gateway.dll --urls "$GATEWAY_URL" \
    --Storage:DataDirectory="$GATEWAY_DATA" --Serving:RepositoryPath="$root/models" \
    --Auth:Enabled=false --Serilog:MinimumLevel:Default=Warning "$@") >"$GATEWAY_OUT/gateway.log" 2>&1 &
  GATEWAY_PID=$!
  trap stop_gateway EXIT
  for _ in $(seq 1 $((${MAAS_LOAD_READY_SECONDS:-30} * 5))); do
    if curl -fs "$GATEWAY_URL/v2/health/ready" >/dev/null 2>&1; then
      # One scrape, as Prometheus makes on a deployed gateway: prometheus-net's meter adapter starts at the first, and
      # the meters it then listens to are part of every request's cost.
      [ "${MAAS_LOAD_NO_SCRAPE:-0}" = 1 ] || curl -fs "$GATEWAY_URL/metrics" >/dev/null 2>&1 || true
      return 0
    fi
    sleep 0.2
  done
  echo "gateway did not become ready:" >&2; cat "$GATEWAY_OUT/gateway.log" >&2; exit 1
}

# The shared data root, by the tests' rule (MaaS.TestSupport's SharedData): $MAAS_DATA_DIR when set, else shared/data
# beside the repository root, else the first ancestor of the repository root holding shared/data (a worktree such as
# /work/wt/NAME finds /work/shared/data). Prints it, or fails naming what it looked for. Call it from the repository root.
shared_data() {
  if [ -n "${MAAS_DATA_DIR:-}" ]; then
    [ -d "$MAAS_DATA_DIR" ] || { echo "MAAS_DATA_DIR=$MAAS_DATA_DIR is not a folder" >&2; return 1; }
    echo "$MAAS_DATA_DIR"; return 0
  fi
  local dir="$PWD"
  [ -d "$dir/../shared/data" ] && { (cd "$dir/../shared/data" && pwd); return 0; }
  while [ "$dir" != / ]; do
    dir="$(dirname "$dir")"
    [ -d "$dir/shared/data" ] && { echo "$dir/shared/data"; return 0; }
  done
  echo "no shared/data beside or above $PWD (set MAAS_DATA_DIR)" >&2; return 1
}

# Seeds a data folder with <items> synthetic items (`search-seed`: the Netflix titles with a variant number, their
# vectors stamped as embedded) and writes <folder>/titles.txt (the test titles) and <folder>/queries.txt (each test
# title typed keystroke by keystroke from its first character, at most 15, URL-encoded, one a line): what suggest.sh
# and suggest-ab.sh send.   seed_suggest <items> <data folder> <folder>
seed_suggest() {
  dotnet build tests/MaaS.Benchmarks -c Release -nologo -v q >/dev/null
  dotnet tests/MaaS.Benchmarks/bin/Release/net10.0/MaaS.Benchmarks.dll search-seed --items "$1" --data "$2" --queries "$3/titles.txt" --model all-minilm-l6-v2
  python3 - "$3/titles.txt" >"$3/queries.txt" <<'PY'
import sys, urllib.parse
for title in open(sys.argv[1], encoding="utf-8").read().splitlines():
    for n in range(1, min(len(title), 15) + 1):
        if title[:n].strip():
            print(urllib.parse.quote(title[:n]))
PY
}

stop_gateway() {
  kill "$GATEWAY_PID" 2>/dev/null || true; wait "$GATEWAY_PID" 2>/dev/null || true
  rm -rf "$GATEWAY_DATA" "$GATEWAY_OUT"
}

# The scripts' results, read back: $out/<name>.txt is a wrk run's output (or one rewritten in its words) and
# $out/<name>.cpu the server's CPU ticks over it ($out: the caller's folder; ticks are 1/CLK_TCK s of utime + stime).
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
field() { grep -E "$2" "$out/$1.txt" | head -1 | awk "{print \$$3}"; }
requests() { grep -E 'requests in' "$out/$1.txt" | awk '{print $1}'; }
errors() { grep -E 'Non-2xx|Socket errors' "$out/$1.txt" | tr '\n' ' ' || true; }
cpu_us() { awk -v t="$(cat "$out/$1.cpu")" -v n="$(requests "$1")" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }'; }
# A model's rows and runs so far from its /v2 statistics (inference_count, execution_count), as "rows runs"; "0 0"
# while a lazy model is not loaded yet.   model_counts <base url> <model>
model_counts() {
  { curl -fs "$1/v2/models/$2/stats" || true; } | { grep -oE '"(inference|execution)_count":[0-9]+' || true; } \
    | awk -F: '/inference/ { i += $2 } /execution/ { e += $2 } END { printf "%d %d", i, e }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Runs two arms interleaved (A, B, A, B, ...) through the caller's `run <arm> <round>`, which leaves the count of what
# it served in $out/<arm>-<round>.n and the gateway's CPU ticks in $out/<arm>-<round>.cpu (seconds: each run's length;
# a 3-second pass of each arm first, not reported). Prints each round's rate and CPU per unit, then the medians of the
# per-round ratios A / B.   Usage: interleave_arms <A> <B> <rounds> <unit, e.g. request>
interleave_arms() {
  local a=$1 b=$2 rounds=$3 unit=$4 hz r arm n t
  hz="$(getconf CLK_TCK)"
  (seconds=3; run "$a" 0; run "$b" 0)
  printf 'round  arm        %ss/s  gateway CPU us/%s   (load average %s)\n' "$unit" "$unit" "$(cut -d' ' -f1-3 /proc/loadavg)"
  for r in $(seq 1 "$rounds"); do
    for arm in "$a" "$b"; do
      run "$arm" "$r"
      n="$(cat "$out/$arm-$r.n")"; t="$(cat "$out/$arm-$r.cpu")"
      awk -v r="$r" -v a="$arm" -v n="$n" -v t="$t" -v s="$seconds" -v hz="$hz" 'BEGIN { printf "%5d  %-9s %12.1f %14.0f\n", r, a, n / s, t * 1e6 / hz / n }' | tee -a "$out/table"
    done
  done
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  awk -v a="$a" '{ key = $1; if ($2 == a) { a_rate[key] = $3; a_cpu[key] = $4 } else { b_rate[key] = $3; b_cpu[key] = $4 } }
    END { for (k in a_rate) { print a_rate[k] / b_rate[k], a_cpu[k] / b_cpu[k] } }' "$out/table" > "$out/ratios"
  printf '%s / %s, median of rounds: throughput %.2f (rounds: %s), CPU per %s %.2f (rounds: %s)\n' "$a" "$b" \
    "$(cut -d' ' -f1 "$out/ratios" | median)" "$(cut -d' ' -f1 "$out/ratios" | sort -g | tr '\n' ' ' | sed 's/ $//')" "$unit" \
    "$(cut -d' ' -f2 "$out/ratios" | median)" "$(cut -d' ' -f2 "$out/ratios" | sort -g | tr '\n' ' ' | sed 's/ $//')"
}

# Reports interleaved wrk runs saved as $out/<name>-<round>.txt (out: the caller's folder): each round's req/s and
# latencies for A then B, B's rate as a percentage of A's per round and the median of those; returns 1 unless that
# median reaches <target>.   report_ab <name A> <name B> <rounds> <target %> <what B / A is, for the last line>
report_ab() {
  local a=$1 b=$2 rounds=$3 target=$4 what=$5 r name ratios=() ratio
  printf '%-16s %12s %10s %10s %10s  %s\n' run req/s p50 p90 p99 errors
  for r in $(seq 1 "$rounds"); do
    for name in "$a" "$b"; do
      printf '%-16s %12s %10s %10s %10s  %s\n' "$name-$r" "$(field "$name-$r" 'Requests/sec' 2)" "$(field "$name-$r" '^ +50%' 2)" \
        "$(field "$name-$r" '^ +90%' 2)" "$(field "$name-$r" '^ +99%' 2)" "$(errors "$name-$r")"
    done
    ratios+=("$(awk -v x="$(field "$b-$r" 'Requests/sec' 2)" -v y="$(field "$a-$r" 'Requests/sec' 2)" 'BEGIN { printf "%.1f", 100 * x / y }')")
  done
  ratio=$(printf '%s\n' "${ratios[@]}" | median)
  printf '\nmedian req/s: %s %s, %s %s; per-round %s/%s: %s%%\n' \
    "$a" "$(for r in $(seq 1 "$rounds"); do field "$a-$r" 'Requests/sec' 2; done | median)" \
    "$b" "$(for r in $(seq 1 "$rounds"); do field "$b-$r" 'Requests/sec' 2; done | median)" "$b" "$a" "${ratios[*]}"
  printf '%s reaches %s%% of %s (median of the rounds; target >= %s%%)\n' "$what" "$ratio" "$a" "$target"
  awk -v r="$ratio" -v t="$target" 'BEGIN { exit !(r >= t) }'
}
