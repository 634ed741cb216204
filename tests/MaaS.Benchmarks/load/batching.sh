#!/usr/bin/env bash
# Dynamic batching on against off, as served: two Release gateway processes (Serving:DynamicBatching true / false)
# serving the example MLP (8 -> 768 -> 768 -> 3 unless MAAS_HIDDEN says otherwise), each driven by wrk (a native client
# that leaves the cores to the gateway) with one row per request, rounds alternating on, off, on, off... so drift in
# machine load hits both alike. Each run records the server's CPU time, so the table gives CPU microseconds per
# request beside req/s and latency. Auth is off; the work budget is lifted (64 clients of one tenant would otherwise be
# held to the default budget, which is the point of the budget but not of this comparison).
# MAAS_CEILING=1 adds two runs to every round, for the ceiling of what batching can gain on this machine however well
# it merges: "tiny", a third gateway with batching off serving the 8 -> 16 -> 3 variant, whose run costs next to
# nothing beside its request (a request's cost without its model's run), and "rows32", 32 rows per request on the
# batching-off gateway (a row's cost in a run of 32, nothing to merge). A request served in a merged run costs at least
# about tiny's CPU plus a row's in rows32 (within a 32nd of a request), so off's CPU per request over that sum is the
# most batching can gain where the cores are the limit; tiny's req/s over off's is the bound were merged runs free.
# Usage: tests/MaaS.Benchmarks/load/batching.sh [seconds, default 10] [connections, default 64] [threads, default 2] [rounds, default 3]
set -euo pipefail
source "$(dirname "$0")/gateway.sh"
duration="${1:-10}"; connections="${2:-64}"; threads="${3:-2}"; rounds="${4:-3}"
dotnet build tests/MaaS.Benchmarks -c Release -nologo -v q >/dev/null
models="$(mktemp -d)"
dotnet tests/MaaS.Benchmarks/bin/Release/net10.0/MaaS.Benchmarks.dll variant "${MAAS_HIDDEN:-768,768}" "$models"
read -r on_port off_port < <(free_port 2)
on_port="${MAAS_LOAD_PORT:-$on_port}"; off_port="${MAAS_LOAD_PORT_2:-$off_port}"
budget=(--Auth:Admission:CostPerSecond=100000000 --Auth:Admission:CostBurst=100000000)
start_gateway "$off_port" --Serving:RepositoryPath="$models" --Serving:DynamicBatching=false --Recommendations:RebuildIntervalSeconds=0 "${budget[@]}"
off_pid=$GATEWAY_PID; off_data=$GATEWAY_DATA; off_out=$GATEWAY_OUT
start_gateway "$on_port" --Serving:RepositoryPath="$models" --Serving:DynamicBatching=true --Recommendations:RebuildIntervalSeconds=0 "${budget[@]}"
out="$GATEWAY_OUT"
names=(on off)
if [ "${MAAS_CEILING:-0}" = 1 ]; then
  tiny_models="$(mktemp -d)"
  dotnet tests/MaaS.Benchmarks/bin/Release/net10.0/MaaS.Benchmarks.dll variant 16 "$tiny_models"
  tiny_port=$(free_port)
  (start_gateway "$tiny_port" --Serving:RepositoryPath="$tiny_models" --Serving:DynamicBatching=false --Recommendations:RebuildIntervalSeconds=0 "${budget[@]}"
   trap - EXIT; echo "$GATEWAY_PID $GATEWAY_DATA $GATEWAY_OUT") >"$out/tiny"
  read -r tiny_pid tiny_data tiny_out <"$out/tiny"
  names+=(tiny rows32)
fi
trap 'kill $off_pid ${tiny_pid:-} 2>/dev/null || true; wait $off_pid 2>/dev/null || true; rm -rf "$off_data" "$off_out" ${tiny_data:-} ${tiny_out:-} ${tiny_models:-}; stop_gateway; rm -rf "$models"' EXIT

run() { # name pid port seconds
  local before after
  before=$(ticks "$2")
  INFER_ROWS=$([[ $1 == *rows32* ]] && echo 32 || echo 1) wrk -t"$threads" -c"$connections" -d"$4s" --latency -s "$load/infer.lua" "http://127.0.0.1:$3" >"$out/$1.txt"
  after=$(ticks "$2")
  echo $((after - before)) >"$out/$1.cpu"
}
# Warm-up: JIT tiering, connection pools, ORT's first runs, the batcher's pool.
declare -A pid=([on]="$GATEWAY_PID" [off]="$off_pid" [tiny]="${tiny_pid:-}" [rows32]="$off_pid") \
  port=([on]="$on_port" [off]="$off_port" [tiny]="${tiny_port:-}" [rows32]="$off_port")
for name in "${names[@]}"; do run "warm-$name" "${pid[$name]}" "${port[$name]}" 5; done
for r in $(seq 1 "$rounds"); do
  for name in "${names[@]}"; do run "$name-$r" "${pid[$name]}" "${port[$name]}" "$duration"; done
done

printf '\nwrk -t%s -c%s -d%ss --latency, %s rounds, %s cores, example-mlp 8-%s-3, %s\n' "$threads" "$connections" "$duration" "$rounds" "$(nproc)" "${MAAS_HIDDEN:-768,768}" "$(date -u +%FT%TZ)"
printf '%-8s %12s %10s %10s %12s  %s\n' run req/s p50 p99 'CPU µs/req' errors
for r in $(seq 1 "$rounds"); do
  for name in "${names[@]}"; do
    printf '%-8s %12s %10s %10s %12s  %s\n' "$name-$r" "$(field "$name-$r" 'Requests/sec' 2)" "$(field "$name-$r" '^ +50%' 2)" \
      "$(field "$name-$r" '^ +99%' 2)" "$(cpu_us "$name-$r")" "$(errors "$name-$r")"
  done
done
ratio() { for r in $(seq 1 "$rounds"); do awk -v a="$($3 "$1-$r")" -v b="$($3 "$2-$r")" 'BEGIN { printf "%.2f\n", a / b }'; done; }
rps() { field "$1" 'Requests/sec' 2; }
printf '\nbatching on / off throughput per round: %s (median %s; target >= 2)\n' "$(ratio on off rps | tr '\n' ' ')" "$(ratio on off rps | median)"
printf 'batching on / off CPU per request per round: %s (median %s)\n' "$(ratio on off cpu_us | tr '\n' ' ')" "$(ratio on off cpu_us | median)"
if [ "${MAAS_CEILING:-0}" = 1 ]; then
  row32() { awk -v c="$(cpu_us "$1")" 'BEGIN { printf "%.1f", c / 32 }'; }
  bound() { for r in $(seq 1 "$rounds"); do
    awk -v off="$(cpu_us "off-$r")" -v tiny="$(cpu_us "tiny-$r")" -v row="$(row32 "rows32-$r")" 'BEGIN { printf "%.2f\n", off / (tiny + row) }'; done; }
  printf 'CPU µs per row in runs of 32 (rows32): %s\n' "$(for r in $(seq 1 "$rounds"); do row32 "rows32-$r"; printf ' '; done)"
  printf 'ceiling: off CPU/request over (tiny + a row of rows32) per round: %s (median %s)\n' "$(bound | tr '\n' ' ')" "$(bound | median)"
  printf 'bound were merged runs free: tiny / off req/s per round: %s (median %s)\n' "$(ratio tiny off rps | tr '\n' ' ')" "$(ratio tiny off rps | median)"
fi
