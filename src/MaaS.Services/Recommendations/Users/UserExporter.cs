namespace MaaS.Services.Recommendations.Users;

/// <summary>
/// A user's data export (the right of access): every stored event of the user, however many, with every field as it
/// was sent, and the profile derived from them (<see cref="UserAnalyzer"/> over all of them). Nothing else about a user
/// is stored: the user row holds only the pseudonym, and first and last seen are the ends of the events. A user without
/// stored events (never seen, or erased) gets the empty export, not a 404: "nothing is held about you" is the answer to
/// a right-of-access request, and <c>/analysis</c> answers such a user with the empty profile too. Thread-safe.
/// </summary>
internal sealed class UserExporter(IEventStore events, UserAnalyzer analyzer)
{
    public async ValueTask<Result<UserExportResponse>> ExportAsync(string tenant, string userId, CancellationToken cancellationToken)
    {
        var read = await events.GetUserEventsAsync(tenant, userId, cancellationToken).ConfigureAwait(false);
        if (!read.TryGetValue(out var history, out var error))
        {
            return StoreProblems.ToApiError(error, "id", "the event store is unavailable");
        }

        var profile = await analyzer.ProfileAsync(tenant, history, RecommendationLimits.DefaultTrendDays, cancellationToken).ConfigureAwait(false);
        var exported = new ExportedEvent[history.Count];
        for (var i = 0; i < exported.Length; i++)
        {
            var e = history[i];
            exported[i] = new ExportedEvent(e.EventId, e.ItemId, e.Type, e.Value, e.Timestamp, e.RecommendationId);
        }
        return history.Count == 0
            ? new UserExportResponse(userId, null, null, exported, profile)
            : new UserExportResponse(userId, history[^1].Timestamp, history[0].Timestamp, exported, profile);
    }
}
