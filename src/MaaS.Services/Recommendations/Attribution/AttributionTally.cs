namespace MaaS.Services.Recommendations.Attribution;

/// <summary>
/// This replica's not yet stored counts of the attribution report, per tenant and UTC hour: answers, items served by
/// source, attributed events by type. The hot path adds with a dictionary lookup and interlocked increments (no storage
/// write); <see cref="AttributionFlusher"/> drains them into <see cref="IRecommendationCountStore"/> every few seconds
/// and at shutdown, and puts them back when a write fails. A crash loses what was counted since the last flush.
/// Thread-safe.
/// </summary>
internal sealed class AttributionTally(TimeProvider time)
{
    private const long HourMs = 3_600_000;

    private readonly ConcurrentDictionary<(string Tenant, long Hour), HourCounts> _hours = new();

    /// <summary>Counts one answer and its items by source.</summary>
    public void Served(string tenant, IReadOnlyList<RecommendedItemResponse> items)
    {
        var counts = Current(tenant);
        Interlocked.Increment(ref counts.Answers);
        foreach (var item in items)
        {
            int source = AttributionNames.SourceIndex(item.Source);
            if (source >= 0)
            {
                Interlocked.Increment(ref counts.Served[source]);
            }
        }
    }

    /// <summary>Counts the events of a newly stored batch that carry a recommendationId, by type.</summary>
    public void Stored(string tenant, IReadOnlyList<InteractionEvent> batch)
    {
        HourCounts? counts = null;
        foreach (var e in batch)
        {
            if (e.RecommendationId is not null)
            {
                Interlocked.Increment(ref (counts ??= Current(tenant)).Attributed[AttributionNames.TypeIndex(e.Type)]);
            }
        }
    }

    /// <summary>
    /// Takes every count so far as rows to store, leaving zeros behind. Hours before the previous one are forgotten once
    /// taken (a request that read the clock more than an hour before it counted would lose its count: none does).
    /// </summary>
    public List<RecommendationCount> Drain()
    {
        long current = Hour();
        var rows = new List<RecommendationCount>();
        foreach (var ((tenant, hour), counts) in _hours)
        {
            if (hour < current - 1)
            {
                _hours.TryRemove((tenant, hour), out _);
            }

            var at = DateTimeOffset.FromUnixTimeMilliseconds(hour * HourMs);
            Take(rows, tenant, at, RecommendationCountKinds.Answers, string.Empty, ref counts.Answers);
            for (int i = 0; i < counts.Served.Length; i++)
            {
                Take(rows, tenant, at, RecommendationCountKinds.Served, AttributionNames.Sources[i], ref counts.Served[i]);
            }

            for (int i = 0; i < counts.Attributed.Length; i++)
            {
                Take(rows, tenant, at, RecommendationCountKinds.Attributed, AttributionNames.Types[i], ref counts.Attributed[i]);
            }
        }

        return rows;
    }

    /// <summary>Adds rows taken by <see cref="Drain"/> back (their write failed), to go with the next flush.</summary>
    public void Restore(IEnumerable<RecommendationCount> rows)
    {
        foreach (var row in rows)
        {
            var counts = _hours.GetOrAdd((row.Tenant, row.Hour.ToUnixTimeMilliseconds() / HourMs), static _ => new HourCounts());
            if (row.Kind == RecommendationCountKinds.Served)
            {
                Interlocked.Add(ref counts.Served[AttributionNames.SourceIndex(row.Name)], row.Count);
            }
            else if (row.Kind == RecommendationCountKinds.Attributed)
            {
                Interlocked.Add(ref counts.Attributed[AttributionNames.TypeIndex(row.Name)], row.Count);
            }
            else
            {
                Interlocked.Add(ref counts.Answers, row.Count);
            }
        }
    }

    private static void Take(List<RecommendationCount> rows, string tenant, DateTimeOffset hour, string kind, string name, ref long cell)
    {
        long count = Interlocked.Exchange(ref cell, 0);
        if (count > 0)
        {
            rows.Add(new RecommendationCount(tenant, hour, kind, name, count));
        }
    }

    private HourCounts Current(string tenant) => _hours.GetOrAdd((tenant, Hour()), static _ => new HourCounts());

    private long Hour() => time.GetUtcNow().ToUnixTimeMilliseconds() / HourMs;

    private sealed class HourCounts
    {
        public long Answers;
        public readonly long[] Served = new long[AttributionNames.Sources.Length];
        public readonly long[] Attributed = new long[AttributionNames.Types.Length];
    }
}
