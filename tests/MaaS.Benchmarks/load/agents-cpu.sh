#!/usr/bin/env bash
# decide against /v1/ping with the gateway's CPU time per request (issue #20): the same agent and wrk scripts as
# agents.sh, but the gateway comes from a given build folder (so two builds can be run in turn, A, B, A, B), the
# warm-up is long enough for tiered compilation to finish under load (it took ~20 s at load average 50), and each run
# also reports the gateway's CPU µs per request (/proc utime + stime over the run) and wrk's own, which on a shared
# 2-core box say more than req/s, and the bytes the gateway allocated per request (the runtime's counter from /metrics,
# read outside the CPU window), which does not drift with the load. Decision ids are not collected (no outcomes phase).
# Usage: tests/MaaS.Benchmarks/load/agents-cpu.sh <gateway build folder> [seconds, default 5] [rounds, default 3] [warm-up seconds, default 15]
set -euo pipefail
cd "$(dirname "$0")/../../.."
bin=$(cd "$1" && pwd); duration="${2:-5}"; rounds="${3:-3}"; warm="${4:-15}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
load="tests/MaaS.Benchmarks/load"
source "$load/agents-gateway.sh"
port="${MAAS_LOAD_PORT:-$(free_port)}"
start_agents_gateway "$bin" "$port"
wrk -t2 -c64 -d"${warm}s" -s "$load/agents-decide.lua" "$url" >/dev/null
wrk -t2 -c64 -d"${warm}s" -s "$load/ping.lua" "$url" >/dev/null
ticks() { awk '{ print $14 + $15 }' "/proc/$gw/stat"; }
hz=$(getconf CLK_TCK)
allocated() { curl -fs "$url/metrics" | awk '$1 == "system_runtime_dotnet_gc_heap_total_allocated" { printf "%.0f", $2 }'; }
run() {
  local before after result requests bytes
  bytes=$(allocated)
  before=$(ticks)
  result=$( { /usr/bin/time -f 'WRKCPU %U %S' wrk -t2 -c64 -d"${duration}s" -s "$2" "$url"; } 2>&1 )
  after=$(ticks)
  bytes=$(( $(allocated) - bytes ))
  requests=$(awk '/requests in/ { print $1 }' <<<"$result")
  awk -v name="$1" -v rps="$(awk '/^Requests\/sec/ { print $2 }' <<<"$result")" -v n="$requests" -v t=$((after - before)) -v hz="$hz" \
    -v w="$(awk '/WRKCPU/ { print $2 + $3 }' <<<"$result")" -v b="$bytes" \
    'BEGIN { printf "%s %.0f req/s, gateway %.1f us CPU/request, wrk %.1f us, %.0f bytes allocated/request\n", name, rps, t * 1e6 / hz / n, w * 1e6 / n, b / n }'
  awk '/^Requests\/sec/ { print $2 }' <<<"$result" >"$out/rps"
}
printf '%s, %s, %ss runs after %ss warm-up, load: %s\n' "$bin" "$(date -u +%FT%TZ)" "$duration" "$warm" "$(uptime | sed 's/.*load average: //')"
for r in $(seq 1 "$rounds"); do
  run ping "$load/ping.lua"; ping=$(cat "$out/rps")
  run decide "$load/agents-decide.lua"; decide=$(cat "$out/rps")
  printf 'round %s: decide/ping %s\n' "$r" "$(awk -v a="$decide" -v b="$ping" 'BEGIN { printf "%.3f", a / b }')"
done
