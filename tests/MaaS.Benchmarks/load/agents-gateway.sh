#!/usr/bin/env bash
# Sourced by agents-cpu.sh and agents-wal.sh (run from the repository root): a gateway from a given build folder (not
# built here, so two builds can be measured in turn) on loopback over a fresh temp data folder, with the agents.sh
# agent (10 actions, 50 context features, ε-greedy over disjoint ridge models).
#   start_agents_gateway <build folder> <port>   sets gw (its pid), url, data and out (a temp folder for the log and
#                                                the scripts' results); an EXIT trap stops it and removes both folders
#                                                (with KEEP=<folder> the data folder is copied there first).
#   MAAS_GATEWAY_ARGS: more gateway arguments, e.g. --Storage:Sqlite:Durability=Normal (split on spaces).
source "$(dirname "${BASH_SOURCE[0]}")/ports.sh"

start_agents_gateway() {
  local bin=$1 port=$2 root="$PWD"
  url="http://127.0.0.1:$port"; data=$(mktemp -d); out=$(mktemp -d)
  # shellcheck disable=SC2086
  (cd "$bin" && exec dotnet MaaS.Gateway.dll --urls "$url" --Storage:DataDirectory="$data" --Serving:RepositoryPath="$root/models" \
    --Auth:Enabled=false --Serilog:MinimumLevel:Default=Warning --Recommendations:RebuildIntervalSeconds=0 ${MAAS_GATEWAY_ARGS:-}) >"$out/gateway.log" 2>&1 &
  gw=$!
  trap 'kill $gw 2>/dev/null || true; wait $gw 2>/dev/null || true; [ -n "${KEEP:-}" ] && cp -r "$data" "$KEEP"; rm -rf "$data" "$out"' EXIT
  for _ in $(seq 1 150); do curl -fs "$url/v2/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done
  local features actions
  features=$(seq -s, -f '"f%g"' 1 50); actions=$(seq -s, -f '{"id":"a%g"}' 1 10)
  curl -fs -X PUT "$url/v1/agents/load" -H 'Content-Type: application/json' -d "{\"contextFeatures\":[$features],\"actions\":[$actions],
    \"policy\":{\"kind\":\"epsilon-greedy\",\"epsilon\":0.05,\"model\":\"disjoint\"},\"rewardWindowSeconds\":604800}" >/dev/null
}
