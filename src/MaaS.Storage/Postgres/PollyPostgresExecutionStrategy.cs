using Polly;
using Polly.Retry;

namespace MaaS.Storage.Postgres;

/// <summary>
/// Retries transient PostgreSQL failures (a restart, a failover, a dropped pooled connection) with exponential backoff
/// and jitter, about 20 s in all (the delays 0.1, 0.2, 0.4, 0.8, 1.6 s, then 2 s each), which covers a server restart
/// on a busy machine: 10 s did not always (a restart test on a loaded 2-core CI box saw no call survive the outage).
/// EF Core's retrying strategies allow longer (6 retries up to 30 s each); readiness answers 503 meanwhile, so a load
/// balancer sends no new work to a replica whose calls are waiting here. Safe because every store operation is
/// idempotent (see <see cref="IPostgresExecutionStrategy"/>). Registered by <c>AddPostgresResilience</c>; SQLite is
/// untouched.
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
                MaxRetryAttempts = 14,
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

    [LoggerMessage(EventId = 4008, Level = LogLevel.Warning,
        Message = "PostgreSQL transient failure ({ExceptionType}); retry {Attempt} in {DelayMilliseconds:0} ms")]
    private static partial void LogRetry(ILogger logger, int attempt, double delayMilliseconds, string exceptionType);
}
