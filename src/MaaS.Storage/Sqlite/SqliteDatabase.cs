using System.Threading.Channels;
using SQLitePCL;

namespace MaaS.Storage.Sqlite;

/// <summary>
/// One SQLite file: a single long-lived writer connection owned by one writer thread that takes writes from a
/// queue, and pooled reader connections. SQLite admits one writer at a time; queueing writers here (instead of
/// letting them collide and retry on SQLITE_BUSY) keeps latency predictable, lets the writer keep its prepared
/// statements, and lets writes that queue up share one commit. In WAL mode readers never block the writer nor each
/// other.
/// </summary>
internal sealed class SqliteDatabase : IAsyncDisposable
{
    /// <summary>Most requests committed in one transaction; bounds how long one commit holds the others.</summary>
    private const int MaxGroup = 32;

    /// <summary>
    /// Most single-statement requests (a row each: a decision) in one group, beside at most <see cref="MaxGroup"/>
    /// others. A row costs microseconds and the commit's fsync about a millisecond, so when many wait (64 decide
    /// connections) the group takes them all and the fsync is shared by more of them.
    /// </summary>
    private const int MaxStatementGroup = 512;
    private readonly Channel<SqliteWriteRequest> _queue = Channel.CreateUnbounded<SqliteWriteRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread _writerThread;
    private readonly SqliteConnection _writer;
    private readonly string _connectionString;
    private readonly int _busyTimeoutMs;
    private volatile bool _disposed;

    private SqliteDatabase(SqliteConnection writer, string connectionString, int busyTimeoutMs, ILogger logger)
    {
        _writer = writer;
        _connectionString = connectionString;
        _busyTimeoutMs = busyTimeoutMs;
        Logger = logger;
        WriterCommands = new SqliteWriterCommands(writer);
        _writerThread = new Thread(WriterLoop) { IsBackground = true, Name = "maas-sqlite-writer" };
        _writerThread.Start();
    }

    public ILogger Logger { get; }

    /// <summary>
    /// How long <see cref="DisposeAsync"/> waits for the writer to finish what is queued; the writes queued at shutdown
    /// take milliseconds, so past this the writer is stuck and the stop goes on without it (the host's own stop allows 30 s).
    /// </summary>
    internal TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Prepared statements on the writer connection; use only inside <see cref="WriteAsync{T}(Func{SqliteConnection, SqliteTransaction, T}, CancellationToken)"/>.</summary>
    public SqliteWriterCommands WriterCommands { get; }

