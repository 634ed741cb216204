using MaaS.Storage.Postgres;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Polly;
using Polly.Retry;

namespace MaaS.Gateway.Hosting;

/// <summary>
/// PostgreSQL resilience for replicas: transient faults (a restart, a failover, a dropped pooled connection) are
/// retried with backoff through the storage's <see cref="IPostgresExecutionStrategy"/> seam, and readiness reports a
/// database the gateway cannot reach. SQLite is untouched.
/// </summary>
internal static class StorageResilienceExtensions
{
    /// <summary>Every store runs through the strategy registered here: the storage host takes it when it opens the database.</summary>
    public static IServiceCollection AddStorageResilience(this IServiceCollection services)
    {
        services.AddSingleton<IPostgresExecutionStrategy, PollyPostgresExecutionStrategy>();
        services.AddSingleton<PostgresHealthCheck>();
        services.AddHealthChecks()
            .AddCheck<PostgresHealthCheck>("storage", tags: [ServerEndpoints.ReadyTag]);
        return services;
    }
}

/// <summary>
/// Retries transient PostgreSQL failures with exponential backoff and jitter, about 10 s in all, which covers a
/// server restart. Safe because every store operation is idempotent (see <see cref="IPostgresExecutionStrategy"/>).
/// Thread-safe: one immutable pipeline shared by all callers.
/// </summary>
internal sealed partial class PollyPostgresExecutionStrategy : IPostgresExecutionStrategy
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

/// <summary>
/// Readiness of the database: one <c>SELECT 1</c> over a small pool of its own with a short timeout, never retried,
/// so /v2/health/ready turns 503 while PostgreSQL is unreachable and 200 again once it answers. Healthy on SQLite
/// (an embedded file has no outage of its own). Thread-safe; disposes its pool with the container.
/// </summary>
internal sealed class PostgresHealthCheck : IHealthCheck, IAsyncDisposable
{
    private readonly NpgsqlDataSource? _dataSource;

    public PostgresHealthCheck(IOptions<StorageOptions> options)
    {
        var storage = options.Value;
        if (storage.Provider != StorageProvider.Postgres || string.IsNullOrEmpty(storage.Postgres.ConnectionString))
        {
            return;
        }

        var connection = new NpgsqlConnectionStringBuilder(storage.Postgres.ConnectionString)
        {
            Timeout = 2,
            CommandTimeout = 2,
            MaxPoolSize = 2,
            ApplicationName = "maas-health",
        };
        _dataSource = NpgsqlDataSource.Create(connection);
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_dataSource is null)
        {
            return HealthCheckResult.Healthy("sqlite");
        }

        try
        {
            await using var command = _dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("postgres");
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or System.Net.Sockets.SocketException)
        {
            // The exception text can carry host names: report the type only.
            return HealthCheckResult.Unhealthy($"postgres unreachable ({e.GetType().Name})");
        }
    }

    public ValueTask DisposeAsync() => _dataSource?.DisposeAsync() ?? default;
}
