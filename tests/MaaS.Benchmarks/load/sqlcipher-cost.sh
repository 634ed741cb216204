#!/usr/bin/env bash
# Whole-file SQLCipher against plain SQLite, same binary (Debian's `sqlcipher` CLI: SQLCipher 3.4.1 on SQLite 3.15.2),
# keyed or not, interleaved: ingestion of an events table shaped like MaaS's (unique (tenant, event_id), (user_key,
# ts) index; WAL, synchronous=FULL; transactions of 500 new events from random users), then reads of a user's latest
# 200 events. The row key is a clear sequential id, as with encryption off in MaaS.
# Usage: load/sqlcipher-cost.sh [rounds=3] [batches=200] [reads=1000]   (needs: apt-get install -y sqlcipher)
set -euo pipefail
rounds=${1:-3}; batches=${2:-200}; reads=${3:-1000}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
python3 - "$batches" "$reads" > "$work/ingest.sql" 3> "$work/read.sql" <<'PY'
import os, random, sys
batches, reads = int(sys.argv[1]), int(sys.argv[2])
rnd = random.Random(7)
out = sys.stdout
out.write("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;\n")
out.write("CREATE TABLE events (seq INTEGER PRIMARY KEY, tenant TEXT NOT NULL, event_id TEXT NOT NULL, user_key INTEGER NOT NULL, item_id TEXT NOT NULL, type TEXT NOT NULL, value REAL NOT NULL, ts INTEGER NOT NULL);\n")
out.write("CREATE UNIQUE INDEX ux_events ON events (tenant, event_id); CREATE INDEX ix_events_user ON events (user_key, ts);\n")
n = 0
for b in range(batches):
    out.write("BEGIN;\n")
    for i in range(500):
        out.write(f"INSERT INTO events (tenant, event_id, user_key, item_id, type, value, ts) VALUES ('bench', 'ev-{n:09d}', {rnd.randrange(1000)}, 'item-{rnd.randrange(1700)}', '{'rate' if n % 3 == 0 else 'play'}', {1 + n % 5}, {1767225600000 + n * 1000});\n")
        n += 1
    out.write("COMMIT;\n")
with os.fdopen(3, "w") as r:
    for i in range(reads):
        r.write(f"SELECT count(*) FROM (SELECT item_id, type, value, ts FROM events WHERE user_key = {rnd.randrange(1000)} ORDER BY ts DESC LIMIT 200);\n")
PY
run() { # mode file
  local key=""; [ "$1" = sqlcipher ] && key="PRAGMA key = 'x''d3c0de5ecret';"
  local t0 t1 t2
  t0=$(date +%s.%N); { echo "$key"; cat "$work/ingest.sql"; } | sqlcipher "$2" > /dev/null
  t1=$(date +%s.%N); { echo "$key"; cat "$work/read.sql"; } | sqlcipher "$2" > /dev/null
  t2=$(date +%s.%N)
  python3 -c "import sys; t0,t1,t2=map(float,sys.argv[1:4]); print(f'{$batches*500/(t1-t0):.0f} {1000*(t2-t1)/$reads:.3f}')" "$t0" "$t1" "$t2"
}
echo "round plain_events_per_s plain_read_ms sqlcipher_events_per_s sqlcipher_read_ms ingest_ratio read_ratio"
for r in $(seq 1 "$rounds"); do
  read -r pe pr < <(run plain "$work/plain-$r.db")
  read -r ce cr < <(run sqlcipher "$work/cipher-$r.db")
  python3 -c "import sys; pe,pr,ce,cr=map(float,sys.argv[2:6]); print(sys.argv[1], int(pe), pr, int(ce), cr, f'{ce/pe:.2f}', f'{cr/pr:.2f}')" "$r" "$pe" "$pr" "$ce" "$cr"
done
if head -c 16 "$work/cipher-1.db" | grep -q "SQLite format"; then echo "sqlcipher file: readable SQLite header"; else echo "sqlcipher file: no readable header (encrypted from byte 0)"; fi
