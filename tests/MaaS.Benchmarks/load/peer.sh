#!/usr/bin/env bash
# The gateway's /v2 HTTP path against its peer, the minimal Node.js + onnxruntime-node V2 JSON server
# (tests/MaaS.Benchmarks/peers/node-ort), on the same model file: the example MLP rebuilt 8 -> 16 -> 3 (MAAS_HIDDEN),
# one row per request. Rounds alternate gateway /v2 infer, peer infer, gateway /v1/ping (same wrk settings) and
# gateway gRPC: MaaS.Benchmarks grpc-load (as many callers on one HTTP/2 channel as wrk's connections, a .NET client)
# calling ModelInfer, then the same with --stream (each caller holds one ModelStreamInfer stream with one request in
# flight), and h2load calling ModelInfer (nghttp2-client, posting the 5-byte-framed ModelInferRequest below; a native
# client that leaves the cores to the gateway, as wrk does for HTTP) in three shapes of the same concurrency: h2 as
# many h2c connections as wrk's, one stream each (the issue's "64 connections", as that many Triton clients would
# each hold a channel; the figure the unary gRPC goal is judged by), h2mid sqrt(connections) connections with as many
# streams each, and h2one one connection carrying them all as streams (where Kestrel serialises every frame through
# one connection's reader and output pipe), so drift in machine load hits all alike; each run also records the server
# process's CPU time (utime + stime from /proc), so the table gives CPU microseconds per request beside req/s and
# latency. Auth is off on the gateway (the peer has none).
# Usage: tests/MaaS.Benchmarks/load/peer.sh [seconds, default 10] [connections, default 64] [threads, default 2] [rounds, default 3]
# MAAS_GATEWAY_DIR=<a Release gateway's output folder> runs that build and builds nothing (A/B runs of two builds; the
# MaaS.Benchmarks binary for the variant and grpc-load must then be built already). MAAS_GATEWAY_ARGS adds settings to
# the gateway's command line (--Serving:DynamicBatching=false: the variant served without batching, by its managed twin).
set -euo pipefail
cd "$(dirname "$0")/../../.."
duration="${1:-10}"; connections="${2:-64}"; threads="${3:-2}"; rounds="${4:-3}"
load="tests/MaaS.Benchmarks/load"; peer_dir="tests/MaaS.Benchmarks/peers/node-ort"
source "$load/ports.sh"
read -r gateway_port peer_port grpc_port < <(free_port 3)
gateway_port="${MAAS_LOAD_PORT:-$gateway_port}"; peer_port="${MAAS_PEER_PORT:-$peer_port}"; grpc_port="${MAAS_GRPC_PORT:-$grpc_port}"
command -v node >/dev/null || { echo "node is not installed" >&2; exit 2; }
command -v h2load >/dev/null || { echo "h2load is not installed (apt-get install nghttp2-client)" >&2; exit 2; }
# --ignore-scripts: the package carries its CPU binaries; its install script only fetches GPU ones from the internet.
[ -d "$peer_dir/node_modules/onnxruntime-node" ] || npm ci --prefix "$peer_dir" --ignore-scripts --no-audit --no-fund >/dev/null
[ -n "${MAAS_GATEWAY_DIR:-}" ] || dotnet build tests/MaaS.Benchmarks -c Release -nologo -v q >/dev/null
models="$(mktemp -d)"
dotnet tests/MaaS.Benchmarks/bin/Release/net10.0/MaaS.Benchmarks.dll variant "${MAAS_HIDDEN:-16}" "$models"
source "$load/gateway.sh"
# shellcheck disable=SC2086
start_gateway "$gateway_port" --Serving:RepositoryPath="$models" --Recommendations:RebuildIntervalSeconds=0 --Grpc:Port="$grpc_port" ${MAAS_GATEWAY_ARGS:-}
out="$GATEWAY_OUT"
node "$peer_dir/server.js" --port "$peer_port" --model "$models/example-mlp/1/model.onnx" >"$out/peer.log" 2>&1 &
peer_pid=$!
trap 'kill $peer_pid 2>/dev/null || true; stop_gateway; rm -rf "$models"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$peer_port/v2/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done

