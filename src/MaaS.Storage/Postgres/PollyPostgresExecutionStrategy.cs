using Polly;
using Polly.Retry;

namespace MaaS.Storage.Postgres;

/// <summary>
/// Retries transient PostgreSQL failures (a restart, a failover, a dropped pooled connection) with exponential backoff
/// and jitter, about 10 s in all, which covers a server restart. Safe because every store operation is idempotent (see
/// <see cref="IPostgresExecutionStrategy"/>). Registered by <c>AddPostgresResilience</c>; SQLite is untouched.
/// Thread-safe: one immutable pipeline shared by all callers.
/// </summary>
public sealed partial class PollyPostgresExecutionStrategy : IPostgresExecutionStrategy
{
    private readonly ResiliencePipeline _pipeline;

    public PollyPostgresExecutionStrategy(ILogger<PollyPostgresExecutionStrategy> logger)
    {
        _pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                MaxRetryAttempts = 8,
                Delay = TimeSpan.FromMilliseconds(100),
                MaxDelay = TimeSpan.FromSeconds(2),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    LogRetry(logger, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.GetType().Name ?? "none");
                    return default;
                },
            })
            .Build();
    }

    public ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(operation, cancellationToken);

    /// <summary>Connection-level failures and the server's own "shutting down / starting up / too many clients" states.</summary>
    internal static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException pg => pg.IsTransient || pg.SqlState is "57P01" or "57P02" or "57P03" or "53300" || pg.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException npgsql => npgsql.IsTransient,
        System.Net.Sockets.SocketException or IOException or TimeoutException => true,
        _ => false,
    };

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning,
        Message = "PostgreSQL transient failure ({ExceptionType}); retry {Attempt} in {DelayMilliseconds:0} ms")]
    private static partial void LogRetry(ILogger logger, int attempt, double delayMilliseconds, string exceptionType);
}
