using MaaS.Recommendations.Ranking;
using RecEvent = MaaS.Recommendations.Interactions.InteractionEvent;

namespace MaaS.Services.Recommendations.Index;

/// <summary>
/// How stored events become an item-CF index: each event weighed by <see cref="EventWeights"/> (events weighing 0 or
/// less, such as skips, stay out of the similarities), the preset of <see cref="RecommendationOptions.Preset"/> with its
/// popularity half-life, and the statistics the build saw. The one recipe of the gateway's rebuild and of
/// <c>maas evaluate</c>, so both score with the same index. Add events in arrival order; not thread-safe.
/// </summary>
internal sealed class IndexTraining(EventWeights weights)
{
    private readonly List<RecEvent> _weighted = [];
    private readonly Dictionary<string, int> _itemEvents = new(StringComparer.Ordinal);
    private readonly HashSet<string> _users = new(StringComparer.Ordinal);

    /// <summary>Events added (all types).</summary>
    public long Events { get; private set; }

    /// <summary>Events that carry positive weight into the similarities.</summary>
    public int Weighted => _weighted.Count;

    /// <summary>Distinct users (and sessions) added.</summary>
    public int Users => _users.Count;

    /// <summary>Distinct items the added events name.</summary>
    public IEnumerable<string> ItemIds => _itemEvents.Keys;

    public void Add(InteractionEvent e)
    {
        Events++;
        _users.Add(e.UserId);
        _itemEvents[e.ItemId] = _itemEvents.GetValueOrDefault(e.ItemId) + 1;
        float w = weights.Of(e.Type, e.Value);
        if (w > 0f)
        {
            _weighted.Add(new RecEvent(e.UserId, e.ItemId, w, e.Timestamp.ToUnixTimeSeconds()));
        }
    }

    /// <summary>The build settings the options ask for (an unknown preset name builds the default).</summary>
    public static IndexBuildOptions Settings(RecommendationOptions options) =>
        WithHalfLife(IndexBuildOptions.Preset(options.Preset) ?? IndexBuildOptions.Default, options);

    /// <summary><paramref name="preset"/> with the options' popularity half-life (0 days: every event counts the same).</summary>
    public static IndexBuildOptions WithHalfLife(IndexBuildOptions preset, RecommendationOptions options) =>
        options.PopularityHalfLifeDays > 0 ? preset with { PopularityHalfLifeSeconds = options.PopularityHalfLifeDays * 86_400 } : preset;

    /// <summary>Builds the index (CPU-bound; callers on a request path run it on the thread pool); a cancelled build
    /// throws <see cref="OperationCanceledException"/> within one item range (ease: one pivot).</summary>
    public ItemIndex Build(IndexBuildOptions settings, IReadOnlyList<ItemMetadata> catalogue, CancellationToken cancellationToken = default) =>
        ItemIndex.Build(_weighted, settings, catalogue, cancellationToken);

    /// <summary>What the build saw, for <c>stats.json</c>.</summary>
    public IndexStats Stats(DateTimeOffset builtAt) => new(Events, _users.Count, builtAt, _itemEvents);
}
