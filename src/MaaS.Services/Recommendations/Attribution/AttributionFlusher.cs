using Microsoft.Extensions.Hosting;

namespace MaaS.Services.Recommendations.Attribution;

/// <summary>
/// Writes <see cref="AttributionTally"/>'s counts to <see cref="IRecommendationCountStore"/> every
/// <see cref="RecommendationOptions.AttributionFlushSeconds"/> and once more when the host stops (before the storage
/// closes: hosted services stop before singletons are disposed), so a graceful restart loses nothing and replicas over
/// one database sum. A failed write puts the counts back for the next flush; a stop after the store closed finds it
/// unavailable and logs what it could not write. Thread-safe; one per process.
/// </summary>
internal sealed partial class AttributionFlusher(
    AttributionTally tally, IStorage storage, IOptions<RecommendationOptions> options, TimeProvider time, ILogger<AttributionFlusher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.AttributionFlushSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await FlushAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync writes what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes every count taken so far; returns how many rows were added (0 when the write failed: the counts wait for the next flush).</summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken)
    {
        // Flushes need no lock: each takes the counts it drains, so two at once write disjoint counts.
        var rows = tally.Drain();
        int written = 0;
        for (int start = 0; start < rows.Count; start += StorageLimits.MaxReadLimit)
        {
            var chunk = rows.GetRange(start, Math.Min(StorageLimits.MaxReadLimit, rows.Count - start));
            Result<int> added;
            try
            {
                added = await storage.RecommendationCounts.AddAsync(chunk, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                tally.Restore(rows.Skip(start));
                throw;
            }

            if (!added.TryGetValue(out int count, out var error))
            {
                tally.Restore(rows.Skip(start));
                LogFailed(logger, rows.Count - start, error.Message);
                return written;
            }

            written += count;
        }

        return written;
    }

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Writing {Rows} attribution counts failed: {Reason}; kept for the next flush")]
    private static partial void LogFailed(ILogger logger, int rows, string reason);
}
