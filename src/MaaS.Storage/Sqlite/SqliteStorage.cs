using Microsoft.Extensions.Logging.Abstractions;

namespace MaaS.Storage.Sqlite;

/// <summary>
/// The embedded default: one SQLite file (WAL) holding events, users, the catalogue, API keys and the model market.
/// Every store writes through the file's one writer thread, so a key or market write never contends with ingestion
/// for SQLite's write lock. Thread-safe; open one per file per process. Dispose closes the file.
/// </summary>
public sealed class SqliteStorage : IStorage
{
    private readonly SqliteDatabase _database;

    private SqliteStorage(SqliteDatabase database)
    {
        _database = database;
        Events = new SqliteEventStore(database);
        Catalog = new SqliteCatalogStore(database);
        Users = new SqliteUserStore(database);
        Keys = new SqliteApiKeyStore(database);
        Market = new SqliteModelMarketStore(database);
        Jobs = new SqliteJobStore(database);
    }

    public string Provider => "sqlite";

    public IEventStore Events { get; }

    public ICatalogStore Catalog { get; }

    public IUserStore Users { get; }

    public IApiKeyStore Keys { get; }

    public IModelMarketStore Market { get; }

    public IJobStore Jobs { get; }

    /// <summary>
    /// Opens (creating when missing) and migrates the file. Fails with <see cref="ErrorCode.DependencyUnavailable"/>
    /// when the file cannot be opened or written, or has a newer schema than this build.
    /// </summary>
    public static ValueTask<Result<SqliteStorage>> OpenAsync(
        SqliteStorageOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("MaaS.Storage.Sqlite");
        try
        {
            var (database, version, securityVersion) = SqliteDatabase.Open(options, logger);
            StorageLog.Opened(logger, "sqlite", version, securityVersion);
            return ValueTask.FromResult(Result<SqliteStorage>.Ok(new SqliteStorage(database)));
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            StorageLog.OpenFailed(logger, "sqlite", ex);
            return ValueTask.FromResult<Result<SqliteStorage>>(Error.Unavailable($"SQLite database could not be opened: {ex.Message}"));
        }
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
