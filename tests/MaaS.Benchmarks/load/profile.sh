#!/usr/bin/env bash
# Where /v2 infer's CPU goes beside /v1/ping's (issue #18): one gateway (auth off, the 8->16->3 variant of peer.sh,
# DOTNET_PerfMapEnabled=1 so perf names JIT-compiled methods) under wrk at 64 connections, /v2 infer then ping, after
# every load has warmed up (the script says how many samples still fell in the JIT or in code not yet fully tiered); during each load `perf record -g` samples the gateway for the given seconds, and the gateway's
# CPU per request (utime + stime from /proc over the wrk run) scales the samples. profile-split.py then gives each
# sample to the innermost frame that names a part of the request (body read, decode, admission, batcher, ORT, answer,
# metrics, logging, ...) and prints a table of us per request: infer, ping and the difference. With MAAS_PROFILE_GRPC=1
# it also profiles gRPC ModelInfer from h2load at 64 connections x 1 stream and prints its column beside /v2's.
# Usage: [MAAS_GATEWAY_DIR=<Release gateway output>] tests/MaaS.Benchmarks/load/profile.sh [seconds, default 10] [warm-up seconds, default 20]
# MAAS_PROFILE_KEEP=<folder> keeps the perf script outputs there.
set -euo pipefail
source "$(dirname "$0")/gateway.sh"
duration="${1:-10}"; warm="${2:-20}"; connections=64; threads=2
command -v perf >/dev/null || { echo "perf is not installed" >&2; exit 2; }
[ -n "${MAAS_GATEWAY_DIR:-}" ] || dotnet build tests/MaaS.Benchmarks -c Release -nologo -v q >/dev/null
read -r port grpc < <(free_port 2)
port="${MAAS_LOAD_PORT:-$port}"; grpc="${MAAS_GRPC_PORT:-$grpc}"
models="$(mktemp -d)"; keep="${MAAS_PROFILE_KEEP:-}"
dotnet tests/MaaS.Benchmarks/bin/Release/net10.0/MaaS.Benchmarks.dll variant "${MAAS_HIDDEN:-16}" "$models" >/dev/null
# Without W^X off, JIT code runs from a double mapping that perf cannot name.
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
start_gateway "$port" --Serving:RepositoryPath="$models" --Recommendations:RebuildIntervalSeconds=0 --Grpc:Port="$grpc" ${MAAS_GATEWAY_ARGS:-}
unset DOTNET_PerfMapEnabled DOTNET_EnableWriteXorExecute
out="$GATEWAY_OUT"
trap 'stop_gateway; rm -rf "$models" /tmp/perf-"$GATEWAY_PID".map /tmp/perfinfo-"$GATEWAY_PID".map' EXIT
printf '\x00\x00\x00\x00\x42\x0a\x0b\x65\x78\x61\x6d\x70\x6c\x65\x2d\x6d\x6c\x70\x2a\x11\x0a\x05\x69\x6e\x70\x75\x74\x12\x04\x46\x50\x33\x32\x1a\x02\x01\x08\x3a\x20\xcd\xcc\xcc\x3d\xcd\xcc\x4c\x3e\x9a\x99\x99\x3e\xcd\xcc\xcc\x3e\x00\x00\x00\x3f\x9a\x99\x19\x3f\x33\x33\x33\x3f\xcd\xcc\x4c\x3f' >"$out/infer.grpc"

load_for() { # name seconds: runs the named load in the foreground, its output in $out/<name>.txt
  case "$1" in
    infer|ping) wrk -t"$threads" -c"$connections" -d"$2s" --latency -s "$load/$1.lua" "$GATEWAY_URL" >"$out/$1.txt" ;;
    grpc) h2load -t"$threads" -c"$connections" -m1 -D"$2" -H 'content-type: application/grpc' -H 'te: trailers' -d "$out/infer.grpc" \
      "http://127.0.0.1:$grpc/inference.GRPCInferenceService/ModelInfer" >"$out/grpc.h2load"
      awk '/^requests:/ { print "  " $8 " requests in"; exit }' "$out/grpc.h2load" >"$out/grpc.txt" ;;
  esac
}
counters() { # the runtime's meters from /metrics: bytes allocated, GC pause seconds, gen0 GCs, thread-pool work items, lock contentions
  curl -fs "$GATEWAY_URL/metrics" | awk '$1 == "system_runtime_dotnet_gc_heap_total_allocated" { a = $2 } $1 == "system_runtime_dotnet_gc_pause_time" { p = $2 }
    $1 == "system_runtime_dotnet_gc_collections{gc_heap_generation=\"gen0\"}" { g = $2 }
    $1 == "system_runtime_dotnet_thread_pool_work_item_count" { w = $2 } $1 == "system_runtime_dotnet_monitor_lock_contentions" { l = $2 }
    END { printf "%.0f %.6f %.0f %.0f %.0f\n", a, p, g, w, l }'
}
profile() { # name: the load for duration + 2 s with perf sampling duration s of it
  local before after
  local -a c0 c1
  read -r -a c0 < <(counters)
  before=$(ticks "$GATEWAY_PID")
  load_for "$1" $((duration + 2)) &
  local loader=$!
  sleep 1
  perf record -F 999 -g -o "$out/$1.data" -p "$GATEWAY_PID" -- sleep "$duration" 2>/dev/null >/dev/null
  wait "$loader"
  after=$(ticks "$GATEWAY_PID")
  read -r -a c1 < <(counters)
  echo $((after - before)) >"$out/$1.cpu"
  local n; n=$(requests "$1")
  awk -v n="$n" -v a="$((c1[0] - c0[0]))" -v p="$(awk -v x="${c1[1]}" -v y="${c0[1]}" 'BEGIN { print x - y }')" -v g="$((c1[2] - c0[2]))" \
    -v w="$((c1[3] - c0[3]))" -v l="$((c1[4] - c0[4]))" -v name="$1" 'BEGIN { printf "%s: %.0f bytes allocated, %.2f us of GC pause, %.2f gen0 GCs per 1,000, %.2f thread-pool work items, %.3f lock contentions per request\n", name, a / n, 1e6 * p / n, 1000 * g / n, w / n, l / n }' >&2
  perf script -i "$out/$1.data" 2>/dev/null >"$out/$1.script"
  [ -z "$keep" ] || cp "$out/$1.script" "$keep/"
  # Code still tiering (the JIT, Tier0 or instrumented code) makes the profile one of a warming gateway: say how much.
  local warming
  warming=$(awk 'BEGIN { RS = "" } { n++; if ($0 ~ /libclrjit|\[Tier0\]|\[Instrumented/) w++ } END { printf "%.1f", n ? 100 * w / n : 0 }' "$out/$1.script")
  echo "$1: $(requests "$1") requests, $(cpu_us "$1") us CPU per request, load $(cut -d' ' -f1-3 /proc/loadavg), ${warming} % of samples in the JIT or in code still tiering" >&2
}
loads=(infer ping); [ "${MAAS_PROFILE_GRPC:-0}" = 1 ] && loads+=(grpc)
echo "profile of $GATEWAY_URL, $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# Every load warms up before any is profiled: JIT tiering under a loaded box takes tens of seconds, and paths share code.
for name in "${loads[@]}"; do load_for "$name" "$warm"; done
for name in "${loads[@]}"; do load_for "$name" 5; done
for name in "${loads[@]}"; do profile "$name"; done
args=()
for name in "${loads[@]}"; do args+=("$name=$(cpu_us "$name"):$out/$name.script"); done
python3 "$load/profile-split.py" "${args[@]}"
