namespace MaaS.Storage.Postgres;

/// <summary>
/// The data tables (events, users, items, the catalogue change feed; <c>{s}</c> is the quoted schema). A released script never changes; changes
/// come as new versions. Text keys use COLLATE "C" so paging order is byte order, the same as SQLite's BINARY collation.
/// </summary>
internal static class PostgresMigrations
{
    public static readonly PostgresMigrationSet Set = new("schema_version", "maas.schema", "Database schema",
    [
        """
        CREATE TABLE {s}.events (
            seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            tenant   text COLLATE "C" NOT NULL DEFAULT 'default',
            event_id text COLLATE "C" NOT NULL,
            user_id  text COLLATE "C" NOT NULL,
            item_id  text COLLATE "C" NOT NULL,
            type     text NOT NULL,
            value    real NOT NULL,
            ts       timestamptz NOT NULL,
            CONSTRAINT events_tenant_event_id_key UNIQUE (tenant, event_id)
        );
        CREATE INDEX events_user_ts ON {s}.events (tenant, user_id, ts DESC, seq DESC);
        CREATE INDEX events_tenant_seq ON {s}.events (tenant, seq);
        CREATE TABLE {s}.users (
            tenant     text COLLATE "C" NOT NULL DEFAULT 'default',
            user_id    text COLLATE "C" NOT NULL,
            first_seen timestamptz NOT NULL,
            last_seen  timestamptz NOT NULL,
            PRIMARY KEY (tenant, user_id)
        );
        CREATE TABLE {s}.items (
            tenant          text COLLATE "C" NOT NULL DEFAULT 'default',
            item_id         text COLLATE "C" NOT NULL,
            kind            text NOT NULL CHECK (kind IN ('movie', 'song', 'game')),
            title           text NOT NULL,
            genres          text[] NOT NULL,
            tags            text[] NOT NULL,
            text            text,
            available_from  date,
            available_until date,
            updated_at      timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant, item_id)
        );
        """,
        // Version 2. The catalogue change feed: one row per item ever written, holding the sequence of its latest change
        // (upsert or delete; a deleted item keeps its row, without an items row). Writers take a transaction-scoped
        // advisory lock before they draw from the sequence, so sequences commit in order and a reader that has read up
        // to one has missed nothing below it. Items already in the schema enter the feed, so a replica reading it from
        // 0 sees the whole catalogue.
        """
        CREATE SEQUENCE {s}.catalog_change_seq;
        CREATE TABLE {s}.catalog_changes (
            tenant  text COLLATE "C" NOT NULL,
            item_id text COLLATE "C" NOT NULL,
            seq     bigint NOT NULL,
            PRIMARY KEY (tenant, item_id)
        );
        CREATE UNIQUE INDEX catalog_changes_seq ON {s}.catalog_changes (seq);
        CREATE INDEX catalog_changes_tenant_seq ON {s}.catalog_changes (tenant, seq);
        INSERT INTO {s}.catalog_changes (tenant, item_id, seq)
            SELECT tenant, item_id, nextval('{s}.catalog_change_seq') FROM {s}.items;
        """,
        // Version 3. Item embeddings for catalogue search (real[]: pgvector is not assumed), with the model version and
        // the hash of the text they came from (either changing means recompute). Not in the change feed: every replica
        // derives them from the items, and a stored one only spares the work.
        """
        CREATE TABLE {s}.item_embeddings (
            tenant    text COLLATE "C" NOT NULL,
            item_id   text COLLATE "C" NOT NULL,
            model     text COLLATE "C" NOT NULL,
            version   bigint NOT NULL,
            text_hash text NOT NULL,
            vector    real[] NOT NULL,
            PRIMARY KEY (tenant, model, item_id)
        );
        """,
        // Version 4. Privacy, as SQLite's version 6: events.sealed (AES-GCM sealed fields, NULL when clear) and the
        // privacy table (key check values, whether user ids are pseudonyms yet). The existing ids are hashed in place
        // right after this script, in code (PostgresPrivacyMigration), under the same advisory lock.
        """
        ALTER TABLE {s}.events ADD COLUMN sealed bytea;
        CREATE TABLE {s}.privacy (
            name  text COLLATE "C" PRIMARY KEY,
            value text NOT NULL
        );
        INSERT INTO {s}.privacy (name, value) VALUES ('pseudonymised', '0');
        """,
        // Version 5. Attribution, as SQLite's version 7: the recommendation answer an event reports feedback on.
        """
        ALTER TABLE {s}.events ADD COLUMN recommendation_id text COLLATE "C";
        """,
        // Version 6. Attribution report, as SQLite's version 8: hourly totals per tenant that replicas add to.
        """
        CREATE TABLE {s}.recommendation_counts (
            tenant text COLLATE "C" NOT NULL,
            hour   timestamptz NOT NULL,
            kind   text COLLATE "C" NOT NULL,
            name   text COLLATE "C" NOT NULL,
            count  bigint NOT NULL,
            PRIMARY KEY (tenant, hour, kind, name)
        );
        """,
        // Version 7. Erasure numbers, as SQLite's version 9: how many erasures removed a tenant's events.
        """
        CREATE TABLE {s}.event_erasures (
            tenant     text COLLATE "C" PRIMARY KEY,
            generation bigint NOT NULL
        );
        """,
        // Version 8. The event feed's commit key: the id of the transaction that appended the event, so a follower
        // reads up to the oldest transaction still running (IEventStore.GetFeedHeadAsync) and appends take no lock
        // for it. Rows stored before have key 0 (a constant default is set without rewriting the table; they have all
        // committed); new rows take their transaction's id. The index is the feed's order.
        """
        ALTER TABLE {s}.events ADD COLUMN tx bigint NOT NULL DEFAULT 0;
        ALTER TABLE {s}.events ALTER COLUMN tx SET DEFAULT pg_current_xact_id()::text::bigint;
        CREATE INDEX events_tenant_tx ON {s}.events (tenant, tx, seq);
        """,
    ]);
}
