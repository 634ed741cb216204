#!/usr/bin/env bash
# A/B of two gateway builds on POST /v1/recommend (recommend.lua: the demo seed's 200 users, 10 items each), both
# gateways up side by side over their own demo data and first index, driven in turn (A then B in odd rounds, B then A
# in even ones) so drift in the machine's load hits both alike. Per run: req/s, the gateway's CPU per request (utime +
# stime from /proc over the run) and the bytes it allocated per request (dotnet.gc.heap.total_allocated from
# /metrics, read outside the CPU window); then per round B/A of CPU per request and of req/s, and their medians.
# Usage: MAAS_AB_A_DIR=<Release gateway output folder> MAAS_AB_B_DIR=<another> \
#        tests/MaaS.Benchmarks/load/recommend-ab.sh [seconds, default 10] [connections, default 16] [rounds, default 4]
# Ports: MAAS_LOAD_PORT (A) and +1 (B), or two free ones when it is unset.
set -euo pipefail
source "$(dirname "$0")/gateway.sh"
duration="${1:-10}"; connections="${2:-16}"; rounds="${3:-4}"
threads=$(( connections < 2 ? connections : 2 ))
if [ -n "${MAAS_LOAD_PORT:-}" ]; then ports=("$MAAS_LOAD_PORT" $((MAAS_LOAD_PORT + 1))); else read -r -a ports < <(free_port 2); fi
declare -A pid url
pids=(); dirs=(); out="$(mktemp -d)"; dirs+=("$out")
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "${dirs[@]}"; }
launch() { # name port
  local dir_var="MAAS_AB_${1}_DIR"
  MAAS_GATEWAY_DIR="${!dir_var:?set $dir_var}" start_gateway "$2" --Recommendations:RebuildIntervalSeconds=0
  pid[$1]=$GATEWAY_PID; url[$1]=$GATEWAY_URL; pids+=("$GATEWAY_PID"); dirs+=("$GATEWAY_DATA" "$GATEWAY_OUT")
  trap cleanup EXIT
}
launch A "${ports[0]}"; launch B "${ports[1]}"
# The first index is built in the background after start: wait until more-like-this answers on both.
for g in A B; do
  for _ in $(seq 1 300); do curl -fs "${url[$g]}/v1/items/movie-001/similar?count=1" >/dev/null 2>&1 && break; sleep 0.2; done
done
allocated() { curl -fs "${url[$1]}/metrics" | awk '$1 == "system_runtime_dotnet_gc_heap_total_allocated" { printf "%.0f", $2 }'; }
run() { # name gateway seconds
  local before after
  allocated "$2" >"$out/$1.alloc"
  before=$(ticks "${pid[$2]}")
  wrk -t"$threads" -c"$connections" -d"$3s" -s "$load/recommend.lua" "${url[$2]}" >"$out/$1.txt"
  after=$(ticks "${pid[$2]}")
  echo $((after - before)) >"$out/$1.cpu"
  echo $(( $(allocated "$2") - $(cat "$out/$1.alloc") )) >"$out/$1.alloc"
}
alloc_per() { awk -v a="$(cat "$out/$1.alloc")" -v n="$(requests "$1")" 'BEGIN { printf "%.0f", a / n }'; }
echo "load at start: $(cat /proc/loadavg)"
run A-warm A 4; run B-warm B 4
for r in $(seq 1 "$rounds"); do
  if (( r % 2 )); then run "A-$r" A "$duration"; run "B-$r" B "$duration"; else run "B-$r" B "$duration"; run "A-$r" A "$duration"; fi
done
echo "load at end: $(cat /proc/loadavg)"
printf '\nA: %s\nB: %s\n%s s per run, %s connections, %s rounds, %s cores, %s\n' "$MAAS_AB_A_DIR" "$MAAS_AB_B_DIR" "$duration" "$connections" "$rounds" "$(nproc)" "$(date -u +%FT%TZ)"
printf '%-8s %10s %12s %10s  %s\n' run req/s 'CPU µs/req' 'bytes/req' errors
for r in $(seq 1 "$rounds"); do
  for g in A B; do
    printf '%-8s %10s %12s %10s  %s\n' "$g-$r" "$(field "$g-$r" 'Requests/sec' 2)" "$(cpu_us "$g-$r")" "$(alloc_per "$g-$r")" "$(errors "$g-$r")"
  done
done
cpu_ratios=(); rps_ratios=()
for r in $(seq 1 "$rounds"); do
  cpu_ratios+=("$(awk -v b="$(cpu_us "B-$r")" -v a="$(cpu_us "A-$r")" 'BEGIN { printf "%.3f", b / a }')")
  rps_ratios+=("$(awk -v b="$(field "B-$r" 'Requests/sec' 2)" -v a="$(field "A-$r" 'Requests/sec' 2)" 'BEGIN { printf "%.3f", b / a }')")
done
printf '\nB/A CPU per request by round: %s (median %s)\n' "${cpu_ratios[*]}" "$(printf '%s\n' "${cpu_ratios[@]}" | median)"
printf 'B/A req/s by round: %s (median %s)\n' "${rps_ratios[*]}" "$(printf '%s\n' "${rps_ratios[@]}" | median)"
