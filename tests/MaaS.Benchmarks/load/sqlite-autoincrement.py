#!/usr/bin/env python3
"""What AUTOINCREMENT costs a decision insert: the agent_decisions table as the gateway keeps it (its log index, and a
second AUTOINCREMENT table in sqlite_sequence as agent_snapshots puts there), WAL, synchronous NORMAL, 512 one-row
inserts per transaction as the writer's group commit holds them, one prepared statement stepped per row. Plain and
AUTOINCREMENT alternate, four rounds; microseconds per row, Python's own per-row cost included in both.
Usage: python3 tests/MaaS.Benchmarks/load/sqlite-autoincrement.py [rows]"""
import os, sqlite3, sys, tempfile, time

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000


def run(autoincrement: bool) -> float:
    folder = tempfile.mkdtemp(prefix="maas-autoinc-")
    db = sqlite3.connect(os.path.join(folder, "bench.db"), isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(f"""CREATE TABLE agent_decisions (seq INTEGER PRIMARY KEY {'AUTOINCREMENT' if autoincrement else ''},
        decision_id TEXT NOT NULL UNIQUE, tenant TEXT, agent TEXT, context TEXT, actions TEXT, chosen TEXT,
        probability REAL, decided_at INTEGER, activated_at INTEGER)""")
    db.execute("CREATE INDEX ix_agent_decisions_log ON agent_decisions (tenant, agent, seq)")
    db.execute("CREATE TABLE agent_snapshots (id INTEGER PRIMARY KEY AUTOINCREMENT, state BLOB)")
    db.execute("INSERT INTO agent_snapshots (state) VALUES (x'00')")
    rows = [(f"d{i:08d}", "t", "npc", '{"skill":0.4}', '[{"id":"easy"}]', "easy", 0.25, i, i) for i in range(ROWS)]
    started = time.perf_counter()
    for first in range(0, ROWS, 512):
        db.execute("BEGIN")
        db.executemany("INSERT INTO agent_decisions (decision_id, tenant, agent, context, actions, chosen, probability, decided_at, activated_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows[first:first + 512])
        db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed / ROWS * 1e6


results = {False: [], True: []}
for _ in range(4):
    for autoincrement in (False, True):
        results[autoincrement].append(run(autoincrement))
for autoincrement in (False, True):
    print(f"{'AUTOINCREMENT' if autoincrement else 'plain        '} " + " ".join(f"{us:.2f}" for us in results[autoincrement]) + " us/row")
