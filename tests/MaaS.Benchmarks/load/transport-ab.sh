#!/usr/bin/env bash
# A/B of two gateway settings (arguments and environment) on one build, both gateways up side by side and driven in
# turn, A then B in odd rounds and B then A in even ones, so drift in the machine's load, and whatever favours the
# build that runs first or second in a round, hits both alike. Each round runs, against each: gRPC
# ModelInfer from h2load as 64 connections x 1 stream (peer.sh's "h2", the shape the gRPC goal is judged by) and
# 1 x 64 ("h2one"), then wrk on /v2 infer and /v1/ping (HTTP/1.1), all at the same concurrency, 8->16->3 variant, batch
# 1; it reports req/s, the gateway's CPU per request (utime + stime from /proc over the run) and its context switches
# per request (voluntary and not, summed over its threads: each wake of a parked thread is one), and the medians.
# Usage: [MAAS_AB_A='--Section:Key=value ...'] [MAAS_AB_B=...] [MAAS_AB_A_ENV='NAME=value ...'] [MAAS_AB_B_ENV=...]
#        tests/MaaS.Benchmarks/load/transport-ab.sh [seconds, default 8] [connections, default 64] [rounds, default 3]
# Ports: MAAS_LOAD_PORT (A's HTTP), +1 (A's gRPC), +2 and +3 (B's), or four free ones when it is unset. MAAS_GATEWAY_DIR
# as in gateway.sh; MAAS_AB_A_DIR and MAAS_AB_B_DIR (Release gateway output folders) run two builds instead, for an
# A/B of a change against main. Each run also reports the bytes the gateway allocated per request (the runtime's
# dotnet.gc.heap.total_allocated from /metrics, read outside the CPU window), which unlike CPU time does not drift
# with the machine's load.
set -euo pipefail
source "$(dirname "$0")/gateway.sh"
duration="${1:-8}"; connections="${2:-64}"; rounds="${3:-3}"
# wrk and h2load need a connection per thread at least, so one connection runs one thread.
threads=$(( connections < 2 ? connections : 2 ))
if [ -n "${MAAS_LOAD_PORT:-}" ]; then
  ports=("$MAAS_LOAD_PORT" $((MAAS_LOAD_PORT + 1)) $((MAAS_LOAD_PORT + 2)) $((MAAS_LOAD_PORT + 3)))
else
  read -r -a ports < <(free_port 4)
fi
command -v h2load >/dev/null || { echo "h2load is not installed (apt-get install nghttp2-client)" >&2; exit 2; }
# Prebuilt gateways build nothing (MaaS.Benchmarks, for the variant, must then be built already).
[ -n "${MAAS_GATEWAY_DIR:-}${MAAS_AB_A_DIR:-}${MAAS_AB_B_DIR:-}" ] || dotnet build tests/MaaS.Benchmarks -c Release -nologo -v q >/dev/null
models="$(mktemp -d)"; out="$(mktemp -d)"
dotnet tests/MaaS.Benchmarks/bin/Release/net10.0/MaaS.Benchmarks.dll variant "${MAAS_HIDDEN:-16}" "$models" >/dev/null
declare -A pid url grpc_port
pids=(); dirs=("$models" "$out")
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "${dirs[@]}"; }
launch() { # name http-port grpc-port arguments environment
  local name=$1 port=$2 gport=$3 args=$4 environment=$5
  # shellcheck disable=SC2086
  [ -z "$environment" ] || export $environment
  # shellcheck disable=SC2086
  local dir_var="MAAS_AB_${name}_DIR"
  MAAS_GATEWAY_DIR="${!dir_var:-${MAAS_GATEWAY_DIR:-}}" \
    start_gateway "$port" --Serving:RepositoryPath="$models" --Recommendations:RebuildIntervalSeconds=0 --Grpc:Port="$gport" $args
  [ -z "$environment" ] || for pair in $environment; do unset "${pair%%=*}"; done
  pid[$name]=$GATEWAY_PID; url[$name]=$GATEWAY_URL; grpc_port[$name]=$gport
  pids+=("$GATEWAY_PID"); dirs+=("$GATEWAY_DATA" "$GATEWAY_OUT")
  trap cleanup EXIT
}
launch A "${ports[0]}" "${ports[1]}" "${MAAS_AB_A:-}" "${MAAS_AB_A_ENV:-}"
launch B "${ports[2]}" "${ports[3]}" "${MAAS_AB_B:-}" "${MAAS_AB_B_ENV:-}"

