#!/usr/bin/env bash
# Sourced by the load scripts (and by gateway.sh): ports for runs without MAAS_LOAD_PORT, so two runs never collide.
#   free_port [count]   prints <count> (default 1) distinct loopback ports, free now (the kernel's picks, held open
#                       together while chosen so they differ; another process may still take one before use)
free_port() {
  python3 -c 'import socket, sys
held = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in held: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in held))' "${1:-1}"
}
