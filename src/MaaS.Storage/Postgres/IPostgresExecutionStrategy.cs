namespace MaaS.Storage.Postgres;

/// <summary>
/// The seam for transient-fault handling: every PostgreSQL operation (connection open included) runs through
/// <see cref="ExecuteAsync{T}"/>. All store operations are idempotent (appends dedupe by event id, upserts and erases
/// converge), so a strategy may retry any of them. The signature matches Polly's
/// <c>ResiliencePipeline.ExecuteAsync</c>, so an adapter is one line. Implementations must be thread-safe.
/// </summary>
public interface IPostgresExecutionStrategy
{
    ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken);
}

/// <summary>Runs each operation once: failures become <c>Unavailable</c> error values.</summary>
public sealed class DirectExecutionStrategy : IPostgresExecutionStrategy
{
    public static DirectExecutionStrategy Instance { get; } = new();

    public ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken) =>
        operation(cancellationToken);
}
