#!/usr/bin/env python3
"""Trending's first load on SQLite against the ingestion cost of a (tenant, ts) index (branch events2).

Builds an events table shaped as the gateway's (SQLite migrations 1-9: rowid seq, UNIQUE (tenant, event_id),
ix_events_user (user_key, ts)) with N events of T tenants over 30 days, then, interleaved A, B, A, B, ...:
  first load  the window's events of one tenant (the last 25 hours), read as TrendingCounts reads them: keyset pages of
              10,000 by seq. A: today's query (NOT INDEXED, the rowid range walked, tenant and ts filtered on the row).
              B: the same rows through an index on (tenant, ts) (the window's index range, sorted by seq per page).
  ingestion   CPU per event of appending batches of 500 in one transaction each (the writer's group commit), on copies of
              the table without (A) and with (B) the index.
Uses Python's sqlite3 (the system SQLite), not the gateway's e_sqlite3 build: a relative measure of the same SQL.
Usage: tests/MaaS.Benchmarks/load/sqlite-trending-index.py [events, default 1000000] [tenants, default 4] [rounds, default 3] [folder]
"""
import os, random, shutil, sqlite3, statistics, sys, time

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
tenants = int(sys.argv[2]) if len(sys.argv) > 2 else 4
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
folder = sys.argv[4] if len(sys.argv) > 4 else "/tmp/maas-sqlite-trending-index"
os.makedirs(folder, exist_ok=True)
now = 1_796_000_000_000
hour, day = 3_600_000, 86_400_000

schema = """
CREATE TABLE events (seq INTEGER PRIMARY KEY, tenant TEXT NOT NULL DEFAULT 'default', event_id TEXT NOT NULL,
  user_id TEXT NOT NULL, item_id TEXT NOT NULL, type TEXT NOT NULL, value REAL NOT NULL, ts INTEGER NOT NULL,
  user_key INTEGER NOT NULL DEFAULT 0, sealed BLOB, recommendation_id TEXT, UNIQUE (tenant, event_id));
CREATE INDEX ix_events_user ON events (user_key, ts);
"""

def rows(count, start, rng, ts_from, ts_to):
    for i in range(start, start + count):
        t = f"tenant-{rng.randrange(tenants)}"
        yield (t, f"e{i}", f"u{rng.randrange(50_000)}", f"item-{rng.randrange(20_000)}", "play", 1.0, rng.randrange(ts_from, ts_to), rng.randrange(1, 50_000))

def insert(db, batch):
    db.executemany("INSERT INTO events (tenant, event_id, user_id, item_id, type, value, ts, user_key) VALUES (?,?,?,?,?,?,?,?)", batch)

base = os.path.join(folder, "base.db")
if not os.path.exists(base):
    db = sqlite3.connect(base, isolation_level=None)
    db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;" + schema)
    rng = random.Random(1)
    # Arrival order is time order, as server-stamped events are: the window is the log's last 25/720.
    stamps = sorted(rng.randrange(now - 30 * day, now) for _ in range(n))
    db.execute("BEGIN")
    insert(db, [r[:6] + (stamps[i],) + r[7:] for i, r in enumerate(rows(n, 0, rng, 0, 1))])
    db.execute("COMMIT")
    db.close()

def copy(name, index):
    path = os.path.join(folder, name)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    shutil.copy(base, path)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    if index:
        t = time.process_time()
        db.execute("CREATE INDEX ix_events_tenant_ts ON events (tenant, ts)")
        print(f"index built in {time.process_time() - t:.2f} s CPU over {n:,} events", flush=True)
    return db

plain, indexed = copy("a.db", False), copy("b.db", True)
since = (now // hour - 24) * hour
head = plain.execute("SELECT max(seq) FROM events").fetchone()[0]

def first_load(db, sql):
    t = time.process_time(); w = time.perf_counter(); after, total = 0, 0
    while True:
        page = db.execute(sql, ("tenant-0", after, head, since, 10_000)).fetchall()
        total += len(page)
        if len(page) < 10_000:
            return time.process_time() - t, time.perf_counter() - w, total
        after = page[-1][0]

walk = "SELECT seq, event_id, user_id, item_id, type, value, ts, sealed, recommendation_id FROM events NOT INDEXED WHERE tenant = ? AND seq > ? AND seq <= ? AND ts >= ? ORDER BY seq LIMIT ?"
seek = "SELECT seq, event_id, user_id, item_id, type, value, ts, sealed, recommendation_id FROM events INDEXED BY ix_events_tenant_ts WHERE tenant = ? AND seq > ? AND seq <= ? AND ts >= ? ORDER BY seq LIMIT ?"
print("plan B:", indexed.execute("EXPLAIN QUERY PLAN " + seek, ("tenant-0", 0, head, since, 10_000)).fetchall())

def ingest(db, start, count=50_000):
    rng = random.Random(start)
    t = time.process_time()
    batch = list(rows(count, start, rng, now - hour, now))
    t0 = time.process_time()
    for i in range(0, count, 500):
        db.execute("BEGIN"); insert(db, batch[i:i + 500]); db.execute("COMMIT")
    return (time.process_time() - t0) / count * 1e6

load_a, load_b, cpu_a, cpu_b = [], [], [], []
for r in range(rounds):
    a = first_load(plain, walk); b = first_load(indexed, seek)
    load_a.append(a); load_b.append(b)
    ia = ingest(plain, n + 1_000_000 * (2 * r + 1)); ib = ingest(indexed, n + 1_000_000 * (2 * r + 2))
    cpu_a.append(ia); cpu_b.append(ib)
    print(f"round {r + 1}: first load A {a[0]:.3f} s CPU ({a[1]:.3f} s wall, {a[2]:,} events) B {b[0]:.3f} s CPU ({b[1]:.3f} s wall, {b[2]:,}); "
          f"ingestion A {ia:.2f} us/event B {ib:.2f} us/event", flush=True)

ratio = lambda xs, ys: [x / y for x, y in zip(xs, ys)]
fl = ratio([a[0] for a in load_a], [b[0] for b in load_b]); ing = ratio(cpu_b, cpu_a)
print(f"first load CPU A / B median {statistics.median(fl):.1f} (rounds {', '.join(f'{x:.1f}' for x in fl)}); "
      f"ingestion CPU per event B / A median {statistics.median(ing):.2f} (rounds {', '.join(f'{x:.2f}' for x in ing)}); load {os.getloadavg()[0]:.1f}")
