namespace MaaS.Storage.Sqlite;

/// <summary>A write waiting for the single writer thread; completed after the commit that contains it.</summary>
internal abstract class SqliteWriteRequest(CancellationToken cancellationToken)
{
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Runs the work inside the group's transaction (within its own savepoint).</summary>
    public abstract void Run(SqliteConnection connection, SqliteTransaction transaction);

    public abstract void Succeed();

    public abstract void Fail(Exception exception);

    public abstract void Cancel();
}

internal sealed class SqliteWriteRequest<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
    : SqliteWriteRequest(cancellationToken)
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
