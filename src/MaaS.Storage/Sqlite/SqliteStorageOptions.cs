namespace MaaS.Storage.Sqlite;

/// <summary>How the SQLite store makes an acknowledged write durable.</summary>
public enum SqliteDurability
{
    /// <summary>
    /// The default. Every write is appended to an fsynced journal next to the database before it is acknowledged;
    /// SQLite runs with <c>synchronous=NORMAL</c> and is checkpointed (fsynced) periodically, after which the journal
    /// is emptied. After a power loss the journal is replayed at open. Acknowledged = durable, at a fraction of
    /// <see cref="Full"/>'s write volume. When another process already holds the journal, this process falls back
    /// to <see cref="Full"/>.
    /// </summary>
    Journal,

    /// <summary>
    /// <c>synchronous=FULL</c>: every commit fsyncs SQLite's WAL. Acknowledged = durable, but each commit syncs every
    /// page it dirtied (about 2 MB for 500 events from 500 users), so ingestion is several times slower.
    /// </summary>
    Full,

    /// <summary>
    /// <c>synchronous=NORMAL</c> without a journal: survives a process crash, but the last commits may roll back on
    /// power loss. Not durable; for throwaway imports and tests.
    /// </summary>
    Normal,
}

/// <summary>Settings of the embedded SQLite store. Bindable from configuration (section <c>Storage:Sqlite</c>).</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>Database file; its folder is created when missing. Default <c>data/maas.db</c> (relative to the working directory).</summary>
    public string Path { get; set; } = System.IO.Path.Combine("data", "maas.db");

    /// <summary>Default <see cref="SqliteDurability.Journal"/>.</summary>
    public SqliteDurability Durability { get; set; } = SqliteDurability.Journal;

    /// <summary>
    /// In <see cref="SqliteDurability.Journal"/> mode, checkpoint (and empty the journal) once SQLite's WAL exceeds
    /// this many bytes. Bounds WAL size and replay time. Default 64 MiB.
    /// </summary>
    public long CheckpointBytes { get; set; } = 64L << 20;

    /// <summary>How long a statement waits for another process's write lock before failing. Default 5 s.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
