using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;

namespace MaaS.Storage.Postgres;

/// <summary>
/// PostgreSQL storage for multi-replica deployments: the same contract as SQLite, safe to open from several
/// gateway replicas at once. Every store shares one connection pool and the execution strategy. Thread-safe; one per
/// process. Dispose closes the connection pool.
/// </summary>
public sealed partial class PostgresStorage : IStorage
{
    private readonly PostgresDatabase _database;
    private readonly PostgresCatalogStore _catalog;

    private PostgresStorage(PostgresDatabase database, ILogger logger)
    {
        _database = database;
        Events = new PostgresEventStore(database);
        Catalog = _catalog = new PostgresCatalogStore(database, logger);
        Users = new PostgresUserStore(database);
        Keys = new PostgresApiKeyStore(database);
        Market = new PostgresModelMarketStore(database);
        Jobs = new PostgresJobStore(database);
    }

    public string Provider => "postgres";

    public IEventStore Events { get; }

    public ICatalogStore Catalog { get; }

    public IUserStore Users { get; }

    public IApiKeyStore Keys { get; }

    public IModelMarketStore Market { get; }

    public IJobStore Jobs { get; }

    /// <summary>
    /// Connects, creates the schema when missing and migrates it (under an advisory lock, so replicas starting
    /// together do not race). Fails with <see cref="ErrorCode.InvalidRequest"/> for a bad schema name or
    /// connection string and <see cref="ErrorCode.DependencyUnavailable"/> when the server cannot be reached.
    /// </summary>
    /// <param name="executionStrategy">Transient-fault handling for every operation; null runs each once.</param>
    public static async ValueTask<Result<PostgresStorage>> OpenAsync(
        PostgresStorageOptions options, ILoggerFactory? loggerFactory = null,
        IPostgresExecutionStrategy? executionStrategy = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("MaaS.Storage.Postgres");
        if (!SchemaName().IsMatch(options.Schema ?? string.Empty))
        {
            return Error.Invalid("Schema", "must be 1-63 lower-case letters, digits or '_', starting with a letter or '_'");
        }
        NpgsqlDataSource dataSource;
        try
        {
            dataSource = PostgresDataSources.Build(options.ConnectionString, loggerFactory);
        }
        catch (ArgumentException)
        {
            // The message may echo the connection string (a password): report the rule, not the text.
            return Error.Invalid("ConnectionString", "is not a valid Npgsql connection string");
        }
        var database = new PostgresDatabase(dataSource, $"\"{options.Schema}\"", executionStrategy ?? DirectExecutionStrategy.Instance, logger);
        // One operation, two transactions: each table family migrates under its own version table and advisory lock.
        var migrated = await database.RunAsync("migrate", async (connection, ct) =>
        {
            var data = await PostgresMigrations.Set.ApplyAsync(connection, database.Schema, options.Schema!, ct).ConfigureAwait(false);
            var security = await PostgresSecurityMigrations.Set.ApplyAsync(connection, database.Schema, options.Schema!, ct).ConfigureAwait(false);
            var jobs = await PostgresJobMigrations.Set.ApplyAsync(connection, database.Schema, options.Schema!, ct).ConfigureAwait(false);
            return (Data: data, Security: security, Jobs: jobs);
        }, cancellationToken).ConfigureAwait(false);
        if (!migrated.IsSuccess)
        {
            await database.DisposeAsync().ConfigureAwait(false);
            return migrated.Error;
        }
        var (data, security, jobs) = migrated.Value;
        if (data.From != data.To)
        {
            StorageLog.Migrated(logger, "postgres", data.From, data.To);
        }
        if (security.From != security.To)
        {
            StorageLog.Migrated(logger, "postgres keys and market", security.From, security.To);
        }
        if (jobs.From != jobs.To)
        {
            StorageLog.Migrated(logger, "postgres jobs", jobs.From, jobs.To);
        }
        StorageLog.Opened(logger, "postgres", data.To, security.To);
        return new PostgresStorage(database, logger);
    }

    public async ValueTask DisposeAsync()
    {
        await _catalog.DisposeAsync().ConfigureAwait(false);
        await _database.DisposeAsync().ConfigureAwait(false);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
