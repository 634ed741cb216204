using System.Diagnostics.Metrics;

namespace MaaS.Services.Recommendations.Serving;

/// <summary>
/// Online measures of recommendation quality, as Prometheus counters (meter <see cref="MeterName"/>): the items every
/// answer served, by source, and the events newly stored that an app attributed to an answer (its
/// <c>recommendationId</c>), by type. Their ratio over a window is the click-through (or play-through) rate of the
/// recommendations, per replica and summed over replicas by Prometheus, with no per-request state kept here.
/// Thread-safe.
/// </summary>
internal sealed class RecommendationMetrics : IDisposable
{
    /// <summary>The meter of the instruments; Prometheus prefixes their names with it (<c>maas_recommendations_…</c>).</summary>
    public const string MeterName = "MaaS.Recommendations";

    /// <summary>Event types counted under their own name; any other word counts as <c>other</c>, so an app's own types
    /// cannot grow the series without bound.</summary>
    private static readonly HashSet<string> NamedTypes = new(["view", "play", "like", "rate", "skip", "click", "purchase"], StringComparer.Ordinal);

    private readonly Meter? _ownMeter;
    private readonly Counter<long> _served;
    private readonly Counter<long> _attributed;

    public RecommendationMetrics(IMeterFactory? meters)
    {
        var meter = meters?.Create(MeterName) ?? (_ownMeter = new Meter(MeterName));
        _served = meter.CreateCounter<long>("served_items", "{item}", "Items served by /v1/recommend answers, by source (neighbours, content, trending, popular).");
        _attributed = meter.CreateCounter<long>(
            "attributed_events", "{event}", "Events newly stored with the recommendationId of the answer that showed the item, by type (view, play, like, rate, skip, click, purchase, other).");
    }

    /// <summary>Counts the items of one answer by source.</summary>
    public void Served(IReadOnlyList<RecommendedItemResponse> items)
    {
        if (!_served.Enabled)
        {
            return;
        }

        foreach (var item in items)
        {
            _served.Add(1, new KeyValuePair<string, object?>("source", item.Source));
        }
    }

    /// <summary>Counts the attributed events of a batch that was stored whole (a batch of retries stores nothing new and
    /// counts nothing; one partly stored before is not counted, since which of its events are new is not known here).</summary>
    public void Stored(IReadOnlyList<InteractionEvent> batch)
    {
        if (!_attributed.Enabled)
        {
            return;
        }

        foreach (var e in batch)
        {
            if (e.RecommendationId is not null)
            {
                _attributed.Add(1, new KeyValuePair<string, object?>("type", NamedTypes.Contains(e.Type) ? e.Type : "other"));
            }
        }
    }

    public void Dispose() => _ownMeter?.Dispose();
}
