#!/usr/bin/env bash
# A/B of two gateway builds on GET /v1/search/suggest at <items> titles (suggest.sh's catalogue and keystrokes: each
# request one keystroke of a test title typed from its first character), both gateways up side by side, each over its
# own copy of one seeded data folder, driven in turn (A then B in odd rounds, B then A in even ones) so drift in the
# machine's load hits both alike, with GET /v1/ping on A once a round for scale. Per run: req/s, p50/p90/p99 and the
# gateway's CPU per request (utime + stime from /proc over the run); then per round B/A of CPU per request, of p99 and
# of req/s, and their medians.
# Usage: MAAS_AB_A_DIR=<Release gateway output folder> MAAS_AB_B_DIR=<another> \
#        tests/MaaS.Benchmarks/load/suggest-ab.sh [seconds, default 10] [connections, default 16] [rounds, default 3] [items, default 100000]
set -euo pipefail
source "$(dirname "$0")/gateway.sh"
duration="${1:-10}"; connections="${2:-16}"; rounds="${3:-3}"; items="${4:-100000}"
threads=$(( connections < 2 ? connections : 2 ))
if [ -n "${MAAS_LOAD_PORT:-}" ]; then ports=("$MAAS_LOAD_PORT" $((MAAS_LOAD_PORT + 1))); else read -r -a ports < <(free_port 2); fi
declare -A pid url
pids=(); dirs=(); out="$(mktemp -d)"; seeded="$(mktemp -d)"; dirs+=("$out" "$seeded")
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "${dirs[@]}"; }
trap cleanup EXIT
seed_suggest "$items" "$seeded" "$out"
launch() { # name port
  local dir_var="MAAS_AB_${1}_DIR" data
  data="$(mktemp -d)"; dirs+=("$data"); cp -a "$seeded/." "$data/"
  MAAS_LOAD_READY_SECONDS="${MAAS_LOAD_READY_SECONDS:-600}" MAAS_GATEWAY_DIR="${!dir_var:?set $dir_var}" \
    start_gateway "$2" --Storage:DataDirectory="$data" --Recommendations:RebuildIntervalSeconds=0
  pid[$1]=$GATEWAY_PID; url[$1]=$GATEWAY_URL; pids+=("$GATEWAY_PID"); dirs+=("$GATEWAY_DATA" "$GATEWAY_OUT")
  trap cleanup EXIT
}
launch A "${ports[0]}"; launch B "${ports[1]}"
# The first call loads the catalogue and builds the title index.
for g in A B; do curl -fs "${url[$g]}/v1/search/suggest?q=love" >/dev/null; done
run() { # name gateway seconds path
  local before after
  before=$(ticks "${pid[$2]}")
  SUGGEST_QUERIES="$out/queries.txt" SUGGEST_PATH="$4" wrk -t"$threads" -c"$connections" -d"$3s" --latency -s "$load/suggest.lua" "${url[$2]}" >"$out/$1.txt" 2>"$out/$1.err"
  after=$(ticks "${pid[$2]}")
  echo $((after - before)) >"$out/$1.cpu"
}
ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.3f", v }' <<<"$1"; }
echo "load at start: $(cat /proc/loadavg)"
run A-warm A 3 /v1/search/suggest; run B-warm B 3 /v1/search/suggest
for r in $(seq 1 "$rounds"); do
  if (( r % 2 )); then run "A-$r" A "$duration" /v1/search/suggest; run "B-$r" B "$duration" /v1/search/suggest
  else run "B-$r" B "$duration" /v1/search/suggest; run "A-$r" A "$duration" /v1/search/suggest; fi
  run "ping-$r" A "$duration" /v1/ping
done
echo "load at end: $(cat /proc/loadavg)"
printf '\nA: %s\nB: %s\nwrk -t%s -c%s -d%ss --latency over %s items (%s typed prefixes), %s rounds, %s cores, %s\n' "$MAAS_AB_A_DIR" "$MAAS_AB_B_DIR" \
  "$threads" "$connections" "$duration" "$items" "$(wc -l <"$out/queries.txt")" "$rounds" "$(nproc)" "$(date -u +%FT%TZ)"
printf '%-8s %10s %10s %10s %10s %12s  %s\n' run req/s p50 p90 p99 'CPU µs/req' errors
for r in $(seq 1 "$rounds"); do
  for g in A B ping; do
    printf '%-8s %10s %10s %10s %10s %12s  %s\n' "$g-$r" "$(field "$g-$r" 'Requests/sec' 2)" "$(field "$g-$r" '^ +50%' 2)" "$(field "$g-$r" '^ +90%' 2)" \
      "$(field "$g-$r" '^ +99%' 2)" "$(cpu_us "$g-$r")" "$(errors "$g-$r")"
  done
done
cpu=(); p99=(); rps=()
for r in $(seq 1 "$rounds"); do
  cpu+=("$(awk -v b="$(cpu_us "B-$r")" -v a="$(cpu_us "A-$r")" 'BEGIN { printf "%.3f", b / a }')")
  p99+=("$(awk -v b="$(ms "$(field "B-$r" '^ +99%' 2)")" -v a="$(ms "$(field "A-$r" '^ +99%' 2)")" 'BEGIN { printf "%.3f", b / a }')")
  rps+=("$(awk -v b="$(field "B-$r" 'Requests/sec' 2)" -v a="$(field "A-$r" 'Requests/sec' 2)" 'BEGIN { printf "%.3f", b / a }')")
done
printf '\nB/A CPU per request by round: %s (median %s)\n' "${cpu[*]}" "$(printf '%s\n' "${cpu[@]}" | median)"
printf 'B/A p99 by round: %s (median %s)\n' "${p99[*]}" "$(printf '%s\n' "${p99[@]}" | median)"
printf 'B/A req/s by round: %s (median %s)\n' "${rps[*]}" "$(printf '%s\n' "${rps[@]}" | median)"
