using Microsoft.Extensions.Hosting;

namespace MaaS.Services.Jobs;

/// <summary>
/// Deletes jobs that ended more than <see cref="JobOptions.MaxEndedAgeSeconds"/> ago (a tenant's own age,
/// <see cref="JobOptions.TenantMaxEndedAgeSeconds"/>, for its jobs), in the background: a pass every tenth of the
/// shortest age (at least a second, at most ten minutes), each deleting in batches of at most <see cref="BatchSize"/>
/// jobs and <see cref="BatchInputBytes"/> of their inputs (a job's dataset or batch file goes with it) so it holds
/// SQLite's one writer only for short commits. Every replica may run it; the deletes are idempotent. Off when no age is
/// set. Thread-safe; one per process.
/// </summary>
internal sealed partial class JobRetention(IStorage storage, IOptions<JobOptions> options, TimeProvider time, ILogger<JobRetention> logger)
    : BackgroundService
{
    /// <summary>Jobs deleted per transaction.</summary>
    public const int BatchSize = 1_000;

    /// <summary>Bytes of the deleted jobs' inputs per transaction (a larger input goes alone): 64 MiB.</summary>
    public const long BatchInputBytes = 64L << 20;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Ages().Select(a => a.Seconds).DefaultIfEmpty().Min() is > 0 and var shortest
            ? RetentionSchedule.RunAsync(TimeSpan.FromSeconds(Math.Clamp(shortest / 10, 1, 600)), time, PurgeAsync, stoppingToken)
            : Task.CompletedTask;

    /// <summary>One pass: deletes every job that ended before its tenant's cutoff; returns how many (0 when no age is set).</summary>
    public async Task<long> PurgeAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        long total = 0;
        foreach (var (scope, seconds) in Ages())
        {
            var before = now - TimeSpan.FromSeconds(seconds);
            var (deleted, failure) = await BatchedDelete.RunAsync(
                batch => storage.Jobs.PurgeEndedBeforeAsync(scope, before, batch, BatchInputBytes, cancellationToken), BatchSize, untilNone: true).ConfigureAwait(false);
            if (failure is not null)
            {
                LogFailed(logger, failure.Message);
            }

            if (deleted > 0)
            {
                LogPurged(logger, deleted, before);
            }

            total += deleted;
        }

        return total;
    }

    // Each tenant with an age of its own, then every other tenant under the default age (when set).
    private IEnumerable<(JobScope Scope, double Seconds)> Ages()
    {
        var own = options.Value.TenantMaxEndedAgeSeconds;
        foreach (var (tenant, seconds) in own)
        {
            yield return (JobScope.Of(tenant), seconds);
        }

        if (options.Value.MaxEndedAgeSeconds is { } age)
        {
            yield return (own.Count == 0 ? JobScope.All : new JobScope { ExceptTenants = own.Keys }, age);
        }
    }

    [LoggerMessage(EventId = 4109, Level = LogLevel.Information, Message = "Job retention deleted {Count} job(s) that ended before {Before:o}")]
    private static partial void LogPurged(ILogger logger, long count, DateTimeOffset before);

    [LoggerMessage(EventId = 4110, Level = LogLevel.Warning, Message = "Job retention pass failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string error);
}
