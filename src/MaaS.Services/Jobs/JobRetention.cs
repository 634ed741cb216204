using Microsoft.Extensions.Hosting;

namespace MaaS.Services.Jobs;

/// <summary>
/// Deletes jobs that ended more than <see cref="JobOptions.MaxEndedAgeSeconds"/> ago, in the background: a pass every
/// tenth of that age (at least a second, at most ten minutes), each deleting in batches of at most
/// <see cref="BatchSize"/> jobs and <see cref="BatchInputBytes"/> of their inputs (a job's dataset or batch file goes
/// with it) so it holds SQLite's one writer only for short commits. Every replica may run it; the
/// deletes are idempotent. Off when the setting is unset. Thread-safe; one per process.
/// </summary>
internal sealed partial class JobRetention(IStorage storage, IOptions<JobOptions> options, TimeProvider time, ILogger<JobRetention> logger)
    : BackgroundService
{
    /// <summary>Jobs deleted per transaction.</summary>
    public const int BatchSize = 1_000;

    /// <summary>Bytes of the deleted jobs' inputs per transaction (a larger input goes alone): 64 MiB.</summary>
    public const long BatchInputBytes = 64L << 20;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.MaxEndedAgeSeconds is { } seconds
            ? RetentionSchedule.RunAsync(TimeSpan.FromSeconds(Math.Clamp(seconds / 10, 1, 600)), time, PurgeAsync, stoppingToken)
            : Task.CompletedTask;

    /// <summary>One pass: deletes every job that ended before the cutoff; returns how many (0 when the setting is unset).</summary>
    public async Task<long> PurgeAsync(CancellationToken cancellationToken)
    {
        if (options.Value.MaxEndedAgeSeconds is not { } seconds)
        {
            return 0;
        }

        var before = time.GetUtcNow() - TimeSpan.FromSeconds(seconds);
        var (deleted, failure) = await BatchedDelete.RunAsync(
            batch => storage.Jobs.PurgeEndedBeforeAsync(before, batch, BatchInputBytes, cancellationToken), BatchSize, untilNone: true).ConfigureAwait(false);
        if (failure is not null)
        {
            LogFailed(logger, failure.Message);
        }

        if (deleted > 0)
        {
            LogPurged(logger, deleted, before);
        }

        return deleted;
    }

    [LoggerMessage(EventId = 4109, Level = LogLevel.Information, Message = "Job retention deleted {Count} job(s) that ended before {Before:o}")]
    private static partial void LogPurged(ILogger logger, long count, DateTimeOffset before);

    [LoggerMessage(EventId = 4110, Level = LogLevel.Warning, Message = "Job retention pass failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string error);
}
