using MaaS.Storage.Abstractions;

namespace MaaS.Services.Recommendations.Events;

/// <summary>A user's history aggregated per item, newest item first. Immutable; shared between requests.</summary>
/// <param name="ItemIds">Distinct items.</param>
/// <param name="Weights">Summed event weight per item.</param>
/// <param name="Events">Events it was made from.</param>
internal sealed record UserHistory(string[] ItemIds, float[] Weights, int Events)
{
    /// <summary>
    /// Aggregates a history read from the store (newest first, as <see cref="IEventStore.GetUserHistoryAsync"/> returns
    /// it): each item once, at its newest event's position, with the summed weight of its events. The order is the
    /// order scores are summed in, so the same events give bit-identical scores whoever reads them.
    /// </summary>
    public static UserHistory Aggregate(IReadOnlyList<InteractionEvent> newestFirst, EventWeights weights)
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

        return new UserHistory([.. ids], [.. summed], newestFirst.Count);
    }
}
