using MaaS.Core;
using MaaS.Services.Recommendations.Index;
using MaaS.Services.Recommendations.Tenants;
using MaaS.Storage.Abstractions;
using Microsoft.Extensions.Logging;

namespace MaaS.Services.Recommendations.Events;

/// <summary>
/// Privacy erasure of one user: every stored event goes, the cached history is dropped before the caller is answered,
/// and, when events were erased, the tenant's index is rebuilt without them in the background (the similarities carry
/// the user's co-occurrences until then). Thread-safe.
/// </summary>
internal sealed partial class UserErasure(
    IEventStore events, UserHistoryCache histories, TenantStates tenants, IndexRebuildService rebuild, UserIdHasher hasher, ILogger<UserErasure> logger)
{
    public async ValueTask<Result<EraseResult>> EraseAsync(string tenant, string userId, CancellationToken cancellationToken)
    {
        var erased = await events.EraseUserAsync(tenant, userId, cancellationToken).ConfigureAwait(false);
        if (!erased.TryGetValue(out var result, out var error))
        {
            return error.Code == ErrorCode.InvalidRequest
                ? Error.Invalid(StoreProblems.For(error, "id"))
                : new Error(ErrorCode.DependencyUnavailable, "the event store is unavailable; nothing was erased");
        }

        histories.Invalidate(tenant, userId);
        LogErased(logger, hasher.Hash(userId), result.EventsDeleted);
        if (result.EventsDeleted > 0)
        {
            (await tenants.GetAsync(tenant, cancellationToken).ConfigureAwait(false)).MarkDirty();
            rebuild.Request(tenant);
        }

        return result;
    }

    [LoggerMessage(EventId = 3401, Level = LogLevel.Information, Message = "Erased user {UserHash}: {Events} events")]
    private static partial void LogErased(ILogger logger, string userHash, long events);
}
