using MaaS.Storage.Sqlite;

namespace MaaS.Storage.Hosting;

/// <summary>Which database backs the stores.</summary>
public enum StorageProvider
{
    /// <summary>Embedded file; the default for one gateway instance.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server; for several gateway replicas.</summary>
    Postgres,
}

/// <summary>Storage settings. Bindable from configuration (section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    public SqliteStorageOptions Sqlite { get; set; } = new();

    public PostgresStorageOptions Postgres { get; set; } = new();

    /// <summary>Keys of pseudonymous users and encryption at rest (the gateway binds them from the <c>Privacy</c> section).</summary>
    public PrivacyOptions Privacy { get; set; } = new();

    /// <summary>
    /// When true and the default tenant's catalogue is empty at start, load <see cref="Seeding.DemoSeed"/> into it.
    /// </summary>
    public bool SeedDemoDataWhenEmpty { get; set; }
}
