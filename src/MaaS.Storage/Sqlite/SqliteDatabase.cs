using System.Globalization;
using MaaS.Storage.Abstractions;
using MaaS.Storage.Validation;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace MaaS.Storage.Sqlite;

/// <summary>
/// One SQLite file: a single long-lived writer connection guarded by a semaphore, pooled reader connections, and in
/// <see cref="SqliteDurability.Journal"/> mode the fsynced journal that makes acknowledged writes durable.
/// SQLite admits one writer at a time; queueing writers here (instead of letting them collide and retry on
/// SQLITE_BUSY) keeps latency predictable and lets the writer keep its prepared statements. In WAL mode readers
/// never block the writer nor each other.
/// </summary>
internal sealed class SqliteDatabase : IAsyncDisposable
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SqliteConnection _writer;
    private readonly string _connectionString;
    private readonly string _walPath;
    private readonly int _busyTimeoutMs;
    private readonly long _checkpointBytes;
    private readonly SqliteJournal? _journal;
    private bool _disposed;

    private SqliteDatabase(SqliteConnection writer, string path, string connectionString, SqliteStorageOptions options, SqliteJournal? journal, ILogger logger)
    {
        _writer = writer;
        _connectionString = connectionString;
        _walPath = path + "-wal";
        _busyTimeoutMs = BusyMs(options);
        _checkpointBytes = Math.Max(1L << 20, options.CheckpointBytes);
        _journal = journal;
        Logger = logger;
        WriterCommands = new SqliteWriterCommands(writer);
    }

    public ILogger Logger { get; }

    /// <summary>Prepared statements on the writer connection; use only inside <see cref="WriteAsync{T}"/>.</summary>
    public SqliteWriterCommands WriterCommands { get; }

    /// <summary>The durability actually in force (Journal falls back to Full when another process holds the journal).</summary>
    public SqliteDurability Durability { get; private init; }

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
        var writer = new SqliteConnection(builder.ToString());
        SqliteJournal? journal = null;
        try
        {
            writer.Open();
            var durability = options.Durability;
            if (durability == SqliteDurability.Journal)
            {
                journal = SqliteJournal.TryOpen(path + ".maas-journal");
                if (journal is null)
                {
                    SqliteLog.JournalHeldElsewhere(logger);
                    durability = SqliteDurability.Full;
                }
            }
            // WAL: readers see the last commit without blocking the writer, and a commit appends to one file.
            // FULL fsyncs the WAL at every commit; NORMAL only at checkpoints, which is durable here only because
            // the journal is fsynced per write instead. With the journal, SQLite must not checkpoint on its own:
            // the journal may be emptied only after a checkpoint this class ran and saw complete.
            // secure_delete: a privacy erase must not leave the user's rows readable in free pages.
            // cache_size (32 MiB on the writer): the per-user index is written at random positions; keeping its
            // pages cached avoids re-reading them for every batch.
            var synchronous = durability == SqliteDurability.Full ? "FULL" : "NORMAL";
            var autoCheckpoint = durability == SqliteDurability.Journal ? "PRAGMA wal_autocheckpoint = 0;" : "";
            Pragmas(writer, BusyMs(options),
                $"PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; {autoCheckpoint} PRAGMA secure_delete = ON; PRAGMA cache_size = -32768;");
            var (from, to) = SqliteMigrations.Apply(writer);
            if (from != to) StorageLog.Migrated(logger, "sqlite", from, to);
            var database = new SqliteDatabase(writer, path, builder.ToString(), options, journal, logger) { Durability = durability };
            database.Replay();
            return (database, to);
        }
        catch
        {
            journal?.Dispose();
            writer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> inside one write transaction on the single writer and commits; in Journal mode
    /// then appends <paramref name="record"/> to the journal (fsynced) before returning.
    /// </summary>
    public async ValueTask<T> WriteAsync<T>(
        Func<SqliteConnection, SqliteTransaction, T> work, Func<JournalRecord> record, CancellationToken cancellationToken)
    {
        // Encoded before taking the lock, so other writers do not wait on serialization.
        var journalRecord = _journal is null ? null : record();
        var payload = journalRecord?.Encode();
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            T result;
            using (var tx = _writer.BeginTransaction(deferred: false))
            {
                result = work(_writer, tx);
                cancellationToken.ThrowIfCancellationRequested();
                tx.Commit();
            }
            if (_journal is not null && payload is not null)
            {
                // Committed but not yet acknowledged: if this throws, the caller reports failure and the client
                // retries, which is harmless because every write is idempotent.
                _journal.Append(payload);
                // An erase also checkpoints at once, so the erased rows do not linger in the journal or WAL.
                Checkpoint(force: journalRecord is JournalRecord.Erase || _journal.Length > _checkpointBytes);
            }
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
            if (_journal is not null)
            {
                Checkpoint(force: true);
                _journal.Dispose();
            }
            WriterCommands.Dispose();
            _writer.Dispose();
            SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Re-applies journal records left by a crash (all idempotent), then checkpoints and empties the journal.</summary>
    private void Replay()
    {
        if (_journal is null) return;
        var records = _journal.ReadAll();
        if (records.Count == 0) return;
        using (var tx = _writer.BeginTransaction(deferred: false))
        {
            foreach (var payload in records) SqliteMutations.Apply(_writer, tx, WriterCommands, JournalRecord.Decode(payload));
            tx.Commit();
        }
        SqliteLog.Replayed(Logger, records.Count);
        Checkpoint(force: true);
    }

    /// <summary>
    /// Copies the WAL into the database file and fsyncs it (TRUNCATE also empties the WAL); when that completed,
    /// everything the journal holds is durable in the database, so the journal is emptied. When readers keep it
    /// from completing, the journal stays and the next write tries again. Never fails the write that triggered it.
    /// </summary>
    private void Checkpoint(bool force)
    {
        if (_journal is null || (!force && WalLength() < _checkpointBytes)) return;
        try
        {
            using var command = _writer.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            using var reader = command.ExecuteReader();
            if (reader.Read() && reader.GetInt32(0) == 0) _journal.Truncate();
        }
        catch (Exception ex) when (ex is SqliteException or IOException)
        {
            StorageLog.OperationFailed(Logger, "sqlite", "checkpoint", ex);
        }
    }

    private long WalLength()
    {
        try
        {
            return new FileInfo(_walPath).Length;
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    }

    private static int BusyMs(SqliteStorageOptions options) => (int)Math.Clamp(options.BusyTimeout.TotalMilliseconds, 0, int.MaxValue);

    private static void Pragmas(SqliteConnection connection, int busyTimeoutMs, string pragmas)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {busyTimeoutMs.ToString(CultureInfo.InvariantCulture)}; {pragmas}";
        command.ExecuteNonQuery();
    }
}
