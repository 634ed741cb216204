using System.Globalization;
using MaaS.Storage.Abstractions;
using MaaS.Storage.Validation;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace MaaS.Storage.Sqlite;

/// <summary>
/// One SQLite file: a single long-lived writer connection guarded by a semaphore, and pooled reader connections.
/// SQLite admits one writer at a time; queueing writers here (instead of letting them collide and retry on
/// SQLITE_BUSY) keeps latency predictable and lets the writer keep its prepared statements. In WAL mode readers
/// never block the writer nor each other.
/// </summary>
internal sealed class SqliteDatabase : IAsyncDisposable
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SqliteConnection _writer;
    private readonly string _connectionString;
    private readonly int _busyTimeoutMs;
    private bool _disposed;

    private SqliteDatabase(SqliteConnection writer, string connectionString, int busyTimeoutMs, ILogger logger)
    {
        _writer = writer;
        _connectionString = connectionString;
        _busyTimeoutMs = busyTimeoutMs;
        Logger = logger;
        WriterCommands = new SqliteWriterCommands(writer);
    }

    public ILogger Logger { get; }

    /// <summary>Prepared statements on the writer connection; use only inside <see cref="WriteAsync{T}"/>.</summary>
    public SqliteWriterCommands WriterCommands { get; }

    public static (SqliteDatabase Database, int Version) Open(SqliteStorageOptions options, ILogger logger)
    {
        var path = Path.GetFullPath(options.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
        };
        var busyMs = (int)Math.Clamp(options.BusyTimeout.TotalMilliseconds, 0, int.MaxValue);
        var writer = new SqliteConnection(builder.ToString());
        try
        {
            writer.Open();
            // WAL: readers see the last commit without blocking the writer, and a commit appends to one file.
            // synchronous=FULL in WAL fsyncs the WAL at every commit, which is what "acknowledged = durable" needs;
            // NORMAL would only fsync at checkpoints (survives a process crash, may lose the last commits on power loss).
            // secure_delete: a privacy erase must not leave the user's rows readable in free pages.
            // cache_size (32 MiB on the writer): the per-user index is written at random positions; keeping its pages
            // cached avoids re-reading them for every batch.
            var synchronous = options.Durability == SqliteDurability.Full ? "FULL" : "NORMAL";
            Pragmas(writer, busyMs,
                $"PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; PRAGMA secure_delete = ON; PRAGMA cache_size = -32768;");
            var (from, to) = SqliteMigrations.Apply(writer);
            if (from != to) StorageLog.Migrated(logger, "sqlite", from, to);
            return (new SqliteDatabase(writer, builder.ToString(), busyMs, logger), to);
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> inside one write transaction on the single writer, then commits.</summary>
    public async ValueTask<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var tx = _writer.BeginTransaction(deferred: false);
            var result = work(_writer, tx);
            cancellationToken.ThrowIfCancellationRequested();
            tx.Commit();
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>A pooled read connection; the caller disposes it (which returns it to the pool).</summary>
    public SqliteConnection OpenReader()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Pragmas(connection, _busyTimeoutMs, "PRAGMA query_only = ON;");
        return connection;
    }

    /// <summary>Maps a database failure to an error value and logs it.</summary>
    public StorageError Fail(Exception exception, string operation)
    {
        StorageLog.OperationFailed(Logger, "sqlite", operation, exception);
        var code = exception is SqliteException se ? se.SqliteErrorCode.ToString(CultureInfo.InvariantCulture) : exception.GetType().Name;
        return StorageError.Unavailable($"SQLite {operation} failed (code {code})");
    }

    public static bool IsDatabaseFailure(Exception exception) => exception is SqliteException or IOException or ObjectDisposedException;

    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed) return;
            _disposed = true;
            WriterCommands.Dispose();
            _writer.Dispose();
            SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static void Pragmas(SqliteConnection connection, int busyTimeoutMs, string pragmas)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {busyTimeoutMs.ToString(CultureInfo.InvariantCulture)}; {pragmas}";
        command.ExecuteNonQuery();
    }
}
