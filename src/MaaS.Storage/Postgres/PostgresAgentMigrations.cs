namespace MaaS.Storage.Postgres;

/// <summary>
/// Schema of the agent tables (<c>{s}</c> is the quoted schema), versioned in its own <c>agents_schema_version</c> table
/// and advisory lock so it never interleaves with the data or the security family.
/// </summary>
internal static class PostgresAgentMigrations
{
    public static readonly PostgresMigrationSet Set = new("agents_schema_version", "maas.agents", "Agents schema",
    [
        """
        CREATE TABLE {s}.agents (
            tenant     text COLLATE "C" NOT NULL,
            name       text COLLATE "C" NOT NULL,
            definition text NOT NULL,
            version    bigint NOT NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            PRIMARY KEY (tenant, name)
        );
        CREATE TABLE {s}.agent_decisions (
            seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            decision_id   text COLLATE "C" NOT NULL UNIQUE,
            tenant        text COLLATE "C" NOT NULL,
            agent         text COLLATE "C" NOT NULL,
            context       text NOT NULL,
            actions       text NOT NULL,
            chosen        text NOT NULL,
            probability   double precision NOT NULL CHECK (probability > 0 AND probability <= 1),
            decided_at    timestamptz NOT NULL,
            reward        double precision,
            reward_source smallint NOT NULL DEFAULT 0,
            rewarded_at   timestamptz,
            late_reward   double precision
        );
        CREATE INDEX agent_decisions_log ON {s}.agent_decisions (tenant, agent, seq);
        CREATE INDEX agent_decisions_pending ON {s}.agent_decisions (tenant, agent, decided_at) WHERE reward IS NULL;
        """,
        // Deferred activation: activated_at is NULL while a deferred decision awaits activation, else when its reward
        // window opened (its decision time for every ordinary decision, so every row logged before this script is
        // active). The windows are swept by activation time, and only active decisions are ever defaulted.
        """
        ALTER TABLE {s}.agent_decisions ADD COLUMN activated_at timestamptz;
        UPDATE {s}.agent_decisions SET activated_at = decided_at;
        DROP INDEX {s}.agent_decisions_pending;
        CREATE INDEX agent_decisions_window ON {s}.agent_decisions (tenant, agent, activated_at) WHERE reward IS NULL AND activated_at IS NOT NULL;
        """,
        // Policy snapshots: learned_in stamps a decision with the snapshot whose fold learnt it (NULL until one has); a
        // snapshot holds the policy's state with every decision stamped at or below its id, which only grows.
        """
        ALTER TABLE {s}.agent_decisions ADD COLUMN learned_in bigint;
        CREATE TABLE {s}.agent_snapshots (
            id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            tenant     text COLLATE "C" NOT NULL,
            agent      text COLLATE "C" NOT NULL,
            version    bigint NOT NULL,
            format     integer NOT NULL,
            scan_from  bigint NOT NULL,
            state      bytea NOT NULL,
            created_at timestamptz NOT NULL
        );
        CREATE INDEX agent_snapshots_agent ON {s}.agent_snapshots (tenant, agent, version, id);
        """,
    ]);
}
