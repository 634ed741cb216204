using Microsoft.Extensions.Logging.Abstractions;

namespace MaaS.Storage.Sqlite;

/// <summary>
/// The embedded default: one SQLite file (WAL) holding events, users, the catalogue, API keys and the model market.
/// Every store writes through the file's one writer thread, so a key or market write never contends with ingestion
/// for SQLite's write lock. Thread-safe; open one per file per process. Dispose closes the file.
/// </summary>
public sealed class SqliteStorage : StoreSet, IStorage
{
    private readonly SqliteDatabase _database;

    private SqliteStorage(SqliteDatabase database, PrivacyCodec privacy)
        : base(new SqliteEventStore(database, privacy), new SqliteCatalogStore(database), new PseudonymousUserStore(new SqliteUserStore(database), privacy),
            new SqliteApiKeyStore(database), new SqliteModelMarketStore(database), new SqliteAgentStore(database), new SqliteJobStore(database),
            new SqliteRecommendationCountStore(database), new SqliteFileStore(database))
    {
        _database = database;
    }

    public string Provider => "sqlite";

    /// <summary>
    /// Opens (creating when missing) and migrates the file. Fails with <see cref="ErrorCode.DependencyUnavailable"/>
    /// when the file cannot be opened or written, or has a newer schema than this build. Privacy keys default to a user
    /// key file beside the database and no encryption.
    /// </summary>
    public static ValueTask<Result<SqliteStorage>> OpenAsync(
        SqliteStorageOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default) =>
        OpenAsync(options, null, loggerFactory, cancellationToken);

    /// <summary>
    /// Opens (creating when missing) and migrates the file with <paramref name="privacy"/>'s keys (null: a user key file
    /// beside the database, no encryption). Also fails with <see cref="ErrorCode.DependencyUnavailable"/>, naming the
    /// setting, when a key is malformed, or missing or different from the one the file's data was written with.
    /// </summary>
    public static ValueTask<Result<SqliteStorage>> OpenAsync(
        SqliteStorageOptions options, PrivacyOptions? privacy, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("MaaS.Storage.Sqlite");
        try
        {
            return OpenAsync(options, PrivacyKeys.Load(privacy, Path.GetDirectoryName(Path.GetFullPath(options.Path))!), logger);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PrivacyKeyException)
        {
            StorageLog.OpenFailed(logger, "sqlite", ex);
            return ValueTask.FromResult<Result<SqliteStorage>>(Error.Unavailable($"SQLite database could not be opened: {ex.Message}"));
        }
    }

    /// <summary>Opens with keys already loaded (the public overloads, and the privacy cost measurement's baseline).</summary>
    internal static ValueTask<Result<SqliteStorage>> OpenAsync(SqliteStorageOptions options, PrivacyCodec codec, ILogger logger)
    {
        try
        {
            var (database, version, securityVersion) = SqliteDatabase.Open(options, codec, logger);
            StorageLog.Opened(logger, "sqlite", version, securityVersion);
            return ValueTask.FromResult(Result<SqliteStorage>.Ok(new SqliteStorage(database, codec)));
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException or PrivacyKeyException)
        {
            StorageLog.OpenFailed(logger, "sqlite", ex);
            return ValueTask.FromResult<Result<SqliteStorage>>(Error.Unavailable($"SQLite database could not be opened: {ex.Message}"));
        }
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
