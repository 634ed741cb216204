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
            var counts = Enter(row.Tenant, row.Hour.ToUnixTimeMilliseconds() / HourMs);
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

            counts.Exit();
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

    private long Hour() => time.GetUtcNow().ToUnixTimeMilliseconds() / HourMs;

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
