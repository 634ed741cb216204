#!/usr/bin/env bash
# The docker-compose topology without Docker, for load.sh and soak.sh: N gateway processes (the Release build of
# src/MaaS.Gateway) over one fresh PostgreSQL schema and a shared copy of models/, behind nginx on loopback ports.
# Source it, then:  topology_up <workdir> <replicas>  ...  topology_down <workdir>
# Auth is off (appsettings.json's default): the scripts measure the serving path, not per-key rate limits.
# Sets GATEWAY_URLS (space separated), GATEWAY_PIDS, NGINX_URL. Needs nginx, psql and a reachable PostgreSQL
# (MAAS_TEST_POSTGRES, default the one .ci/setup creates).
set -euo pipefail

DEPLOY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$DEPLOY_DIR/../.." && pwd)"
: "${MAAS_TEST_POSTGRES:=Host=127.0.0.1;Port=5432;Username=maas;Password=maas;Database=maas_test}"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

pg_field() { # pg_field Host <default>
  local v; v=$(tr ';' '\n' <<<"$MAAS_TEST_POSTGRES" | awk -F= -v k="$1" 'tolower($1)==tolower(k){print $2}')
  echo "${v:-$2}"
}

psql_test() {
  PGPASSWORD="$(pg_field Password maas)" psql -X -q -v ON_ERROR_STOP=1 -h "$(pg_field Host 127.0.0.1)" \
    -p "$(pg_field Port 5432)" -U "$(pg_field Username maas)" -d "$(pg_field Database maas_test)" "$@"
}

gateway_dll() {
  local dll="$REPO_ROOT/src/MaaS.Gateway/bin/Release/net10.0/MaaS.Gateway.dll"
  if [ ! -f "$dll" ] || [ "${MAAS_DEPLOY_BUILD:-0}" = 1 ]; then
    dotnet build "$REPO_ROOT/src/MaaS.Gateway" -c Release -v q -nologo >&2
  fi
  echo "$dll"
}

wait_ready() { # wait_ready <url> <seconds>
  for _ in $(seq 1 $(( $2 * 5 ))); do
    curl -fsS -o /dev/null "$1/v2/health/ready" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "topology: $1 not ready after $2 s" >&2; return 1
}

topology_up() { # topology_up <workdir> <replicas>
  local work="$1" replicas="$2" dll schema i port
  mkdir -p "$work/logs"
  # A private copy of the build output: a rebuild while a soak runs must not swap the dll under the processes.
  rm -rf "$work/app"; cp -r "$(dirname "$(gateway_dll)")" "$work/app"
  dll="$work/app/MaaS.Gateway.dll"
  schema="maas_deploy_$(date +%s)_$$"
  echo "$schema" > "$work/schema"
  rm -rf "$work/models"; cp -r "$REPO_ROOT/models" "$work/models"
  GATEWAY_URLS=""; GATEWAY_PIDS=""
  for i in $(seq 1 "$replicas"); do
    port=$(free_port)
    # Replica 1 seeds the demo catalogue before the others start, so they do not seed it concurrently.
    # From the app folder: appsettings.json is read from the working directory (the content root).
    (cd "$work/app" && exec dotnet "$dll" --urls "http://127.0.0.1:$port" \
      --Storage:Provider Postgres --Storage:Postgres:ConnectionString "$MAAS_TEST_POSTGRES" \
      --Storage:Postgres:Schema "$schema" --Storage:DataDirectory "$work/data$i" \
      --Serving:RepositoryPath "$work/models" --Serving:PollIntervalSeconds 2 \
      --Auth:Enabled false --Serilog:MinimumLevel:Default Warning >"$work/logs/gateway$i.log" 2>&1) &
    echo $! >> "$work/pids"
    GATEWAY_PIDS="$GATEWAY_PIDS $!"; GATEWAY_URLS="$GATEWAY_URLS http://127.0.0.1:$port"
    wait_ready "http://127.0.0.1:$port" 120
  done
  GATEWAY_URLS="${GATEWAY_URLS# }"; GATEWAY_PIDS="${GATEWAY_PIDS# }"
  port=$(free_port); NGINX_URL="http://127.0.0.1:$port"
  write_nginx_conf "$work" "$port" $GATEWAY_URLS
  # In the foreground (backgrounded here), not as a daemon: a daemon's setsid() would put it in a scheduler autogroup
  # of its own, so on a busy machine nginx would get a different CPU share than the gateways it fronts.
  nginx -c "$work/nginx.conf" -p "$work" -e "$work/logs/nginx-error.log" &
  wait_ready "$NGINX_URL" 10
  export GATEWAY_URLS GATEWAY_PIDS NGINX_URL
}

write_nginx_conf() { # write_nginx_conf <workdir> <port> <upstream urls...>
  local work="$1" port="$2"; shift 2
  {
    echo "daemon off; pid $work/nginx.pid; worker_processes 1; error_log $work/logs/nginx-error.log warn;"
    echo "events { worker_connections 4096; }"
    echo "http {"
    echo "  access_log off; client_body_temp_path $work/tmp; proxy_temp_path $work/tmp;"
    echo "  upstream maas { keepalive 64;"
    for u in "$@"; do echo "    server ${u#http://} max_fails=1 fail_timeout=5s;"; done
    echo "  }"
    echo "  server { listen 127.0.0.1:$port; client_max_body_size 64m;"
    echo "    location / { proxy_pass http://maas; proxy_http_version 1.1; proxy_set_header Connection \"\";"
    echo "      proxy_connect_timeout 2s; proxy_read_timeout 65s;"
    echo "      proxy_next_upstream error timeout http_502 http_503; proxy_next_upstream_tries 2; } }"
    echo "}"
  } > "$work/nginx.conf"
  mkdir -p "$work/tmp"
}

topology_down() { # topology_down <workdir>
  local work="$1" pid
  if [ -f "$work/nginx.pid" ]; then kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; fi
  if [ -f "$work/pids" ]; then
    while read -r pid; do kill "$pid" 2>/dev/null || true; done < "$work/pids"
    while read -r pid; do while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done; done < "$work/pids"
    rm -f "$work/pids"
  fi
  if [ -f "$work/schema" ]; then psql_test -c "DROP SCHEMA IF EXISTS \"$(cat "$work/schema")\" CASCADE" >/dev/null || true; fi
}
