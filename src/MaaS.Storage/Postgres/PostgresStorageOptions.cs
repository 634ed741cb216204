namespace MaaS.Storage.Postgres;

/// <summary>Settings of the PostgreSQL store. Bindable from configuration (section <c>Storage:Postgres</c>).</summary>
public sealed class PostgresStorageOptions
{
    /// <summary>Npgsql connection string, e.g. <c>Host=db;Username=maas;Password=...;Database=maas</c>. Never logged.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Schema holding the tables (created when missing): lower-case letters, digits and '_'. Default <c>maas</c>.</summary>
    public string Schema { get; set; } = "maas";
}
