using System.Net.Sockets;

namespace MaaS.Storage.Postgres;

/// <summary>
/// The pooled data source, the quoted schema name and the execution strategy every operation runs through.
/// PostgreSQL handles concurrent writers itself, so unlike SQLite no in-process write lock is needed.
/// </summary>
internal sealed class PostgresDatabase(NpgsqlDataSource dataSource, string quotedSchema, IPostgresExecutionStrategy strategy, ILogger logger)
    : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    /// <summary>The schema as a quoted identifier, validated at open; safe to splice into SQL.</summary>
    public string Schema { get; } = quotedSchema;

    /// <summary>
    /// Opens a pooled connection and runs <paramref name="work"/> through the execution strategy; database failures
    /// become <see cref="ErrorCode.DependencyUnavailable"/>. Cancellation propagates as an exception.
    /// </summary>
    public async ValueTask<Result<T>> RunAsync<T>(
        string operation, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            var value = await strategy.ExecuteAsync(async ct =>
            {
                await using var connection = await DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
                return await work(connection, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            return Result<T>.Ok(value);
        }
        catch (Exception ex) when (IsDatabaseFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            StorageLog.OperationFailed(logger, "postgres", operation, ex);
            var code = ex is PostgresException pg ? pg.SqlState : ex.GetType().Name;
            return Error.Unavailable($"PostgreSQL {operation} failed ({code})");
        }
    }

    public static bool IsDatabaseFailure(Exception exception) =>
        exception is NpgsqlException or SocketException or TimeoutException or IOException or InvalidOperationException;

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
