namespace MaaS.Services.Recommendations.Events;

/// <summary>
/// Privacy erasure of one user: every stored event goes and the cached history is dropped before the caller is
/// answered, so the user's own history and recommendations are empty at once. The item-item similarities still carry
/// the user's co-occurrences until the tenant's next build: erasure marks the tenant dirty and asks for a coalesced
/// rebuild (<see cref="RebuildJobs"/>; a burst of erasures is one build), never a build per user. Thread-safe.
/// </summary>
internal sealed partial class UserErasure(
    IEventStore events, UserHistoryCache histories, TenantStates tenants, RebuildJobs rebuilds, UserIdHasher hasher, ILogger<UserErasure> logger)
{
    public async ValueTask<Result<EraseResult>> EraseAsync(string tenant, string userId, CancellationToken cancellationToken)
    {
        var erased = await events.EraseUserAsync(tenant, userId, cancellationToken).ConfigureAwait(false);
        if (!erased.TryGetValue(out var result, out var error))
        {
            return StoreProblems.ToApiError(error, "id", "the event store is unavailable; nothing was erased");
        }

        histories.Invalidate(tenant, userId);
        LogErased(logger, hasher.Hash(userId), result.EventsDeleted);
        if (result.EventsDeleted > 0)
        {
            (await tenants.GetAsync(tenant, cancellationToken).ConfigureAwait(false)).MarkDirty();
            // Refused only while the service stops: the events are gone either way, the similarities keep the user's
            // contribution until the tenant's next build.
            rebuilds.Enqueue(tenant, RebuildTrigger.Erasure);
        }

        return result;
    }

    [LoggerMessage(EventId = 3401, Level = LogLevel.Information, Message = "Erased user {UserHash}: {Events} events")]
    private static partial void LogErased(ILogger logger, string userHash, long events);
}
