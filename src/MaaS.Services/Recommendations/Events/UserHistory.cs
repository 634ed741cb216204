namespace MaaS.Services.Recommendations.Events;

/// <summary>
/// A user's history as recommendations use it: the scoring window aggregated per item, newest item first, and every
/// item consumed before the window. Immutable; shared between requests.
/// </summary>
/// <param name="ItemIds">Distinct items of the window (the newest <see cref="RecommendationOptions.HistoryLimit"/> events).</param>
/// <param name="Weights">Summed event weight per item of the window.</param>
/// <param name="Events">Events of the window.</param>
/// <param name="Earlier">Items with events only before the window, in ordinal order: never recommended again, but not
/// scored either (the window alone decides what the user is into now).</param>
internal sealed record UserHistory(string[] ItemIds, float[] Weights, int Events, string[] Earlier)
{
    /// <summary>
    /// Aggregates a window read from the store (newest first, as <see cref="IEventStore.GetUserHistoryAsync"/> returns
    /// it): each item once, at its newest event's position, with the summed weight of its events. The order is the
    /// order scores are summed in, so the same events give bit-identical scores whoever reads them.
    /// </summary>
    /// <param name="newestFirst">The window.</param>
    /// <param name="weights">Event weights.</param>
    /// <param name="consumed">Every item the user has an event of (<see cref="IEventStore.GetUserItemsAsync"/>); null
    /// when the window holds all of the user's events.</param>
    public static UserHistory Aggregate(IReadOnlyList<InteractionEvent> newestFirst, EventWeights weights, IEnumerable<string>? consumed = null)
    {
        var positions = new Dictionary<string, int>(newestFirst.Count, StringComparer.Ordinal);
        var ids = new List<string>(newestFirst.Count);
        var summed = new List<float>(newestFirst.Count);
        foreach (var e in newestFirst)
        {
            float w = weights.Of(e.Type, e.Value);
            if (positions.TryGetValue(e.ItemId, out int at))
            {
                summed[at] += w;
            }
            else
            {
                positions.Add(e.ItemId, ids.Count);
                ids.Add(e.ItemId);
                summed.Add(w);
            }
        }

        string[] earlier = consumed is null ? [] : [.. consumed.Where(id => !positions.ContainsKey(id)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        return new UserHistory([.. ids], [.. summed], newestFirst.Count, earlier);
    }
}
