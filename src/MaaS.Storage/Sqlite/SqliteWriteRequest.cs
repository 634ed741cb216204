namespace MaaS.Storage.Sqlite;

/// <summary>A write waiting for the single writer thread; completed after the commit that contains it.</summary>
internal abstract class SqliteWriteRequest(bool singleStatement, CancellationToken cancellationToken)
{
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>
    /// The work is one statement: SQLite undoes a failed statement by itself and leaves the transaction open, so the
    /// request needs no savepoint of its own in a group, and many of them fit in one group.
    /// </summary>
    public bool SingleStatement { get; } = singleStatement;

    /// <summary>Runs the work inside the group's transaction (within its own savepoint).</summary>
    public abstract void Run(SqliteConnection connection, SqliteTransaction transaction);

    public abstract void Succeed();

    public abstract void Fail(Exception exception);

    public abstract void Cancel();
}

internal sealed class SqliteWriteRequest<T>(Func<SqliteConnection, SqliteTransaction, T> work, bool singleStatement, CancellationToken cancellationToken)
    : SqliteWriteRequest(singleStatement, cancellationToken)
{
    // Continuations run on the thread pool, never on the writer thread, so callers cannot stall the next commit.
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _result;

    public Task<T> Task => _completion.Task;

    public override void Run(SqliteConnection connection, SqliteTransaction transaction) => _result = work(connection, transaction);

    public override void Succeed() => _completion.TrySetResult(_result!);

    public override void Fail(Exception exception) => _completion.TrySetException(exception);

    public override void Cancel() => _completion.TrySetCanceled(CancellationToken);
}
