using System.Diagnostics.Metrics;

namespace MaaS.Services.Recommendations.Attribution;

/// <summary>
/// This replica's counts of the attribution report, per tenant and UTC hour: answers, items served by source,
/// attributed events by type. The hot path adds with a dictionary lookup and interlocked increments (no storage
/// write); <see cref="AttributionFlusher"/> drains them into <see cref="IRecommendationCountStore"/> every few seconds
/// and at shutdown, and puts them back when a write fails. A crash loses what was counted since the last flush.
/// <para>
/// The same counts are the recommendations' online measures at <c>/metrics</c> (meter <see cref="MeterName"/>): items
/// served by source and attributed events by type, running totals per replica that Prometheus sums over replicas, whose
/// ratio over a window is the click-through (or play-through) rate. They are counted once, here: a scrape reads what
/// the drains took plus what is not drained yet (<see cref="ServedTotals"/>, <see cref="AttributedTotals"/>), under
/// the lock that drains and restores move counts under, so a total never goes down (which Prometheus would read as a
/// restart).
/// </para>
/// Thread-safe.
/// </summary>
internal sealed class AttributionTally : IDisposable
{
    /// <summary>The meter of the instruments; Prometheus prefixes their names with it (<c>maas_recommendations_…</c>).</summary>
    public const string MeterName = "MaaS.Recommendations";

    private const long HourMs = 3_600_000;

    private readonly TimeProvider _time;
    private readonly Meter? _ownMeter;

    private readonly ConcurrentDictionary<(string Tenant, long Hour), HourCounts> _hours = new();

    // What the drains took, less what was restored: guarded by _moving, as every move between a cell and these is.
    private readonly long[] _servedTaken = new long[AttributionNames.Sources.Length];
    private readonly long[] _attributedTaken = new long[AttributionNames.Types.Length];
    private readonly Lock _moving = new();

    /// <param name="time">The clock that says which hour a count belongs to.</param>
    /// <param name="meters">Where the instruments are created (the host's); without one, a meter of its own.</param>
    public AttributionTally(TimeProvider time, IMeterFactory? meters = null)
    {
        _time = time;
        var meter = meters?.Create(MeterName) ?? (_ownMeter = new Meter(MeterName));
        meter.CreateObservableCounter("served_items", () => Measure(ServedTotals(), AttributionNames.Sources, "source"), "{item}",
            "Items served by /v1/recommend and /v1/recommend/rows answers, by source (neighbours, content, trending, popular, new).");
        meter.CreateObservableCounter("attributed_events", () => Measure(AttributedTotals(), AttributionNames.Types, "type"), "{event}",
            "Events newly stored with the recommendationId of the answer that showed the item, by type (view, play, like, rate, skip, click, purchase, other).");
    }

