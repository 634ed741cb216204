using MaaS.Core;
using System.Text.RegularExpressions;
using MaaS.Storage.Abstractions;
using MaaS.Storage.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MaaS.Storage.Postgres;

/// <summary>
/// Keys and market listings in PostgreSQL (the same schema as <see cref="PostgresStorage"/> by default), shared by every
/// gateway replica. Thread-safe; one per process; dispose closes the pool.
/// </summary>
public sealed partial class PostgresSecurityStorage : ISecurityStorage
{
    private readonly PostgresDatabase _database;

    private PostgresSecurityStorage(PostgresDatabase database)
    {
        _database = database;
        Keys = new PostgresApiKeyStore(database);
        Models = new PostgresModelCatalogueStore(database);
    }

    public string Provider => "postgres";

    public IApiKeyStore Keys { get; }

    public IModelCatalogueStore Models { get; }

    /// <summary>Connects and migrates the key and market tables (schema created when missing).</summary>
    public static async ValueTask<Result<PostgresSecurityStorage>> OpenAsync(
        PostgresStorageOptions options, ILoggerFactory? loggerFactory = null,
        IPostgresExecutionStrategy? executionStrategy = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("MaaS.Storage.Postgres.Security");
        if (!SchemaName().IsMatch(options.Schema ?? string.Empty))
            return Error.Invalid("Schema", "must be 1-63 lower-case letters, digits or '_', starting with a letter or '_'");
        NpgsqlDataSource dataSource;
        try
        {
            dataSource = PostgresDataSources.Build(options.ConnectionString, loggerFactory);
        }
        catch (ArgumentException)
        {
            return Error.Invalid("ConnectionString", "is not a valid Npgsql connection string");
        }
        var database = new PostgresDatabase(dataSource, $"\"{options.Schema}\"", executionStrategy ?? DirectExecutionStrategy.Instance, logger);
        var migrated = await database.RunAsync("migrate security",
            (connection, ct) => PostgresSecurityMigrations.ApplyAsync(connection, database.Schema, options.Schema!, ct), cancellationToken).ConfigureAwait(false);
        if (!migrated.IsSuccess)
        {
            await database.DisposeAsync().ConfigureAwait(false);
            return migrated.Error;
        }
        var (from, to) = migrated.Value;
        if (from != to) StorageLog.Migrated(logger, "postgres security", from, to);
        StorageLog.Opened(logger, "postgres security", to);
        return new PostgresSecurityStorage(database);
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
