using System.Text.RegularExpressions;
using MaaS.Storage.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace MaaS.Storage.Postgres;

/// <summary>
/// PostgreSQL storage for multi-replica deployments: the same contract as SQLite, safe to open from several
/// gateway replicas at once. Every store shares one connection pool and the execution strategy. Thread-safe; one per
/// process. Dispose closes the connection pool.
/// </summary>
public sealed partial class PostgresStorage : StoreSet, IStorage
{
    private readonly PostgresDatabase _database;
    private readonly PostgresCatalogStore _catalog;
    private readonly PostgresEventStore _events;
    private readonly PostgresModelMarketStore _market;

    private PostgresStorage(PostgresDatabase database, PrivacyCodec privacy, PostgresCatalogStore catalog, PostgresEventStore events, PostgresModelMarketStore market)
        : base(events, catalog, new PseudonymousUserStore(new PostgresUserStore(database), privacy),
            new PostgresApiKeyStore(database), market, new PostgresAgentStore(database), new PostgresJobStore(database),
            new PostgresRecommendationCountStore(database), new PostgresFileStore(database))
    {
        _database = database;
        _catalog = catalog;
        _events = events;
        _market = market;
    }

    public string Provider => "postgres";

    /// <summary>
    /// Connects, creates the schema when missing and migrates it (under an advisory lock, so replicas starting
    /// together do not race). Fails with <see cref="ErrorCode.InvalidRequest"/> for a bad schema name or
    /// connection string and <see cref="ErrorCode.DependencyUnavailable"/> when the server cannot be reached.
    /// </summary>
    /// <param name="executionStrategy">Transient-fault handling for every operation; null runs each once.</param>
    public static ValueTask<Result<PostgresStorage>> OpenAsync(
        PostgresStorageOptions options, ILoggerFactory? loggerFactory = null,
        IPostgresExecutionStrategy? executionStrategy = null, CancellationToken cancellationToken = default) =>
        OpenAsync(options, null, loggerFactory, executionStrategy, cancellationToken);

    /// <summary>
    /// As <see cref="OpenAsync(PostgresStorageOptions, ILoggerFactory?, IPostgresExecutionStrategy?, CancellationToken)"/>
    /// with <paramref name="privacy"/>'s keys (null: the user key file of the default data folder, no encryption); a key
    /// that is malformed, missing or not the one the data was written with fails with
    /// <see cref="ErrorCode.DependencyUnavailable"/> naming the setting. Every replica needs the same keys.
    /// </summary>
    public static async ValueTask<Result<PostgresStorage>> OpenAsync(
        PostgresStorageOptions options, PrivacyOptions? privacy, ILoggerFactory? loggerFactory = null,
        IPostgresExecutionStrategy? executionStrategy = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("MaaS.Storage.Postgres");
        PrivacyCodec codec;
        try
        {
            codec = PrivacyKeys.Load(privacy, DataLocation.FromEnvironment());
        }
        catch (Exception ex) when (ex is PrivacyKeyException or IOException or UnauthorizedAccessException)
        {
            StorageLog.OpenFailed(logger, "postgres", ex);
            return Error.Unavailable($"PostgreSQL storage could not be opened: {ex.Message}");
        }
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
        // One operation, five transactions: each table family migrates under its own version table and advisory
        // lock, and the privacy step (the data family's ids hashed in code) right after the data family.
        Result<((int From, int To) Data, (long Users, long Sealed) Privacy, (int From, int To) Security, (int From, int To) Agents, (int From, int To) Jobs)> migrated;
        try
        {
            migrated = await database.RunAsync("migrate", async (connection, ct) =>
            {
                var data = await PostgresMigrations.Set.ApplyAsync(connection, database.Schema, options.Schema!, ct).ConfigureAwait(false);
                var pseudonymised = await PostgresPrivacyMigration.ApplyAsync(connection, database.Schema, options.Schema!, codec, ct).ConfigureAwait(false);
                var security = await PostgresSecurityMigrations.Set.ApplyAsync(connection, database.Schema, options.Schema!, ct).ConfigureAwait(false);
                var agents = await PostgresAgentMigrations.Set.ApplyAsync(connection, database.Schema, options.Schema!, ct).ConfigureAwait(false);
                var jobs = await PostgresJobMigrations.Set.ApplyAsync(connection, database.Schema, options.Schema!, ct).ConfigureAwait(false);
                return (data, pseudonymised, security, agents, jobs);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (PrivacyKeyException ex)
        {
            StorageLog.OpenFailed(logger, "postgres", ex);
            await database.DisposeAsync().ConfigureAwait(false);
            return Error.Unavailable($"PostgreSQL storage could not be opened: {ex.Message}");
        }
        if (!migrated.IsSuccess)
        {
            await database.DisposeAsync().ConfigureAwait(false);
            return migrated.Error;
        }
        var (data, privacyDone, security, agents, jobs) = migrated.Value;
        if (agents.From != agents.To)
        {
            StorageLog.Migrated(logger, "postgres agents", agents.From, agents.To);
        }
        if (privacyDone.Users > 0 || privacyDone.Sealed > 0)
        {
            StorageLog.PrivacyMigrated(logger, "postgres", privacyDone.Users, privacyDone.Sealed);
        }
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
        return new PostgresStorage(database, codec, new PostgresCatalogStore(database, logger), new PostgresEventStore(database, codec, logger),
            new PostgresModelMarketStore(database, logger));
    }

    public async ValueTask DisposeAsync()
    {
        await _catalog.DisposeAsync().ConfigureAwait(false);
        await _events.DisposeAsync().ConfigureAwait(false);
        await _market.DisposeAsync().ConfigureAwait(false);
        await _database.DisposeAsync().ConfigureAwait(false);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
