using Microsoft.Extensions.Hosting;

namespace MaaS.Services.Recommendations.Events;

/// <summary>
/// Deletes expired events in the background: every <see cref="RetentionOptions.Interval"/>, for each tenant with users
/// (and each tenant named in <see cref="RetentionOptions.Tenants"/>), the events older than its maximum age, in batches
/// of <see cref="RetentionOptions.BatchSize"/>. The store removes users left without events; cached histories of the
/// tenant are dropped, a loaded tenant is marked dirty and a durable rebuild is queued (<see cref="RebuildQueue"/>), so
/// the next build leaves the purged events out of the index. The attribution report's hourly counts of the hours that
/// end before the same cutoff go with them (<see cref="IRecommendationCountStore.PurgeBeforeAsync"/>), for every tenant
/// that has counts, events or not. Thread-safe; one per process.
/// </summary>
internal sealed partial class EventRetention(
    IEventStore events, IStorage storage, UserHistoryCache histories, TenantStates tenants, RebuildQueue rebuilds, IOptions<RetentionOptions> options, TimeProvider time,
    ILogger<EventRetention> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.MaxEventAge is null && settings.Tenants.Count == 0)
        {
            return;
        }
        // Out-of-range settings are brought into range rather than left to fail every pass.
        var every = settings.Interval < TimeSpan.FromSeconds(0.1) ? TimeSpan.FromSeconds(0.1) : settings.Interval;
        await RetentionSchedule.RunAsync(every, time, PurgeAsync, stoppingToken).ConfigureAwait(false);
    }

    /// <summary>One pass over every tenant; returns the events deleted per tenant (tenants with none left out).</summary>
    public async Task<IReadOnlyDictionary<string, long>> PurgeAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        int batch = Math.Clamp(settings.BatchSize, 1, StorageLimits.MaxReadLimit);
        var deleted = new Dictionary<string, long>(StringComparer.Ordinal);
        var listed = await events.ListTenantsAsync(cancellationToken).ConfigureAwait(false);
        if (!listed.TryGetValue(out var known, out var error))
        {
            LogFailed(logger, error.Message);
            return deleted;
        }
        var counted = await storage.RecommendationCounts.ListTenantsAsync(cancellationToken).ConfigureAwait(false);
        if (!counted.TryGetValue(out var withCounts, out error))
        {
            LogFailed(logger, error.Message);
            withCounts = [];
        }
        var now = time.GetUtcNow();
        foreach (var tenant in known.Union(settings.Tenants.Keys, StringComparer.Ordinal).Union(withCounts, StringComparer.Ordinal))
        {
            if (settings.MaxAgeOf(tenant) is not { } age || age <= TimeSpan.Zero)
            {
                continue;
            }
            if (!(await storage.RecommendationCounts.PurgeBeforeAsync(tenant, now - age, cancellationToken).ConfigureAwait(false)).TryGetValue(out _, out error))
            {
                LogFailed(logger, error.Message);
            }
            var (total, failure) = await BatchedDelete.RunAsync(size => events.PurgeBeforeAsync(tenant, now - age, size, cancellationToken), batch).ConfigureAwait(false);
            if (failure is not null)
            {
                LogFailed(logger, failure.Message);
            }
            if (total > 0)
            {
                deleted[tenant] = total;
                histories.InvalidateTenant(tenant);
                tenants.All.FirstOrDefault(s => s.Tenant == tenant)?.MarkDirty();
                // The serving index still counts the purged events: rebuild it (joins a queued rebuild).
                await rebuilds.SubmitAsync(tenant, RebuildTrigger.Retention, cancellationToken).ConfigureAwait(false);
                LogPurged(logger, tenant, total);
            }
        }
        return deleted;
    }

    [LoggerMessage(EventId = 3501, Level = LogLevel.Information, Message = "Retention purged {Events} expired events of tenant {Tenant}")]
    private static partial void LogPurged(ILogger logger, string tenant, long events);

    [LoggerMessage(EventId = 3502, Level = LogLevel.Warning, Message = "Retention purge failed: {Reason}; retried at the next pass")]
    private static partial void LogFailed(ILogger logger, string reason);
}
