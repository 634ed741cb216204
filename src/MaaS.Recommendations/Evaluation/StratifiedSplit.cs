namespace MaaS.Recommendations.Evaluation;

/// <summary>Per-user random split (microsoft/recommenders' <c>python_stratified_split</c>): each user keeps
/// round(ratio × n) of their events for training, chosen by a seeded shuffle. Deterministic for a seed.</summary>
public static class StratifiedSplit
{
    /// <summary>Splits events into (train, holdout).</summary>
    public static (List<InteractionEvent> Train, List<InteractionEvent> Holdout) Split(IReadOnlyList<InteractionEvent> events, double trainRatio, int seed)
    {
        ArgumentNullException.ThrowIfNull(events);
        var random = new Random(seed);
        var train = new List<InteractionEvent>();
        var holdout = new List<InteractionEvent>();
        foreach (var group in events.GroupBy(e => e.UserId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var list = group.ToArray();
            random.Shuffle(list);
            int cut = (int)Math.Round(trainRatio * list.Length, MidpointRounding.AwayFromZero);
            train.AddRange(list.Take(cut));
            holdout.AddRange(list.Skip(cut));
        }

        return (train, holdout);
    }
}
