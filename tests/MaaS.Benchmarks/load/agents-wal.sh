#!/usr/bin/env bash
# What one logged decision costs the SQLite writer (issue #20): a gateway from a given build folder, the agents.sh
# agent, a warm-up, then one wrk run of decides at 64 connections during which the writer thread's own I/O counters
# (/proc/<gateway>/task/<writer>/io: wchar = bytes it pwrote (WAL frames, checkpoints), syscw = its write calls) and its
# fsync/fdatasync calls (perf's syscall tracepoints, on that thread only) are read before and after. Commits per
# decision ≈ WAL fsyncs per decision (synchronous=FULL fsyncs the WAL once per commit; a checkpoint adds two), so
# decisions per fsync is the mean commit group.
# Usage: tests/MaaS.Benchmarks/load/agents-wal.sh <gateway build folder> [seconds, default 5] [warm-up seconds, default 10] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/../../.."
bin=$(cd "$1" && pwd); duration="${2:-5}"; warm="${3:-10}"; connections="${4:-64}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
command -v perf >/dev/null || { echo "perf is not installed" >&2; exit 2; }
load="tests/MaaS.Benchmarks/load"
source "$load/agents-gateway.sh"
port="${MAAS_LOAD_PORT:-$(free_port)}"
start_agents_gateway "$bin" "$port"
wrk -t2 -c"$connections" -d"${warm}s" -s "$load/agents-decide.lua" "$url" >/dev/null
writer=$(grep -l '^maas-sqlite-wri' /proc/$gw/task/*/comm | head -1 | cut -d/ -f5)
io() { awk -v k="$1" '$1 == k":" { print $2 }' "/proc/$gw/task/$writer/io"; }
bytes0=$(io wchar); calls0=$(io syscw)
perf stat -x, -e syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync -t "$writer" -o "$out/perf" &
perfpid=$!
sleep 0.5
result=$(wrk -t2 -c"$connections" -d"${duration}s" -s "$load/agents-decide.lua" "$url")
kill -INT $perfpid; wait $perfpid 2>/dev/null || true
bytes1=$(io wchar); calls1=$(io syscw)
n=$(awk '/requests in/ { print $1 }' <<<"$result")
errors=$(awk '/Non-2xx/ { print $NF }' <<<"$result")
syncs=$(awk -F, '/sys_enter_f/ { s += $1 } END { print s }' "$out/perf")
printf '%s, %s, %s decides at %s connections in %ss (non-2xx: %s), load: %s\n' "$bin" "$(date -u +%FT%TZ)" "$n" "$connections" "$duration" "${errors:-0}" "$(uptime | sed 's/.*load average: //')"
awk -v n="$n" -v b=$((bytes1 - bytes0)) -v c=$((calls1 - calls0)) -v s="$syncs" \
  'BEGIN { printf "writer: %.0f bytes written per decision, %.2f write calls per decision, %.4f fsyncs per decision (%.1f decisions per fsync)\n", b / n, c / n, s / n, n / s }'