    /// <summary>
    /// Opens (creating when missing) the file and brings both table families to their latest version: the data
    /// tables (<see cref="SqliteMigrations"/>, then <see cref="SqlitePrivacyMigration"/> with <paramref name="privacy"/>'s
    /// keys) and the key and market tables (<see cref="SqliteSecurityMigrations"/>).
    /// </summary>
    public static (SqliteDatabase Database, int Version, int SecurityVersion) Open(SqliteStorageOptions options, PrivacyCodec privacy, ILogger logger)
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
        // The writer is one long-lived connection, never pooled: readers go back to the pool with query_only on, and
        // a second storage on the same file in this process (the CLI beside a gateway, test hosts) would otherwise be
        // handed one of them as its writer ("attempt to write a readonly database").
        var writer = new SqliteConnection(new SqliteConnectionStringBuilder(builder.ToString()) { Pooling = false }.ToString());
        try
        {
            writer.Open();
            // WAL: readers see the last commit without blocking the writer, and a commit appends to one file.
            // synchronous=FULL in WAL fsyncs the WAL at every commit, which is what "acknowledged = durable" needs;
            // NORMAL would only fsync at checkpoints (survives a process crash, may lose the last commits on power loss).
            // secure_delete: a privacy erase must not leave the user's rows readable in free pages.
            // cache_size (8 MiB on the writer, default 2): the per-user index (user_key, ts) is written at random
            // positions, so more cache saves re-reading its pages from the OS page cache, but not without a cost:
            // a page split in the middle of an index (balance_nonroot) parks a page at the page number after
            // PENDING_BYTE while it reorders siblings, and the commit then truncates the cache above the file's end by
            // walking every cached page (pcache1TruncateUnsafe). Until the file reaches 1 GiB that walk runs on almost
            // every commit and grows with the cache: at 32 MiB it was the top SQLite symbol in perf, and 8 MiB was
            // about 7 % faster per batch than 16 or 32 MiB in three interleaved runs of the ingestion harness.
            // wal_autocheckpoint 2048 pages (8 MiB, default 1000): hot pages (the per-user index leaves, the tail of
            // the append-ordered indexes) are rewritten by almost every commit, and checkpointing less often writes
            // each of them back once per checkpoint instead of once per few commits. But the commit that runs the
            // checkpoint waits for it, so its size is the ingestion tail: POST /v1/events p99 per batch was 142 ms at
            // 8192 pages, 51 at 2048, 31 at 1000 (interleaved runs, same throughput over HTTP); in the store
            // benchmark 2048 matched 8192 for 25 users per batch and lost ~20 % when every event is a different
            // user, 1000 lost ~18 % even at 25. A checkpoint thread of its own (PASSIVE every 250 ms) was tried twice
            // and measured no different from the writer checkpointing itself (likely because on ext4 the next WAL fsync
            // still waits for the checkpoint's writes to reach the disk).
            // temp_store MEMORY: a savepoint (one per request in a group commit) journals the pages it changes in a
            // statement journal; in a temp file that cost ~10 % of the ingestion time, in memory it is a copy of the
            // ~100 pages a 500-event batch touches.
            var synchronous = options.Durability == SqliteDurability.Full ? "FULL" : "NORMAL";
            Pragmas(writer, busyMs,
                $"PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; PRAGMA secure_delete = ON; PRAGMA cache_size = -8192; PRAGMA wal_autocheckpoint = 2048; PRAGMA temp_store = MEMORY;");
            var (from, to) = SqliteMigrations.Set.Apply(writer);
            if (from != to)
            {
                StorageLog.Migrated(logger, "sqlite", from, to);
            }
            var (users, sealedEvents) = SqlitePrivacyMigration.Apply(writer, privacy);
            if (users > 0 || sealedEvents > 0)
            {
                StorageLog.PrivacyMigrated(logger, "sqlite", users, sealedEvents);
            }
            var (securityFrom, securityTo) = SqliteSecurityMigrations.Set.Apply(writer);
            if (securityFrom != securityTo)
            {
                StorageLog.Migrated(logger, "sqlite keys and market", securityFrom, securityTo);
            }
            var (agentsFrom, agentsTo) = SqliteAgentMigrations.Set.Apply(writer);
            if (agentsFrom != agentsTo)
            {
                StorageLog.Migrated(logger, "sqlite agents", agentsFrom, agentsTo);
            }

            var (jobsFrom, jobsTo) = SqliteJobMigrations.Set.Apply(writer);
            if (jobsFrom != jobsTo)
            {
                StorageLog.Migrated(logger, "sqlite jobs", jobsFrom, jobsTo);
            }
            // Deleting a market listing removes its shares through ON DELETE CASCADE, which SQLite enforces only with
            // foreign_keys on (per connection, outside a transaction; only the writer deletes). No data table has a
            // foreign key, so appends pay nothing for it.
            Pragmas(writer, busyMs, "PRAGMA foreign_keys = ON;");
            return (new SqliteDatabase(writer, builder.ToString(), busyMs, logger), to, securityTo);
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Queues <paramref name="work"/> for the writer thread and completes once the transaction containing it has
    /// committed (and, with <see cref="SqliteDurability.Full"/>, been fsynced). Requests that queue up while a commit
    /// is in flight are committed together (group commit): one fsync then acknowledges several batches, which is
    /// where concurrent ingestion gets its throughput. Each request of a group runs in its own savepoint, so one
    /// failing request does not undo the others (a request alone in its transaction needs none). Cancellation is honoured until the request starts running.
    /// </summary>
    public ValueTask<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var request = new SqliteWriteRequest<T>(work, singleStatement: false, cancellationToken);
        // The queue is completed only by Dispose: a refused write means the database is closed.
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(request), this);
        return new ValueTask<T>(request.Task);
    }

    /// <summary>
    /// Queues one statement's work (see <see cref="SqliteWriteRequest.SingleStatement"/>): it runs without a savepoint
    /// of its own, and up to <see cref="MaxStatementGroup"/> of them share a commit. <paramref name="statement"/> must
    /// write through exactly one statement and fail only by that statement's exception. Database failures become
    /// Unavailable.
    /// </summary>
    public async ValueTask<Result<T>> WriteStatementAsync<T>(string operation, Func<SqliteConnection, SqliteTransaction, T> statement, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var request = new SqliteWriteRequest<T>(statement, singleStatement: true, cancellationToken);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(request), this);
        try
        {
            return await request.Task.ConfigureAwait(false);
        }
        catch (Exception ex) when (IsDatabaseFailure(ex))
        {
            return Fail(ex, operation);
        }
    }

    private void WriterLoop()
    {
        var group = new List<SqliteWriteRequest>(MaxGroup);
        // Blocking waits are fine here: this is a dedicated thread, and SQLite calls block anyway.
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            group.Clear();
            int others = 0;
            while (others < MaxGroup && group.Count < MaxStatementGroup && _queue.Reader.TryRead(out var request))
            {
                if (request.CancellationToken.IsCancellationRequested)
                {
                    request.Cancel();
                }
                else
                {
                    group.Add(request);
                    others += request.SingleStatement ? 0 : 1;
                }
            }
            if (group.Count > 0)
            {
                CommitGroup(group);
            }
        }
    }

    private void CommitGroup(List<SqliteWriteRequest> group)
    {
        // A request alone in its transaction needs no savepoint: if it fails, rolling back the transaction undoes
        // exactly it. (The common case with one caller; the savepoint's bookkeeping was a tenth of the batch.)
        bool alone = group.Count == 1;
        var succeeded = new List<SqliteWriteRequest>(group.Count);
        try
        {
            using var tx = _writer.BeginTransaction(deferred: false);
            foreach (var request in group)
            {
                // A single statement undoes itself when it fails (SQLite's statement journal), so only a request of
                // several statements needs a savepoint to fail alone.
                bool savepoint = !alone && !request.SingleStatement;
                if (savepoint)
                {
                    tx.Save("request");
                }
                try
                {
                    request.Run(_writer, tx);
                    if (savepoint)
                    {
                        tx.Release("request");
                    }
                    succeeded.Add(request);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    if (alone)
                    {
                        tx.Rollback();
                    }
                    else if (savepoint)
                    {
                        tx.Rollback("request");
                        tx.Release("request");
                    }
                    else if (raw.sqlite3_get_autocommit(_writer.Handle) != 0)
                    {
                        // Some errors (I/O, full disk) roll back the whole transaction, not just the statement: then
                        // nothing of the group stands, and the outer handler fails every request.
                        throw;
                    }
                    request.Fail(ex);
                }
            }
            // Nothing succeeded: disposing the transaction rolls back whatever is left of it.
            if (succeeded.Count > 0)
            {
                tx.Commit();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The transaction itself failed (I/O error, disk full): nothing of the group is durable. Requests that
            // already failed on their own keep their first error (completion is set once).
            foreach (var request in group)
            {
                request.Fail(ex);
            }
            return;
        }
        foreach (var request in succeeded)
        {
            request.Succeed();
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

    /// <summary>Runs <paramref name="read"/> on a pooled reader connection; database failures become Unavailable.</summary>
    public ValueTask<Result<T>> ReadAsync<T>(string operation, Func<SqliteConnection, Result<T>> read)
    {
        try
        {
            using var connection = OpenReader();
            return ValueTask.FromResult(read(connection));
        }
        catch (Exception ex) when (IsDatabaseFailure(ex))
        {
            return ValueTask.FromResult<Result<T>>(Fail(ex, operation));
        }
    }

    /// <summary>
    /// Queues <paramref name="work"/> like <see cref="WriteAsync{T}(Func{SqliteConnection, SqliteTransaction, T}, CancellationToken)"/>
    /// for work that decides its own outcome: what it wrote commits only when it returns a success (a failure rolls
    /// back its part of the group). Database failures become Unavailable.
    /// </summary>
    public async ValueTask<Result<T>> WriteAsync<T>(
        string operation, Func<SqliteConnection, SqliteTransaction, Result<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            return await WriteAsync<Result<T>>((connection, tx) =>
            {
                var result = work(connection, tx);
                return result.IsSuccess ? result : throw new WorkFailedException(result.Error);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (WorkFailedException failed)
        {
            return failed.Error;
        }
        catch (Exception ex) when (IsDatabaseFailure(ex))
        {
            return Fail(ex, operation);
        }
    }

    /// <summary>Maps a database failure to an error value and logs it.</summary>
    public Error Fail(Exception exception, string operation)
    {
        StorageLog.OperationFailed(Logger, "sqlite", operation, exception);
        var code = exception is SqliteException se ? se.SqliteErrorCode.ToString(CultureInfo.InvariantCulture) : exception.GetType().Name;
        return Error.Unavailable($"SQLite {operation} failed (code {code})");
    }

    public static bool IsDatabaseFailure(Exception exception) => exception is SqliteException or IOException or ObjectDisposedException;

    /// <summary>Lets queued writes finish, stops the writer thread, then closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_queue.Writer.TryComplete())
        {
            return;
        }
        _disposed = true;
        var stopped = Task.Run(_writerThread.Join);
        try
        {
            await stopped.WaitAsync(StopTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A work that never returns (a stuck lock, a callback that waits on shutdown) must not hang the host's stop
            // forever. The thread still owns the writer connection, so it is closed after the thread ends, never under it.
            StorageLog.WriterStopTimedOut(Logger, "sqlite", StopTimeout.TotalSeconds);
            _ = stopped.ContinueWith(_ => CloseWriter(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            return;
        }

        CloseWriter();
    }

    private void CloseWriter()
    {
        WriterCommands.Dispose();
        _writer.Dispose();
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }

    /// <summary>Carries a work's error out of the writer thread, which rolls back whatever the work wrote.</summary>
    private sealed class WorkFailedException(Error error) : Exception(error.Message)
    {
        public Error Error { get; } = error;
    }

    private static void Pragmas(SqliteConnection connection, int busyTimeoutMs, string pragmas)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {busyTimeoutMs.ToString(CultureInfo.InvariantCulture)}; {pragmas}";
        command.ExecuteNonQuery();
    }
}