    /// <summary>Counts one answer and its items by source.</summary>
    public void Served(string tenant, IReadOnlyList<RecommendedItemResponse> items)
    {
        var counts = Enter(tenant, Hour());
        try
        {
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
        finally
        {
            counts.Exit();
        }
    }

    /// <summary>Counts the events of a newly stored batch that carry a recommendationId, by type.</summary>
    public void Stored(string tenant, IReadOnlyList<InteractionEvent> batch)
    {
        HourCounts? counts = null;
        try
        {
            foreach (var e in batch)
            {
                if (e.RecommendationId is not null)
                {
                    Interlocked.Increment(ref (counts ??= Enter(tenant, Hour())).Attributed[AttributionNames.TypeIndex(e.Type)]);
                }
            }
        }
        finally
        {
            counts?.Exit();
        }
    }

    /// <summary>
    /// Takes every count so far as rows to store, leaving zeros behind. Hours before the previous one are forgotten once
    /// taken: such an hour is removed and retired first, and taken only once no writer that found it is still adding to
    /// it (a writer that finds it retired adds to the current hour instead), so no count is lost or taken twice.
    /// </summary>
    public List<RecommendationCount> Drain()
    {
        long current = Hour();
        var rows = new List<RecommendationCount>();
        lock (_moving)
        {
            foreach (var ((tenant, hour), counts) in _hours)
            {
                if (hour < current - 1 && _hours.TryRemove(new KeyValuePair<(string, long), HourCounts>((tenant, hour), counts)))
                {
                    counts.Retire();
                }

                var at = DateTimeOffset.FromUnixTimeMilliseconds(hour * HourMs);
                Take(rows, tenant, at, RecommendationCountKinds.Answers, string.Empty, ref counts.Answers);
                for (int i = 0; i < counts.Served.Length; i++)
                {
                    _servedTaken[i] += Take(rows, tenant, at, RecommendationCountKinds.Served, AttributionNames.Sources[i], ref counts.Served[i]);
                }

                for (int i = 0; i < counts.Attributed.Length; i++)
                {
                    _attributedTaken[i] += Take(rows, tenant, at, RecommendationCountKinds.Attributed, AttributionNames.Types[i], ref counts.Attributed[i]);
                }
            }
        }

        return rows;
    }

    /// <summary>Items served since start, by source (<see cref="AttributionNames.Sources"/> order): a running total that never goes down.</summary>
    public long[] ServedTotals() => Totals(_servedTaken, static counts => counts.Served);

    /// <summary>Attributed events stored since start, by type (<see cref="AttributionNames.Types"/> order): a running total that never goes down.</summary>
    public long[] AttributedTotals() => Totals(_attributedTaken, static counts => counts.Attributed);

    private long[] Totals(long[] taken, Func<HourCounts, long[]> cells)
    {
        lock (_moving)
        {
            var totals = (long[])taken.Clone();
            foreach (var counts in _hours.Values)
            {
                var hour = cells(counts);
                for (int i = 0; i < totals.Length; i++)
                {
                    totals[i] += Volatile.Read(ref hour[i]);
                }
            }

            return totals;
        }
    }

    /// <summary>Adds rows taken by <see cref="Drain"/> back (their write failed), to go with the next flush.</summary>
    public void Restore(IEnumerable<RecommendationCount> rows)
    {
        lock (_moving)
        {
            foreach (var row in rows)
            {
                var counts = Enter(row.Tenant, row.Hour.ToUnixTimeMilliseconds() / HourMs);
                if (row.Kind == RecommendationCountKinds.Served)
                {
                    int source = AttributionNames.SourceIndex(row.Name);
                    Interlocked.Add(ref counts.Served[source], row.Count);
                    _servedTaken[source] -= row.Count;
                }
                else if (row.Kind == RecommendationCountKinds.Attributed)
                {
                    int type = AttributionNames.TypeIndex(row.Name);
                    Interlocked.Add(ref counts.Attributed[type], row.Count);
                    _attributedTaken[type] -= row.Count;
                }
                else
                {
                    Interlocked.Add(ref counts.Answers, row.Count);
                }

                counts.Exit();
            }
        }
    }

    private static long Take(List<RecommendationCount> rows, string tenant, DateTimeOffset hour, string kind, string name, ref long cell)
    {
        long count = Interlocked.Exchange(ref cell, 0);
        if (count > 0)
        {
            rows.Add(new RecommendationCount(tenant, hour, kind, name, count));
        }

        return count;
    }

    /// <summary>The counts of the tenant's hour, entered as a writer (<see cref="HourCounts.Exit"/> when done): never a retired one.</summary>
    private HourCounts Enter(string tenant, long hour)
    {
        while (true)
        {
            var counts = _hours.GetOrAdd((tenant, hour), static _ => new HourCounts());
            if (counts.TryEnter())
            {
                return counts;
            }
            // Retired by a drain after it was removed: the next lookup adds a fresh one, which the next drain takes.
        }
    }

    private long Hour() => _time.GetUtcNow().ToUnixTimeMilliseconds() / HourMs;

    public void Dispose() => _ownMeter?.Dispose();

    private static Measurement<long>[] Measure(long[] totals, string[] names, string label)
    {
        var measurements = new Measurement<long>[totals.Length];
        for (int i = 0; i < totals.Length; i++)
        {
            measurements[i] = new Measurement<long>(totals[i], new KeyValuePair<string, object?>(label, names[i]));
        }

        return measurements;
    }

    /// <summary>
    /// One tenant's hour. Writers enter and exit around their adds; <see cref="Retire"/> (a drain, after removing the hour)
    /// closes it to new writers and waits for those inside, so what the drain then takes is final. Both sides publish
    /// with an interlocked operation before they read the other's field, so a writer either sees the hour retired and
    /// leaves, or is seen inside and waited for.
    /// </summary>
    private sealed class HourCounts
    {
        public long Answers;
        public readonly long[] Served = new long[AttributionNames.Sources.Length];
        public readonly long[] Attributed = new long[AttributionNames.Types.Length];
        private int _writers;
        private int _retired;

        public bool TryEnter()
        {
            Interlocked.Increment(ref _writers);
            if (Volatile.Read(ref _retired) == 0)
            {
                return true;
            }

            Exit();
            return false;
        }

        public void Exit() => Interlocked.Decrement(ref _writers);

        public void Retire()
        {
            Interlocked.Exchange(ref _retired, 1);
            var wait = new SpinWait();
            while (Volatile.Read(ref _writers) != 0)
            {
                wait.SpinOnce();
            }
        }
    }
}
