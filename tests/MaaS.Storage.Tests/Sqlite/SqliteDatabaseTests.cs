using MaaS.TestSupport.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MaaS.Storage.Tests.Sqlite;

/// <summary>The single-writer queue with group commit under the SQLite stores.</summary>
public sealed class SqliteDatabaseTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task WriteAsync_OneRequestOfAGroupThrows_OnlyThatRequestIsRolledBack()
    {
        var (database, _, _) = SqliteDatabase.Open(new SqliteStorageOptions { Path = Path.Combine(_folder.Path, "w.db") }, TestData.Privacy, NullLogger.Instance);
        await using var _d = database;

        var writes = Enumerable.Range(0, 40).Select(i => database.WriteAsync((connection, tx) =>
        {
            database.WriterCommands.InsertEvent("t", $"e{i}", "u", 1, "i", "play", 1, 1_000 + i, null);
            if (i == 17)
            {
                throw new InvalidOperationException("request 17 fails after writing");
            }

            return i;
        }, TestContext.Current.CancellationToken).AsTask()).ToList();
        await Task.WhenAll(writes.Select(w => w.ContinueWith(_ => { }, TaskScheduler.Default)));

        Assert.All(writes.Where((_, i) => i != 17), w => Assert.True(w.IsCompletedSuccessfully));
        Assert.IsType<InvalidOperationException>(writes[17].Exception?.InnerException);
        var stored = await StoredEventIdsAsync(database, TestContext.Current.CancellationToken);

        Assert.Equal(39, stored.Count);
        Assert.DoesNotContain("e17", stored);
    }

    [Fact]
    public async Task WriteAsync_RequestAloneThrows_ItsWritesAreRolledBackAndTheNextCommits()
    {
        var (database, _, _) = SqliteDatabase.Open(new SqliteStorageOptions { Path = Path.Combine(_folder.Path, "a.db") }, TestData.Privacy, NullLogger.Instance);
        await using var _d = database;
        var ct = TestContext.Current.CancellationToken;

        // Awaited one by one, so each request has a transaction to itself (the path without a savepoint).
        await Assert.ThrowsAsync<InvalidOperationException>(() => database.WriteAsync<int>((_, _) =>
        {
            database.WriterCommands.InsertEvent("t", "lost", "u", 1, "i", "play", 1, 1_000, null);
            throw new InvalidOperationException("fails after writing");
        }, ct).AsTask());
        var inserted = await database.WriteAsync((_, _) => database.WriterCommands.InsertEvent("t", "kept", "u", 1, "i", "play", 1, 2_000, null), ct);

        Assert.True(inserted);
        Assert.Equal(["kept"], await StoredEventIdsAsync(database, ct));
    }

    [Fact]
    public async Task WriteAsync_WorkReturnsAnError_ErrorReturnedAndItsWritesRolledBack()
    {
        var (database, _, _) = SqliteDatabase.Open(new SqliteStorageOptions { Path = Path.Combine(_folder.Path, "r.db") }, TestData.Privacy, NullLogger.Instance);
        await using var _d = database;
        var ct = TestContext.Current.CancellationToken;

        var refused = await database.WriteAsync<bool>("test write", (_, _) =>
        {
            database.WriterCommands.InsertEvent("t", "lost", "u", 1, "i", "play", 1, 1_000, null);
            return Error.Invalid("field", "refused after writing");
        }, ct);
        var kept = await database.WriteAsync<bool>("test write", (_, _) => database.WriterCommands.InsertEvent("t", "kept", "u", 1, "i", "play", 1, 2_000, null), ct);

        Assert.Equal("field", Assert.Single(refused.Error!.Problems).Field);
        Assert.True(kept.Value);
        Assert.Equal(["kept"], await StoredEventIdsAsync(database, ct));
    }

    [Fact]
    public async Task DisposeAsync_WriterHeldPastTheBound_ReturnsAndLogsAWarning()
    {
        var logger = new RecordingLogger<SqliteDatabaseTests>();
        var (database, _, _) = SqliteDatabase.Open(new SqliteStorageOptions { Path = Path.Combine(_folder.Path, "h.db") }, TestData.Privacy, logger);
        database.StopTimeout = TimeSpan.FromMilliseconds(300);
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var held = database.WriteAsync((_, _) =>
        {
            entered.Set();
            return release.Wait(TimeSpan.FromMinutes(1));
        }, Ct).AsTask();
        Assert.True(entered.Wait(TimeSpan.FromSeconds(30), Ct), "the held write never started");

        try
        {
            // Unbounded before: the dispose joined the writer thread until the work returned.
            await database.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
        }
        finally
        {
            release.Set();
        }

        Assert.True(await held.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        var warning = Assert.Single(logger.Entries, e => e.Event.Id == 4007);
        Assert.Equal(LogLevel.Warning, warning.Level);
    }

    [Fact]
    public async Task WriteAsync_ContinuationsRunWhereTheWriteCompletes_NeverOnTheWriterAndMayWaitOnALaterWrite()
    {
        var (database, _, _) = SqliteDatabase.Open(new SqliteStorageOptions { Path = Path.Combine(_folder.Path, "c.db") }, TestData.Privacy, NullLogger.Instance);
        await using var _d = database;
        using var hold = new ManualResetEventSlim();
        // The writer is held, so the 40 writes queue up and end in one group.
        var held = database.WriteAsync((_, _) => hold.Wait(TimeSpan.FromMinutes(1)), Ct).AsTask();
        var writes = Enumerable.Range(0, 40).Select(i => database.WriteAsync((_, _) =>
        {
            database.WriterCommands.InsertEvent("t", $"e{i}", "u", 1, "i", "play", 1, 1_000 + i, null);
            return Thread.CurrentThread.Name;
        }, Ct).AsTask()).ToList();
        // Continuations that run inline wherever their write is completed; the first waits synchronously on a write
        // queued after its group, which a completion run on the writer thread would never see.
        var continuations = writes.Select((write, i) => write.ContinueWith(w =>
        {
            if (i == 0)
            {
                database.WriteAsync((_, _) => database.WriterCommands.InsertEvent("t", "late", "u", 1, "i", "play", 1, 5_000, null), Ct)
                    .AsTask().Wait(TimeSpan.FromSeconds(30), Ct);
            }
            return (Ran: w.Result, Continued: Thread.CurrentThread.Name);
        }, Ct, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)).ToList();
        hold.Set();

        var ended = await Task.WhenAll(continuations).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.True(await held);
        Assert.All(ended, e =>
        {
            Assert.Equal("maas-sqlite-writer", e.Ran);
            Assert.NotEqual("maas-sqlite-writer", e.Continued);
        });
        Assert.Equal(41, (await StoredEventIdsAsync(database, Ct)).Count);
    }

    [Fact]
    public async Task WriteAsync_CancelledWhileQueued_CancelledAndNotWrittenWhileTheOthersCommit()
    {
        var (database, _, _) = SqliteDatabase.Open(new SqliteStorageOptions { Path = Path.Combine(_folder.Path, "x.db") }, TestData.Privacy, NullLogger.Instance);
        await using var _d = database;
        using var hold = new ManualResetEventSlim();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var held = database.WriteAsync((_, _) => hold.Wait(TimeSpan.FromMinutes(1)), Ct).AsTask();
        var cancelled = database.WriteAsync((_, _) => database.WriterCommands.InsertEvent("t", "cancelled", "u", 1, "i", "play", 1, 1_000, null), cancel.Token).AsTask();
        var kept = database.WriteAsync((_, _) => database.WriterCommands.InsertEvent("t", "kept", "u", 1, "i", "play", 1, 2_000, null), Ct).AsTask();

        await cancel.CancelAsync();
        hold.Set();

        await Assert.ThrowsAsync<TaskCanceledException>(() => cancelled.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.True(await held);
        Assert.True(await kept);
        Assert.Equal(["kept"], await StoredEventIdsAsync(database, Ct));
    }

    [Fact]
    public async Task WriteStatementAsync_StatementsOfAGroupFail_DatabaseFailureIsAnUnavailableResultOtherExceptionsThrowTheRestCommit()
    {
        var logger = new RecordingLogger<SqliteDatabaseTests>();
        var (database, _, _) = SqliteDatabase.Open(new SqliteStorageOptions { Path = Path.Combine(_folder.Path, "s.db") }, TestData.Privacy, logger);
        await using var _d = database;
        using var hold = new ManualResetEventSlim();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        // The writer is held, so the statements queue up and share one group (and its commit).
        var held = database.WriteAsync((_, _) => hold.Wait(TimeSpan.FromMinutes(1)), Ct).AsTask();
        // A statement fails as a whole (before it writes anything), as the writer's contract for single statements asks.
        Task<Result<int>> Statement(int i, Exception? failure, CancellationToken ct) => database.WriteStatementAsync("append test", (_, _) =>
        {
            if (failure is not null)
            {
                throw failure;
            }
            database.WriterCommands.InsertEvent("t", $"e{i}", "u", 1, "i", "play", 1, 1_000 + i, null);
            return i;
        }, ct).AsTask();
        var statements = new[]
        {
            Statement(0, null, Ct), Statement(1, new Microsoft.Data.Sqlite.SqliteException("disk I/O error", 10), Ct),
            Statement(2, new InvalidOperationException("not the database's"), Ct), Statement(3, null, cancel.Token), Statement(4, null, Ct),
        };
        await cancel.CancelAsync();
        hold.Set();
        await Task.WhenAll(statements.Select(w => w.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.True(await held);
        Assert.Equal(0, (await statements[0]).Value);
        var failed = await statements[1];
        Assert.Equal(ErrorCode.DependencyUnavailable, failed.Error?.Code);
        Assert.Equal("SQLite append test failed (code 10)", failed.Error?.Message);
        Assert.Single(logger.Entries, e => e.Event.Id == 4001);
        await Assert.ThrowsAsync<InvalidOperationException>(() => statements[2]);
        await Assert.ThrowsAsync<TaskCanceledException>(() => statements[3]);
        Assert.Equal(4, (await statements[4]).Value);
        Assert.Equal(["e0", "e4"], await StoredEventIdsAsync(database, Ct));
    }

    [Fact]
    public async Task WriteAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var (database, _, _) = SqliteDatabase.Open(new SqliteStorageOptions { Path = Path.Combine(_folder.Path, "d.db") }, TestData.Privacy, NullLogger.Instance);
        await database.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => database.WriteAsync((_, _) => 1, TestContext.Current.CancellationToken).AsTask());
    }

    [Fact]
    public async Task AppendAsync_AfterDispose_UnavailableError()
    {
        var storage = (await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = Path.Combine(_folder.Path, "s.db") }, cancellationToken: TestContext.Current.CancellationToken)).Value;
        await storage.DisposeAsync();

        var result = await storage.Events.AppendAsync("t", [TestData.Event("a")], TestContext.Current.CancellationToken);

        Assert.Equal(ErrorCode.DependencyUnavailable, result.Error?.Code);
    }

    public void Dispose() => _folder.Dispose();

    private static async Task<List<string>> StoredEventIdsAsync(SqliteDatabase database, CancellationToken ct)
    {
        var stored = new List<string>();
        await foreach (var batch in new SqliteEventStore(database, TestData.Privacy).StreamAllAsync("t", cancellationToken: ct))
        {
            stored.AddRange(batch.Select(e => e.EventId));
        }

        return stored;
    }
}
