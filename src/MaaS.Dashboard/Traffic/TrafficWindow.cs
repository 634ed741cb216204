namespace MaaS.Dashboard.Traffic;

/// <summary>A read of the <see cref="TrafficRing"/>: every visible series over the same steps, oldest step first.</summary>
/// <param name="ReadAt">When it was read.</param>
/// <param name="StepSeconds">Seconds per step.</param>
/// <param name="Steps">Number of steps.</param>
/// <param name="Series">The series and their steps.</param>
public sealed record TrafficWindow(DateTimeOffset ReadAt, int StepSeconds, int Steps, IReadOnlyList<(TrafficSeriesKey Key, TrafficSteps Steps)> Series)
{
    /// <summary>The series of one kind summed by name (over tenants), largest first.</summary>
    public IReadOnlyList<(string Name, TrafficSteps Steps)> By(TrafficSeriesKind kind) =>
    [
        .. Series.Where(s => s.Key.Kind == kind)
            .GroupBy(s => s.Key.Name, StringComparer.Ordinal)
            .Select(g => (g.Key, TrafficSteps.Sum(g.Select(s => s.Steps), Steps)))
            .OrderByDescending(g => g.Item2.TotalRequests)
            .ThenBy(g => g.Key, StringComparer.Ordinal),
    ];

    /// <summary>Every family series summed: the whole traffic the reader may see.</summary>
    public TrafficSteps Total => TrafficSteps.Sum(Series.Where(s => s.Key.Kind == TrafficSeriesKind.Family).Select(s => s.Steps), Steps);
}

/// <summary>The counters of one series (or a sum of several) per step.</summary>
public sealed class TrafficSteps
{
    private readonly long[] _sums;

    internal TrafficSteps(long[] sums) => _sums = sums;

    /// <summary>Number of steps.</summary>
    public int Count => _sums.Length / TrafficRing.Slots;

    /// <summary>Requests in a step.</summary>
    public long Requests(int step)
    {
        long total = 0;
        for (int i = 0; i <= TrafficRing.LatencyBoundsMs.Length; i++)
        {
            total += _sums[(step * TrafficRing.Slots) + TrafficRing.LatencySlot + i];
        }

        return total;
    }

    /// <summary>5xx answers in a step.</summary>
    public long ServerErrors(int step) => _sums[(step * TrafficRing.Slots) + TrafficRing.ServerErrorSlot];

    /// <summary>4xx answers (429 included) in a step.</summary>
    public long ClientErrors(int step) => _sums[(step * TrafficRing.Slots) + TrafficRing.ClientErrorSlot];

    /// <summary>429 answers in a step.</summary>
    public long Throttled(int step) => _sums[(step * TrafficRing.Slots) + TrafficRing.ThrottledSlot];

    /// <summary>Requests over all steps.</summary>
    public long TotalRequests => Enumerable.Range(0, Count).Sum(Requests);

    /// <summary>5xx over all steps.</summary>
    public long TotalServerErrors => Enumerable.Range(0, Count).Sum(ServerErrors);

    /// <summary>4xx over all steps.</summary>
    public long TotalClientErrors => Enumerable.Range(0, Count).Sum(ClientErrors);

    /// <summary>429 over all steps.</summary>
    public long TotalThrottled => Enumerable.Range(0, Count).Sum(Throttled);

    /// <summary>
    /// The latency quantile of a step (or of all steps when <paramref name="step"/> is null), in milliseconds,
    /// interpolated inside its histogram bucket as Prometheus' histogram_quantile does; null without requests.
    /// </summary>
    public double? LatencyQuantile(double q, int? step = null)
    {
        int buckets = TrafficRing.LatencyBoundsMs.Length + 1;
        var counts = new long[buckets];
        int from = step ?? 0, to = step ?? (Count - 1);
        for (int s = from; s <= to; s++)
        {
            for (int i = 0; i < buckets; i++)
            {
                counts[i] += _sums[(s * TrafficRing.Slots) + TrafficRing.LatencySlot + i];
            }
        }

        long total = counts.Sum();
        if (total == 0)
        {
            return null;
        }

        double rank = q * total;
        long seen = 0;
        for (int i = 0; i < buckets; i++)
        {
            if (seen + counts[i] >= rank && counts[i] > 0)
            {
                double lower = i == 0 ? 0 : TrafficRing.LatencyBoundsMs[i - 1];
                if (i == buckets - 1)
                {
                    // The open bucket has no upper bound: report its lower one, as histogram_quantile does.
                    return lower;
                }

                double upper = TrafficRing.LatencyBoundsMs[i];
                return lower + ((upper - lower) * (rank - seen) / counts[i]);
            }

            seen += counts[i];
        }

        return TrafficRing.LatencyBoundsMs[^1];
    }

    internal static TrafficSteps Sum(IEnumerable<TrafficSteps> parts, int steps)
    {
        var sums = new long[steps * TrafficRing.Slots];
        foreach (var part in parts)
        {
            for (int i = 0; i < sums.Length; i++)
            {
                sums[i] += part._sums[i];
            }
        }

        return new TrafficSteps(sums);
    }
}
