namespace MaaS.Services.Recommendations.Users;

/// <summary>
/// A user's data export (the right of access): every stored event of the user, however many, with every field as it
/// was sent, and the profile derived from them (<see cref="UserAnalyzer"/> over all of them). Nothing else about a user
/// is stored: the user row holds only the pseudonym, and first and last seen are the ends of the events. Thread-safe.
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
        if (history.Count == 0)
        {
            return Error.NotFound("user");
        }

        var profile = await analyzer.ProfileAsync(tenant, history, RecommendationLimits.DefaultTrendDays, cancellationToken).ConfigureAwait(false);
        var exported = new ExportedEvent[history.Count];
        for (var i = 0; i < exported.Length; i++)
        {
            var e = history[i];
            exported[i] = new ExportedEvent(e.EventId, e.ItemId, e.Type, e.Value, e.Timestamp);
        }
        return new UserExportResponse(userId, history[^1].Timestamp, history[0].Timestamp, exported, profile);
    }
}