# The ModelInferRequest of peer.sh, in gRPC's frame.
printf '\x00\x00\x00\x00\x42\x0a\x0b\x65\x78\x61\x6d\x70\x6c\x65\x2d\x6d\x6c\x70\x2a\x11\x0a\x05\x69\x6e\x70\x75\x74\x12\x04\x46\x50\x33\x32\x1a\x02\x01\x08\x3a\x20\xcd\xcc\xcc\x3d\xcd\xcc\x4c\x3e\x9a\x99\x99\x3e\xcd\xcc\xcc\x3e\x00\x00\x00\x3f\x9a\x99\x19\x3f\x33\x33\x33\x3f\xcd\xcc\x4c\x3f' >"$out/infer.grpc"
allocated() { curl -fs "${url[$1]}/metrics" | awk '$1 == "system_runtime_dotnet_gc_heap_total_allocated" { printf "%.0f", $2 }'; }
switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { s += $2 } END { print s }'; }
h2() { # name gateway seconds connections streams
  local before after n
  allocated "$2" >"$out/$1.alloc"
  switches "${pid[$2]}" >"$out/$1.csw"
  before=$(ticks "${pid[$2]}")
  h2load -t"$(( $4 < threads ? $4 : threads ))" -c"$4" -m"$5" -D"$3" -H 'content-type: application/grpc' -H 'te: trailers' -d "$out/infer.grpc" \
    --log-file="$out/$1.log" "http://127.0.0.1:${grpc_port[$2]}/inference.GRPCInferenceService/ModelInfer" >"$out/$1.h2load"
  after=$(ticks "${pid[$2]}")
  echo $((after - before)) >"$out/$1.cpu"; echo $(( $(switches "${pid[$2]}") - $(cat "$out/$1.csw") )) >"$out/$1.csw"
  echo $(( $(allocated "$2") - $(cat "$out/$1.alloc") )) >"$out/$1.alloc"
  n=$(wc -l <"$out/$1.log")
  { echo "  $n requests in $3s"; awk -v n="$n" -v d="$3" 'BEGIN { printf "Requests/sec: %.2f\n", n / d }'
    grep -E '^status codes' "$out/$1.h2load" | grep -v ' 0 4xx, 0 5xx' | sed 's/^/Non-2xx: /' || true; } >"$out/$1.txt"
}
http() { # name gateway seconds script
  local before after
  allocated "$2" >"$out/$1.alloc"
  switches "${pid[$2]}" >"$out/$1.csw"
  before=$(ticks "${pid[$2]}")
  wrk -t"$threads" -c"$connections" -d"$3s" -s "$load/$4" "${url[$2]}" >"$out/$1.txt"
  after=$(ticks "${pid[$2]}")
  echo $((after - before)) >"$out/$1.cpu"; echo $(( $(switches "${pid[$2]}") - $(cat "$out/$1.csw") )) >"$out/$1.csw"
  echo $(( $(allocated "$2") - $(cat "$out/$1.alloc") )) >"$out/$1.alloc"
}
alloc_per() { awk -v a="$(cat "$out/$1.alloc")" -v n="$(requests "$1")" 'BEGIN { printf "%.0f", a / n }'; }
csw_per() { awk -v s="$(cat "$out/$1.csw")" -v n="$(requests "$1")" 'BEGIN { printf "%.2f", s / n }'; }
shapes() { # gateway suffix seconds
  h2 "h2-$1$2" "$1" "$3" "$connections" 1
  h2 "h2one-$1$2" "$1" "$3" 1 "$connections"
  http "v2-$1$2" "$1" "$3" infer.lua
  http "ping-$1$2" "$1" "$3" ping.lua
}
echo "load at start: $(cat /proc/loadavg)"
shapes A -warm 4; shapes B -warm 4
for r in $(seq 1 "$rounds"); do
  if (( r % 2 )); then shapes A "-$r" "$duration"; shapes B "-$r" "$duration"; else shapes B "-$r" "$duration"; shapes A "-$r" "$duration"; fi
done
echo "load at end: $(cat /proc/loadavg)"

printf '\nA: %s %s %s\nB: %s %s %s\n%s s per run, %s connections, %s rounds (A first in odd rounds, B first in even), %s cores, %s\n' "${MAAS_AB_A_DIR:-}" "${MAAS_AB_A_ENV:-}" "${MAAS_AB_A:-}" \
  "${MAAS_AB_B_DIR:-}" "${MAAS_AB_B_ENV:-}" "${MAAS_AB_B:-}" "$duration" "$connections" "$rounds" "$(nproc)" "$(date -u +%FT%TZ)"
printf '%-12s %12s %12s %10s %10s  %s\n' run req/s 'CPU µs/req' 'csw/req' 'bytes/req' errors
for r in $(seq 1 "$rounds"); do
  for g in A B; do
    for name in h2 h2one v2 ping; do
      printf '%-12s %12s %12s %10s %10s  %s\n' "$name-$g-$r" "$(field "$name-$g-$r" 'Requests/sec' 2)" "$(cpu_us "$name-$g-$r")" "$(csw_per "$name-$g-$r")" \
        "$(alloc_per "$name-$g-$r")" "$(errors "$name-$g-$r")"
    done
  done
done
printf '\nmedians of the rounds (req/s, CPU µs/req, context switches/req, bytes allocated/req):\n'
for name in h2 h2one v2 ping; do
  for g in A B; do
    printf '%-8s %s %10s %8s %6s %8s\n' "$name" "$g" "$(for r in $(seq 1 "$rounds"); do field "$name-$g-$r" 'Requests/sec' 2; done | median)" \
      "$(for r in $(seq 1 "$rounds"); do cpu_us "$name-$g-$r"; echo; done | median)" "$(for r in $(seq 1 "$rounds"); do csw_per "$name-$g-$r"; echo; done | median)" \
      "$(for r in $(seq 1 "$rounds"); do alloc_per "$name-$g-$r"; echo; done | median)"
  done
done
for g in A B; do
  printf '/v2 / ping CPU per round, %s: %s\n' "$g" "$(for r in $(seq 1 "$rounds"); do awk -v a="$(cpu_us "v2-$g-$r")" -v b="$(cpu_us "ping-$g-$r")" 'BEGIN { printf "%.2f ", a / b }'; done)"
done
