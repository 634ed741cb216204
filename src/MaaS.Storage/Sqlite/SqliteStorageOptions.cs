namespace MaaS.Storage.Sqlite;

/// <summary>How SQLite trades commit latency for crash safety.</summary>
public enum SqliteDurability
{
    /// <summary>
    /// <c>synchronous=FULL</c>: every commit fsyncs the WAL, so an acknowledged write survives power loss.
    /// The default, because the gateway acknowledges events only once they are durable.
    /// </summary>
    Full,

    /// <summary>
    /// <c>synchronous=NORMAL</c>: commits survive a process crash but the last ones may roll back on power loss
    /// (the WAL is fsynced only at checkpoints). Not durable; for throwaway imports and tests.
    /// </summary>
    Normal,
}

/// <summary>Settings of the embedded SQLite store. Bindable from configuration (section <c>Storage:Sqlite</c>).</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>Database file; its folder is created when missing. Default <c>maas.db</c> in <see cref="Hosting.DataLocation.DefaultDirectory"/>.</summary>
    public string Path { get; set; } = Hosting.DataLocation.DatabasePath(Hosting.DataLocation.DefaultDirectory);

    /// <summary>Default <see cref="SqliteDurability.Full"/>.</summary>
    public SqliteDurability Durability { get; set; } = SqliteDurability.Full;

    /// <summary>How long a statement waits for another process's write lock before failing. Default 5 s.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
