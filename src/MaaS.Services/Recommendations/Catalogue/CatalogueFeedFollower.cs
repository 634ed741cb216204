using Microsoft.Extensions.Hosting;

namespace MaaS.Services.Recommendations.Catalogue;

/// <summary>
/// Keeps this replica's in-memory catalogues (and their content indexes) current with the store, whichever replica
/// wrote: waits for the store's change signal (PostgreSQL LISTEN/NOTIFY, or this process's own writes) or
/// <see cref="RecommendationOptions.CatalogueFeedPollSeconds"/>, whichever comes first, reads the latest sequence, and
/// has every loaded tenant behind it catch up through <see cref="TenantState.CatchUpAsync"/> — the path the writing
/// replica takes too. A lost notification costs at most one poll interval, never a change; a failed read is logged and
/// tried again at the next wake-up. Tenants not loaded yet read the whole feed when first used.
/// </summary>
internal sealed partial class CatalogueFeedFollower(
    ICatalogStore catalog, TenantStates tenants, IOptions<RecommendationOptions> options, ILogger<CatalogueFeedFollower> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.CatalogueFeedPollSeconds);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await catalog.WaitForChangeAsync(interval, stoppingToken).ConfigureAwait(false);
                await FollowAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One look at the feed: every loaded tenant behind the store's latest sequence catches up.</summary>
    public async Task FollowAsync(CancellationToken cancellationToken)
    {
        var latest = await catalog.GetLatestSequenceAsync(cancellationToken).ConfigureAwait(false);
        if (!latest.IsSuccess)
        {
            LogReadFailed(logger, latest.Error.Message);
            return;
        }

        foreach (var state in tenants.All)
        {
            if (state.IsLoaded && state.CheckedThrough < latest.Value)
            {
                var caught = await state.CatchUpAsync(latest.Value, cancellationToken).ConfigureAwait(false);
                if (!caught.IsSuccess)
                {
                    LogReadFailed(logger, caught.Error.Message);
                }
            }
        }
    }

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "The catalogue change feed could not be read ({Reason}); trying again at the next change or poll")]
    private static partial void LogReadFailed(ILogger logger, string reason);
}
