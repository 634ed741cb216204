using MaaS.Storage.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace MaaS.Storage.Postgres;

/// <summary>
/// Readiness of the database: one <c>SELECT 1</c> over a small pool of its own with a short timeout, never retried,
/// so a host's readiness turns unhealthy while PostgreSQL is unreachable and healthy again once it answers. Healthy on
/// SQLite (an embedded file has no outage of its own). Registered by <c>AddPostgresResilience</c>; the host adds it to
/// its health checks under its own name and tags. Thread-safe; disposes its pool with the container.
/// </summary>
public sealed class PostgresHealthCheck : IHealthCheck, IAsyncDisposable
{
    private readonly NpgsqlDataSource? _dataSource;

    public PostgresHealthCheck(IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
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
