using MaaS.Core;
using System.Globalization;
using MaaS.Storage.Abstractions;
using MaaS.Storage.Validation;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MaaS.Storage.Sqlite;

/// <summary>
/// Keys and market listings in a SQLite file (the same file as <see cref="SqliteStorage"/> by default; WAL lets both
/// open it). Writes are rare (a key created, a model published), so each operation opens a pooled connection and
/// writers queue on one in-process semaphore. Thread-safe; dispose closes the pool.
/// </summary>
public sealed class SqliteSecurityStorage : ISecurityStorage
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly string _connectionString;
    private readonly int _busyTimeoutMs;
    private readonly ILogger _logger;
    private bool _disposed;

    private SqliteSecurityStorage(string connectionString, int busyTimeoutMs, ILogger logger)
    {
        _connectionString = connectionString;
        _busyTimeoutMs = busyTimeoutMs;
        _logger = logger;
        Keys = new SqliteApiKeyStore(this);
        Models = new SqliteModelCatalogueStore(this);
    }

    public string Provider => "sqlite";

    public IApiKeyStore Keys { get; }

    public IModelCatalogueStore Models { get; }

    /// <summary>Opens (creating when missing) the file and migrates the key and market tables.</summary>
    public static ValueTask<Result<SqliteSecurityStorage>> OpenAsync(
        SqliteStorageOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("MaaS.Storage.Sqlite.Security");
        try
        {
            var path = System.IO.Path.GetFullPath(options.Path);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            var connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = true,
                DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
            }.ToString();
            var busyMs = (int)Math.Clamp(options.BusyTimeout.TotalMilliseconds, 0, int.MaxValue);
            var storage = new SqliteSecurityStorage(connectionString, busyMs, logger);
            using var connection = storage.Open();
            Pragma(connection, "PRAGMA journal_mode = WAL;");
            var (from, to) = SqliteSecurityMigrations.Apply(connection);
            if (from != to) StorageLog.Migrated(logger, "sqlite security", from, to);
            StorageLog.Opened(logger, "sqlite security", to);
            return ValueTask.FromResult(Result<SqliteSecurityStorage>.Ok(storage));
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            StorageLog.OpenFailed(logger, "sqlite security", ex);
            return ValueTask.FromResult<Result<SqliteSecurityStorage>>(Error.Unavailable($"SQLite database could not be opened: {ex.Message}"));
        }
    }

    internal SqliteConnection Open()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Pragma(connection, $"PRAGMA busy_timeout = {_busyTimeoutMs.ToString(CultureInfo.InvariantCulture)}; PRAGMA foreign_keys = ON;");
        return connection;
    }

    /// <summary>Runs a read on a pooled connection; database failures become Unavailable.</summary>
    internal ValueTask<Result<T>> ReadAsync<T>(string operation, Func<SqliteConnection, Result<T>> work)
    {
        try
        {
            using var connection = Open();
            return ValueTask.FromResult(work(connection));
        }
        catch (Exception ex) when (ex is SqliteException or IOException or ObjectDisposedException)
        {
            return ValueTask.FromResult<Result<T>>(Fail(ex, operation));
        }
    }

    /// <summary>Runs <paramref name="work"/> in one immediate transaction; it commits only when the work succeeds.</summary>
    internal async ValueTask<Result<T>> WriteAsync<T>(
        string operation, Func<SqliteConnection, SqliteTransaction, Result<T>> work, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var connection = Open();
            using var tx = connection.BeginTransaction(deferred: false);
            var result = work(connection, tx);
            if (result.IsSuccess)
            {
                cancellationToken.ThrowIfCancellationRequested();
                tx.Commit();
            }
            return result;
        }
        catch (Exception ex) when (ex is SqliteException or IOException or ObjectDisposedException)
        {
            return Fail(ex, operation);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private Error Fail(Exception exception, string operation)
    {
        StorageLog.OperationFailed(_logger, "sqlite", operation, exception);
        var code = exception is SqliteException se ? se.SqliteErrorCode.ToString(CultureInfo.InvariantCulture) : exception.GetType().Name;
        return Error.Unavailable($"SQLite {operation} failed (code {code})");
    }

    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed) return;
            _disposed = true;
            SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static void Pragma(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
