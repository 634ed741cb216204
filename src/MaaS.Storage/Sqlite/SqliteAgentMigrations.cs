namespace MaaS.Storage.Sqlite;

/// <summary>
/// Schema of the agent tables, versioned in its own <c>agents_schema_version</c> table so it never interleaves with the
/// data or the security family. A released script never changes.
/// </summary>
internal static class SqliteAgentMigrations
{
    public static readonly SqliteMigrationSet Set = new("agents_schema_version", "Agents schema",
    [
        """
        CREATE TABLE agents (
            tenant     TEXT NOT NULL,
            name       TEXT NOT NULL,
            definition TEXT NOT NULL,
            version    INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (tenant, name)
        ) WITHOUT ROWID;
        CREATE TABLE agent_decisions (
            seq           INTEGER PRIMARY KEY,
            decision_id   TEXT NOT NULL UNIQUE,
            tenant        TEXT NOT NULL,
            agent         TEXT NOT NULL,
            context       TEXT NOT NULL,
            actions       TEXT NOT NULL,
            chosen        TEXT NOT NULL,
            probability   REAL NOT NULL CHECK (probability > 0 AND probability <= 1),
            decided_at    INTEGER NOT NULL,
            reward        REAL,
            reward_source INTEGER NOT NULL DEFAULT 0,
            rewarded_at   INTEGER,
            late_reward   REAL
        );
        CREATE INDEX ix_agent_decisions_log ON agent_decisions (tenant, agent, seq);
        CREATE INDEX ix_agent_decisions_pending ON agent_decisions (tenant, agent, decided_at) WHERE reward IS NULL;
        """,
        // Deferred activation: activated_at is NULL while a deferred decision awaits activation, else when its reward
        // window opened (its decision time for every ordinary decision, so every row logged before this script is
        // active). The windows are swept by activation time, and only active decisions are ever defaulted.
        """
        ALTER TABLE agent_decisions ADD COLUMN activated_at INTEGER;
        UPDATE agent_decisions SET activated_at = decided_at;
        DROP INDEX ix_agent_decisions_pending;
        CREATE INDEX ix_agent_decisions_window ON agent_decisions (tenant, agent, activated_at) WHERE reward IS NULL AND activated_at IS NOT NULL;
        """,
        // Policy snapshots: learned_in stamps a decision with the snapshot whose fold learnt it (NULL until one has); a
        // snapshot holds the policy's state with every decision stamped at or below its id. AUTOINCREMENT: an id is never
        // reused, even once every snapshot is dropped, so an old stamp never reads as a new snapshot's.
        """
        ALTER TABLE agent_decisions ADD COLUMN learned_in INTEGER;
        CREATE TABLE agent_snapshots (
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            tenant     TEXT NOT NULL,
            agent      TEXT NOT NULL,
            version    INTEGER NOT NULL,
            format     INTEGER NOT NULL,
            scan_from  INTEGER NOT NULL,
            state      BLOB NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX ix_agent_snapshots_agent ON agent_snapshots (tenant, agent, version, id);
        """,
        // The log's seq is never given twice (AUTOINCREMENT), as a snapshot's id: a plain INTEGER PRIMARY KEY takes the
        // highest seq left + 1, so once pruning had deleted the newest decisions the next one took a number at or below
        // a snapshot's scan_from, and a replica restoring that snapshot never learnt it. Rebuilt with every row and seq.
        """
        ALTER TABLE agent_decisions RENAME TO agent_decisions_v3;
        CREATE TABLE agent_decisions (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, decision_id TEXT NOT NULL UNIQUE, tenant TEXT NOT NULL, agent TEXT NOT NULL,
            context TEXT NOT NULL, actions TEXT NOT NULL, chosen TEXT NOT NULL,
            probability REAL NOT NULL CHECK (probability > 0 AND probability <= 1), decided_at INTEGER NOT NULL,
            reward REAL, reward_source INTEGER NOT NULL DEFAULT 0, rewarded_at INTEGER, late_reward REAL,
            activated_at INTEGER, learned_in INTEGER
        );
        INSERT INTO agent_decisions (seq, decision_id, tenant, agent, context, actions, chosen, probability, decided_at, reward, reward_source, rewarded_at, late_reward, activated_at, learned_in)
            SELECT seq, decision_id, tenant, agent, context, actions, chosen, probability, decided_at, reward, reward_source, rewarded_at, late_reward, activated_at, learned_in
            FROM agent_decisions_v3 ORDER BY seq;
        DROP TABLE agent_decisions_v3;
        CREATE INDEX ix_agent_decisions_log ON agent_decisions (tenant, agent, seq);
        CREATE INDEX ix_agent_decisions_window ON agent_decisions (tenant, agent, activated_at) WHERE reward IS NULL AND activated_at IS NOT NULL;
        """,
    ]);
}
