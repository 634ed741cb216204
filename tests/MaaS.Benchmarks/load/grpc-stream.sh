#!/usr/bin/env bash
# gRPC ModelStreamInfer against unary ModelInfer on one gateway, at the same concurrency on one HTTP/2 channel: the
# grpc-load client (MaaS.Benchmarks) as N callers, each a unary caller or the holder of one stream with one request in
# flight, one-row example-mlp, raw inputs. Rounds alternate the order (unary then stream, stream then unary) so drift
# in the machine's load hits both alike; each run reports req/s and the gateway's CPU per request (utime + stime from
# /proc over the run) and the bytes it allocated per request (the runtime's dotnet.gc.heap.total_allocated from
# /metrics, read outside the CPU window), then the medians and the ratio stream/unary of each round with their spread.
# MAAS_GRPC_ARGS adds gateway arguments (e.g. '--Serving:SharedMemory:Enabled=true').
# Usage: tests/MaaS.Benchmarks/load/grpc-stream.sh [seconds, default 8] [callers, default 64] [rounds, default 3]
# Ports: MAAS_LOAD_PORT (HTTP) and +1 (gRPC), or two free ones when it is unset. MAAS_GATEWAY_DIR as in gateway.sh.
set -euo pipefail
source "$(dirname "$0")/gateway.sh"
duration="${1:-8}"; callers="${2:-64}"; rounds="${3:-3}"
if [ -n "${MAAS_LOAD_PORT:-}" ]; then ports=("$MAAS_LOAD_PORT" $((MAAS_LOAD_PORT + 1))); else read -r -a ports < <(free_port 2); fi
[ -n "${MAAS_GATEWAY_DIR:-}" ] || dotnet build tests/MaaS.Benchmarks -c Release -nologo -v q >/dev/null
# shellcheck disable=SC2086
start_gateway "${ports[0]}" --Grpc:Port="${ports[1]}" --Recommendations:RebuildIntervalSeconds=0 ${MAAS_GRPC_ARGS:-}
out="$GATEWAY_OUT"
bench="tests/MaaS.Benchmarks/bin/Release/net10.0/MaaS.Benchmarks.dll"
allocated() { curl -fs "$GATEWAY_URL/metrics" | awk '$1 == "system_runtime_dotnet_gc_heap_total_allocated" { printf "%.0f", $2 }'; }
run() { # name [--stream]
  local before after bytes
  bytes=$(allocated)
  before=$(ticks "$GATEWAY_PID")
  dotnet "$bench" grpc-load --port "${ports[1]}" --clients "$callers" --seconds "$duration" ${2:-} >"$out/$1.txt"
  after=$(ticks "$GATEWAY_PID")
  echo $((after - before)) >"$out/$1.cpu"
  echo $(( $(allocated) - bytes )) >"$out/$1.alloc"
}
alloc_per() { awk -v a="$(cat "$out/$1.alloc")" -v n="$(requests "$1")" 'BEGIN { printf "%.0f", a / n }'; }
rps() { field "$1" 'Requests/sec' 2; }
# Warm both paths (JIT, pools, the batcher) before anything is counted.
dotnet "$bench" grpc-load --port "${ports[1]}" --clients "$callers" --seconds 5 >/dev/null
dotnet "$bench" grpc-load --port "${ports[1]}" --clients "$callers" --seconds 5 --stream >/dev/null
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then run "u$r"; run "s$r" --stream; else run "s$r" --stream; run "u$r"; fi
  printf 'round %d  unary %8s req/s %7s us/req %6s B/req   stream %8s req/s %7s us/req %6s B/req   load %s\n' "$r" \
    "$(rps "u$r")" "$(cpu_us "u$r")" "$(alloc_per "u$r")" "$(rps "s$r")" "$(cpu_us "s$r")" "$(alloc_per "s$r")" "$(cut -d' ' -f1 /proc/loadavg)"
done
summary() { # label values...
  local label=$1; shift
  printf '%s\n' "$@" | sort -g | awk -v l="$label" '{ v[NR] = $1 } END { printf "%-28s median %.3f  min %.3f  max %.3f\n", l, v[int((NR + 1) / 2)], v[1], v[NR] }'
}
ratios_rps=(); ratios_cpu=()
for r in $(seq 1 "$rounds"); do
  ratios_rps+=("$(awk -v s="$(rps "s$r")" -v u="$(rps "u$r")" 'BEGIN { printf "%.3f", s / u }')")
  ratios_cpu+=("$(awk -v s="$(cpu_us "s$r")" -v u="$(cpu_us "u$r")" 'BEGIN { printf "%.3f", s / u }')")
done
summary "unary req/s" $(for r in $(seq 1 "$rounds"); do rps "u$r"; done)
summary "stream req/s" $(for r in $(seq 1 "$rounds"); do rps "s$r"; done)
summary "unary CPU us/req" $(for r in $(seq 1 "$rounds"); do echo "$(cpu_us "u$r")"; done)
summary "stream CPU us/req" $(for r in $(seq 1 "$rounds"); do echo "$(cpu_us "s$r")"; done)
summary "unary B/req" $(for r in $(seq 1 "$rounds"); do echo "$(alloc_per "u$r")"; done)
summary "stream B/req" $(for r in $(seq 1 "$rounds"); do echo "$(alloc_per "s$r")"; done)
summary "ratio stream/unary req/s" "${ratios_rps[@]}"
summary "ratio stream/unary CPU/req" "${ratios_cpu[@]}"
