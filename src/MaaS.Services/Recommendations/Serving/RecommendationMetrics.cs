using System.Diagnostics.Metrics;
using MaaS.Services.Recommendations.Attribution;

namespace MaaS.Services.Recommendations.Serving;

/// <summary>
/// Online measures of recommendation quality, exported at <c>/metrics</c> (meter <see cref="MeterName"/>): the items
/// the answers served, by source, and the events newly stored that an app attributed to an answer (its
/// <c>recommendationId</c>), by type. Their ratio over a window is the click-through (or play-through) rate of the
/// recommendations, per replica, summed over replicas by Prometheus. Running totals read at each scrape (observable
/// counters), so nothing counted before the first scrape is lost, and an answer costs a few interlocked adds. The same
/// counts per tenant and hour, summed over replicas in the store, are <see cref="AttributionTally"/>'s.
/// Thread-safe.
/// </summary>
internal sealed class RecommendationMetrics : IDisposable
{
    /// <summary>The meter of the instruments; Prometheus prefixes their names with it (<c>maas_recommendations_…</c>).</summary>
    public const string MeterName = "MaaS.Recommendations";

    private readonly long[] _served = new long[AttributionNames.Sources.Length];
    private readonly long[] _attributed = new long[AttributionNames.Types.Length];
    private readonly Meter? _ownMeter;

    public RecommendationMetrics(IMeterFactory? meters)
    {
        var meter = meters?.Create(MeterName) ?? (_ownMeter = new Meter(MeterName));
        meter.CreateObservableCounter("served_items", () => Read(_served, AttributionNames.Sources, "source"), "{item}",
            "Items served by /v1/recommend answers, by source (neighbours, content, trending, popular).");
        meter.CreateObservableCounter("attributed_events", () => Read(_attributed, AttributionNames.Types, "type"), "{event}",
            "Events newly stored with the recommendationId of the answer that showed the item, by type (view, play, like, rate, skip, click, purchase, other).");
    }

    /// <summary>Counts the items of one answer by source.</summary>
    public void Served(IReadOnlyList<RecommendedItemResponse> items)
    {
        foreach (var item in items)
        {
            int source = AttributionNames.SourceIndex(item.Source);
            if (source >= 0)
            {
                Interlocked.Increment(ref _served[source]);
            }
        }
    }

    /// <summary>Counts the attributed events of a batch that was stored whole (a batch of retries stores nothing new and
    /// counts nothing; one partly stored before is not counted, since which of its events are new is not known here).</summary>
    public void Stored(IReadOnlyList<InteractionEvent> batch)
    {
        foreach (var e in batch)
        {
            if (e.RecommendationId is not null)
            {
                Interlocked.Increment(ref _attributed[AttributionNames.TypeIndex(e.Type)]);
            }
        }
    }

    public void Dispose() => _ownMeter?.Dispose();

    private static Measurement<long>[] Read(long[] totals, string[] names, string label)
    {
        var measurements = new Measurement<long>[totals.Length];
        for (int i = 0; i < totals.Length; i++)
        {
            measurements[i] = new Measurement<long>(Volatile.Read(ref totals[i]), new KeyValuePair<string, object?>(label, names[i]));
        }

        return measurements;
    }
}
