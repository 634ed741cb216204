using Microsoft.Extensions.Hosting;

namespace MaaS.Services.Recommendations.Tenants;

/// <summary>
/// Keeps every loaded tenant's trending counts current with the store's event log, whichever replica took the events:
/// waits until this replica stores events, the store reports another process's (PostgreSQL NOTIFY, through
/// <see cref="IEventStore.UserChanges"/>) or <see cref="RecommendationOptions.TrendingPollSeconds"/> passes, then reads
/// one settled head for all tenants and has each fold in its events up to it (<see cref="TrendingCounts.CatchUpAsync"/>).
/// Reads at most every <see cref="MinimumGap"/>, so a busy log costs a few reads a second, never one per batch; a
/// lost notification costs one poll. A failed read is logged and tried again at the next wake-up.
/// </summary>
internal sealed partial class TrendingFollower(
    IEventStore events, TenantStates tenants, IOptions<RecommendationOptions> options, TimeProvider time, ILogger<TrendingFollower> logger) : BackgroundService
{
    /// <summary>The shortest time between two reads of the log.</summary>
    public static readonly TimeSpan MinimumGap = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.TrendingPollSeconds);
        events.UserChanges.Subscribe((_, _) => tenants.EventsStored());
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await tenants.WaitForEventsAsync(interval, stoppingToken).ConfigureAwait(false);
                await FollowAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(MinimumGap, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One read: every loaded tenant counts its events up to the store's settled head, at the clock's hour.</summary>
    public async Task FollowAsync(CancellationToken cancellationToken)
    {
        var loaded = tenants.All.Where(s => s.IsLoaded).ToList();
        if (loaded.Count == 0)
        {
            return;
        }

        var head = await events.GetFeedHeadAsync(cancellationToken).ConfigureAwait(false);
        if (!head.IsSuccess)
        {
            LogReadFailed(logger, head.Error.Message);
            return;
        }

        var now = time.GetUtcNow();
        foreach (var state in loaded)
        {
            var counted = await state.Trending.CatchUpAsync(head.Value, now, cancellationToken).ConfigureAwait(false);
            if (!counted.IsSuccess)
            {
                LogReadFailed(logger, counted.Error.Message);
            }
        }
    }

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "The event log could not be read for trending ({Reason}); trying again at the next events or poll")]
    private static partial void LogReadFailed(ILogger logger, string reason);
}
