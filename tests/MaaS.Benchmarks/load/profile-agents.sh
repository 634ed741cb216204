#!/usr/bin/env bash
# Where a decide's CPU goes beside /v1/ping's (issue #20): the agents.sh agent (10 actions, 50 context features) on a
# gateway from a given build folder (agents-gateway.sh; DOTNET_PerfMapEnabled=1 so perf names JIT-compiled methods),
# both loads warmed up (20 s of decide, 10 s of ping, 5 s of decide again: tiering under a loaded box takes tens of
# seconds), then for each load `perf record -g` of the gateway for the given seconds under `wrk -t2 -c64`, the gateway's
# CPU per request (utime + stime from /proc over the wrk run) scaling the samples, and profile-split.py's table of us
# per request by part: decide, ping and the difference (the SQLite writer thread is a part of its own). Also prints the
# CPU the pool's workers spent in their idle wait (LowLevelLifoSemaphore.Wait: spinning, then parking).
# Usage: tests/MaaS.Benchmarks/load/profile-agents.sh <gateway build folder> [seconds, default 8]
# MAAS_PROFILE_KEEP=<folder> keeps the perf script outputs there.
set -euo pipefail
cd "$(dirname "$0")/../../.."
bin=$(cd "$1" && pwd); duration="${2:-8}"
command -v perf >/dev/null || { echo "perf is not installed" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
load="tests/MaaS.Benchmarks/load"
source "$load/agents-gateway.sh"
port="${MAAS_LOAD_PORT:-$(free_port)}"
# Without W^X off, JIT code runs from a double mapping that perf cannot name.
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
start_agents_gateway "$bin" "$port"
unset DOTNET_PerfMapEnabled DOTNET_EnableWriteXorExecute
trap 'kill $gw 2>/dev/null || true; wait $gw 2>/dev/null || true; rm -rf "$data" "$out" /tmp/perf-"$gw".map /tmp/perfinfo-"$gw".map' EXIT
keep="${MAAS_PROFILE_KEEP:-}"
wrk -t2 -c64 -d20s -s "$load/agents-decide.lua" "$url" >/dev/null
wrk -t2 -c64 -d10s -s "$load/ping.lua" "$url" >/dev/null
wrk -t2 -c64 -d5s -s "$load/agents-decide.lua" "$url" >/dev/null
hz=$(getconf CLK_TCK)
ticks() { awk '{ print $14 + $15 }' "/proc/$gw/stat"; }
echo "profile of $bin, $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for name in decide ping; do
  script="$load/agents-decide.lua"; [ "$name" = ping ] && script="$load/ping.lua"
  before=$(ticks)
  wrk -t2 -c64 -d$((duration + 2))s -s "$script" "$url" >"$out/$name.txt" &
  loader=$!
  sleep 1
  perf record -F 999 -g -o "$out/$name.data" -p "$gw" -- sleep "$duration" >/dev/null 2>&1
  wait "$loader"
  after=$(ticks)
  n=$(awk '/requests in/ { print $1 }' "$out/$name.txt")
  awk -v t=$((after - before)) -v hz="$hz" -v n="$n" 'BEGIN { printf "%.1f\n", t * 1e6 / hz / n }' >"$out/$name.cpu"
  perf script -i "$out/$name.data" 2>/dev/null >"$out/$name.script"
  [ -z "$keep" ] || cp "$out/$name.script" "$keep/"
  idle=$(awk -v per="$(cat "$out/$name.cpu")" 'BEGIN { RS = "" } { n++; if ($0 ~ /LowLevelLifoSemaphore::Wait/) w++ } END { printf "%.1f", n ? per * w / n : 0 }' "$out/$name.script")
  echo "$name: $n requests, $(awk '/^Requests\/sec/ { print $2 }' "$out/$name.txt") req/s, $(cat "$out/$name.cpu") us CPU per request ($idle in the pool's idle wait), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
done
python3 "$load/profile-split.py" "decide=$(cat "$out/decide.cpu"):$out/decide.script" "ping=$(cat "$out/ping.cpu"):$out/ping.script"
