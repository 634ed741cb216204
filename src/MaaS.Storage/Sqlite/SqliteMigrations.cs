namespace MaaS.Storage.Sqlite;

/// <summary>
/// The data tables (events, users, items, the catalogue change feed). A script, once released, never changes: new columns or indexes come as a
/// new version.
/// </summary>
internal static class SqliteMigrations
{
    public static readonly SqliteMigrationSet Set = new("schema_version", "Database schema",
    [
        // Version 1. events.seq is the rowid: arrival order, and the keyset for streaming. ix_events_tenant (which
        // carries the rowid) let "tenant = ? AND seq > ? ORDER BY seq" walk one tenant in order (dropped in version 2).
        // Times are Unix milliseconds (UTC); dates are ISO yyyy-MM-dd text.
        """
        CREATE TABLE events (
            seq       INTEGER PRIMARY KEY,
            tenant    TEXT NOT NULL DEFAULT 'default',
            event_id  TEXT NOT NULL,
            user_id   TEXT NOT NULL,
            item_id   TEXT NOT NULL,
            type      TEXT NOT NULL,
            value     REAL NOT NULL,
            ts        INTEGER NOT NULL,
            UNIQUE (tenant, event_id)
        );
        CREATE INDEX ix_events_user ON events (tenant, user_id, ts);
        CREATE INDEX ix_events_tenant ON events (tenant);
        CREATE TABLE users (
            tenant     TEXT NOT NULL DEFAULT 'default',
            user_id    TEXT NOT NULL,
            first_seen INTEGER NOT NULL,
            last_seen  INTEGER NOT NULL,
            PRIMARY KEY (tenant, user_id)
        ) WITHOUT ROWID;
        CREATE TABLE items (
            tenant          TEXT NOT NULL DEFAULT 'default',
            item_id         TEXT NOT NULL,
            kind            TEXT NOT NULL CHECK (kind IN ('movie', 'song', 'game')),
            title           TEXT NOT NULL,
            genres          TEXT NOT NULL,
            tags            TEXT NOT NULL,
            text            TEXT,
            available_from  TEXT,
            available_until TEXT,
            updated_at      INTEGER NOT NULL,
            PRIMARY KEY (tenant, item_id)
        ) WITHOUT ROWID;
        """,
        // Version 2. Drops ix_events_tenant: every appended event paid for a fourth b-tree insert (~15 % of the
        // ingestion CPU) to serve only the rebuild's stream, which now walks the rowid range directly
        // (SqliteEventStore.StreamAllAsync, NOT INDEXED) and filters the tenant on the row.
        """
        DROP INDEX IF EXISTS ix_events_tenant;
        """,
        // Version 3. Users get an integer key (users.user_key, the rowid) and events carry it: the per-user index
        // becomes (user_key, ts) instead of (tenant, user_id, ts), about half the bytes per entry, so a batch splits
        // fewer of its pages and writes fewer of them to the WAL. first_seen/last_seen are no longer stored: they
        // are the two ends of the user's range in that index, so an append never rewrites a user row (it used to
        // widen last_seen on every batch, one more random page per user per commit). The UNION also keys users
        // that somehow have events but no row.
        """
        CREATE TABLE users_v3 (
            user_key INTEGER PRIMARY KEY,
            tenant   TEXT NOT NULL,
            user_id  TEXT NOT NULL,
            UNIQUE (tenant, user_id)
        );
        INSERT INTO users_v3 (tenant, user_id)
            SELECT tenant, user_id FROM users UNION SELECT tenant, user_id FROM events ORDER BY 1, 2;
        ALTER TABLE events ADD COLUMN user_key INTEGER NOT NULL DEFAULT 0;
        UPDATE events SET user_key = (SELECT u.user_key FROM users_v3 u WHERE u.tenant = events.tenant AND u.user_id = events.user_id);
        DROP INDEX ix_events_user;
        CREATE INDEX ix_events_user ON events (user_key, ts);
        DROP TABLE users;
        ALTER TABLE users_v3 RENAME TO users;
        """,
        // Version 4. The catalogue change feed: one row per item ever written, holding the sequence of its latest change
        // (upsert or delete; a deleted item keeps its row, without an items row). seq comes from max(seq) + 1 inside the
        // write transaction, and SQLite has one writer at a time, so sequences commit in order. Items already in the
        // file enter the feed in id order, so a replica reading the feed from 0 sees the whole catalogue.
        """
        CREATE TABLE catalog_changes (
            tenant  TEXT NOT NULL,
            item_id TEXT NOT NULL,
            seq     INTEGER NOT NULL,
            PRIMARY KEY (tenant, item_id)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX ix_catalog_changes_seq ON catalog_changes (seq);
        CREATE INDEX ix_catalog_changes_tenant_seq ON catalog_changes (tenant, seq);
        INSERT INTO catalog_changes (tenant, item_id, seq)
            SELECT tenant, item_id, row_number() OVER (ORDER BY tenant, item_id) FROM items;
        """,
        // Version 5. Item embeddings for catalogue search: the vector as little-endian float32 bytes, with the model
        // version and the hash of the text it came from (either changing means recompute). Not in the change feed: every
        // replica derives them from the items, and a stored one only spares the work.
        """
        CREATE TABLE item_embeddings (
            tenant    TEXT NOT NULL,
            item_id   TEXT NOT NULL,
            model     TEXT NOT NULL,
            version   INTEGER NOT NULL,
            text_hash TEXT NOT NULL,
            vector    BLOB NOT NULL,
            PRIMARY KEY (tenant, model, item_id)
        ) WITHOUT ROWID;
        """,
        // Version 6. Privacy: events.sealed holds the AES-GCM sealed fields of an encrypted event (NULL: stored in
        // clear), and the privacy table records the check values of the keys the data was written with and whether
        // the user ids are pseudonyms yet. SQL cannot compute the pseudonyms (the key lives outside the file), so the
        // existing ids are hashed in place right after this script, in code (SqlitePrivacyMigration), which turns
        // 'pseudonymised' to 1.
        """
        ALTER TABLE events ADD COLUMN sealed BLOB;
        CREATE TABLE privacy (
            name  TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO privacy (name, value) VALUES ('pseudonymised', '0');
        """,
        // Version 7. Attribution: the recommendation answer an event reports feedback on (its recommendationId), NULL
        // when the app gave none. Clear text (it names an answer of the gateway, not what the user did); no index: it
        // is read with its row (export), never searched by.
        """
        ALTER TABLE events ADD COLUMN recommendation_id TEXT;
        """,
        // Version 8. Attribution report: hourly totals per tenant of the answers, the items served by source and the
        // attributed events by type (IRecommendationCountStore). hour is the Unix milliseconds of the UTC hour's start.
        // Replicas add to a row (ON CONFLICT ... count + excluded.count), never overwrite it. No user, item or event id:
        // erasure and retention have nothing to remove here.
        """
        CREATE TABLE recommendation_counts (
            tenant TEXT NOT NULL,
            hour   INTEGER NOT NULL,
            kind   TEXT NOT NULL,
            name   TEXT NOT NULL,
            count  INTEGER NOT NULL,
            PRIMARY KEY (tenant, hour, kind, name)
        ) WITHOUT ROWID;
        """,
        // Version 9. Erasure numbers: how many erasures removed a tenant's events (IEventStore.GetFeedHeadAsync), so
        // a follower that folds the log into counts (trending) knows to count again. No user, item or event id.
        """
        CREATE TABLE event_erasures (
            tenant     TEXT PRIMARY KEY,
            generation INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,
        // Version 10. events.seq is never given twice (AUTOINCREMENT). A plain INTEGER PRIMARY KEY takes the highest
        // seq left + 1, so once retention or an erasure had deleted the newest events the next append took their
        // numbers again, and a follower whose cursor had passed them (trending, a resumed stream) skipped the new events.
        // SQLite cannot add AUTOINCREMENT to a table: it is rebuilt, every row with its seq (the counter starts at the
        // highest kept), in the migration's transaction.
        """
        ALTER TABLE events RENAME TO events_v9;
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT NOT NULL DEFAULT 'default', event_id TEXT NOT NULL,
            user_id TEXT NOT NULL, item_id TEXT NOT NULL, type TEXT NOT NULL, value REAL NOT NULL, ts INTEGER NOT NULL,
            user_key INTEGER NOT NULL DEFAULT 0, sealed BLOB, recommendation_id TEXT,
            UNIQUE (tenant, event_id)
        );
        INSERT INTO events (seq, tenant, event_id, user_id, item_id, type, value, ts, user_key, sealed, recommendation_id)
            SELECT seq, tenant, event_id, user_id, item_id, type, value, ts, user_key, sealed, recommendation_id FROM events_v9 ORDER BY seq;
        DROP TABLE events_v9;
        CREATE INDEX ix_events_user ON events (user_key, ts);
        """,
    ]);
}