run() { # name pid url script seconds
  local before after
  before=$(ticks "$2")
  wrk -t"$threads" -c"$connections" -d"$5s" --latency -s "$load/$4" "$3" >"$out/$1.txt"
  after=$(ticks "$2")
  echo $((after - before)) >"$out/$1.cpu"
}
# ModelInferRequest {model_name: "example-mlp", inputs: [{name: "input", datatype: "FP32", shape: [1, 8]}],
# raw_input_contents: [0.1 .. 0.8 as little-endian floats]}, in gRPC's frame (uncompressed flag, big-endian length).
printf '\x00\x00\x00\x00\x42\x0a\x0b\x65\x78\x61\x6d\x70\x6c\x65\x2d\x6d\x6c\x70\x2a\x11\x0a\x05\x69\x6e\x70\x75\x74\x12\x04\x46\x50\x33\x32\x1a\x02\x01\x08\x3a\x20\xcd\xcc\xcc\x3d\xcd\xcc\x4c\x3e\x9a\x99\x99\x3e\xcd\xcc\xcc\x3e\x00\x00\x00\x3f\x9a\x99\x19\x3f\x33\x33\x33\x3f\xcd\xcc\x4c\x3f' >"$out/infer.grpc"
h2() { # name seconds connections streams-per-connection: h2load's summary, rewritten in wrk's words (Requests/sec,
  # percentiles from its per-request log). As many client threads as wrk's, at most one per connection.
  local before after
  before=$(ticks "$GATEWAY_PID")
  h2load -t"$(( $3 < threads ? $3 : threads ))" -c"$3" -m"$4" -D"$2" -H 'content-type: application/grpc' -H 'te: trailers' -d "$out/infer.grpc" \
    --log-file="$out/$1.log" "http://127.0.0.1:$grpc_port/inference.GRPCInferenceService/ModelInfer" >"$out/$1.h2load"
  after=$(ticks "$GATEWAY_PID")
  echo $((after - before)) >"$out/$1.cpu"
  local n; n=$(wc -l <"$out/$1.log")
  { echo "  $n requests in $2s"; awk -v n="$n" -v d="$2" 'BEGIN { printf "Requests/sec: %.2f\n", n / d }'
    cut -f3 "$out/$1.log" | sort -n | awk '{ v[NR] = $1 } END { printf "     50%%  %.2fms\n     99%%  %.2fms\n", v[int(NR * 0.5)] / 1000, v[int(NR * 0.99)] / 1000 }'
    grep -E '^status codes' "$out/$1.h2load" | grep -v ' 0 4xx, 0 5xx' | sed 's/^/Non-2xx: /' || true; } >"$out/$1.txt"
}
grpc() { # name seconds [--stream]
  local before after
  before=$(ticks "$GATEWAY_PID")
  dotnet tests/MaaS.Benchmarks/bin/Release/net10.0/MaaS.Benchmarks.dll grpc-load --port "$grpc_port" --clients "$connections" --seconds "$2" ${3:-} >"$out/$1.txt"
  after=$(ticks "$GATEWAY_PID")
  echo $((after - before)) >"$out/$1.cpu"
}
gateway="$GATEWAY_URL"; peer="http://127.0.0.1:$peer_port"
# Warm-up of all three: JIT tiering, connection pools, ORT's first runs.
mid=$(awk -v c="$connections" 'BEGIN { m = int(sqrt(c)); print m < 1 ? 1 : m }')
h2shapes() { # name-suffix seconds: the three h2load shapes
  h2 "h2$1" "$2" "$connections" 1
  h2 "h2mid$1" "$2" "$mid" $(( (connections + mid - 1) / mid ))
  h2 "h2one$1" "$2" 1 "$connections"
}
run warm-v2 "$GATEWAY_PID" "$gateway" infer.lua 3; run warm-peer "$peer_pid" "$peer" infer.lua 3; run warm-ping "$GATEWAY_PID" "$gateway" ping.lua 3; grpc warm-grpc 3; grpc warm-stream 3 --stream; h2shapes -warm 3
for r in $(seq 1 "$rounds"); do
  run "v2-$r" "$GATEWAY_PID" "$gateway" infer.lua "$duration"
  run "peer-$r" "$peer_pid" "$peer" infer.lua "$duration"
  run "ping-$r" "$GATEWAY_PID" "$gateway" ping.lua "$duration"
  grpc "grpc-$r" "$duration"
  grpc "stream-$r" "$duration" --stream
  h2shapes "-$r" "$duration"
