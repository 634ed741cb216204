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
    ]);
}