done

printf '\nwrk -t%s -c%s -d%ss --latency, %s rounds, %s cores, example-mlp 8-%s-3, %s\n' "$threads" "$connections" "$duration" "$rounds" "$(nproc)" "${MAAS_HIDDEN:-16}" "$(date -u +%FT%TZ)"
printf '%-10s %12s %10s %10s %12s  %s\n' run req/s p50 p99 'CPU µs/req' errors
for r in $(seq 1 "$rounds"); do
  for name in v2 peer ping grpc stream h2 h2mid h2one; do
    printf '%-10s %12s %10s %10s %12s  %s\n' "$name-$r" "$(field "$name-$r" 'Requests/sec' 2)" "$(field "$name-$r" '^ +50%' 2)" \
      "$(field "$name-$r" '^ +99%' 2)" "$(cpu_us "$name-$r")" "$(errors "$name-$r")"
  done
done
ratio() { # numerator-run denominator-run per round, then the median
  for r in $(seq 1 "$rounds"); do
    awk -v a="$($3 "$1-$r")" -v b="$($3 "$2-$r")" 'BEGIN { printf "%.2f\n", a / b }'
  done
}
rps() { field "$1" 'Requests/sec' 2; }
printf '\ngateway /v2 / peer throughput per round: %s (median %s; target >= 1.2)\n' "$(ratio v2 peer rps | tr '\n' ' ')" "$(ratio v2 peer rps | median)"
printf 'gateway /v2 / peer CPU per request per round: %s (median %s)\n' "$(ratio v2 peer cpu_us | tr '\n' ' ')" "$(ratio v2 peer cpu_us | median)"
printf 'gateway gRPC (grpc-load) / peer HTTP throughput per round: %s (median %s; target >= 2)\n' "$(ratio grpc peer rps | tr '\n' ' ')" "$(ratio grpc peer rps | median)"
printf 'gateway gRPC ModelStreamInfer (grpc-load --stream, %s callers, one request in flight each) / peer HTTP throughput per round: %s (median %s)\n' "$connections" "$(ratio stream peer rps | tr '\n' ' ')" "$(ratio stream peer rps | median)"
printf 'gateway gRPC (h2load, %s connections x 1 stream) / peer HTTP throughput per round: %s (median %s; target >= 2)\n' "$connections" "$(ratio h2 peer rps | tr '\n' ' ')" "$(ratio h2 peer rps | median)"
printf 'gateway gRPC (h2load, %s connections x %s streams) / peer HTTP throughput per round: %s (median %s)\n' "$mid" $(( (connections + mid - 1) / mid )) "$(ratio h2mid peer rps | tr '\n' ' ')" "$(ratio h2mid peer rps | median)"
printf 'gateway gRPC (h2load, 1 connection x %s streams) / peer HTTP throughput per round: %s (median %s)\n' "$connections" "$(ratio h2one peer rps | tr '\n' ' ')" "$(ratio h2one peer rps | median)"
printf 'gateway gRPC (h2load, %s connections) / /v1/ping CPU per request per round: %s (median %s)\n' "$connections" "$(ratio h2 ping cpu_us | tr '\n' ' ')" "$(ratio h2 ping cpu_us | median)"
printf 'gateway /v2 / /v1/ping CPU per request per round: %s (median %s; target <= 1.3)\n' "$(ratio v2 ping cpu_us | tr '\n' ' ')" "$(ratio v2 ping cpu_us | median)"
