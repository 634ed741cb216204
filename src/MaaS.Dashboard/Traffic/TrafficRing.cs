using System.Collections.Concurrent;

namespace MaaS.Dashboard.Traffic;

/// <summary>What one series counts: an endpoint family (the endpoint's OpenAPI tag) or a model, for one caller tenant.</summary>
/// <param name="Tenant">The caller's tenant; <see cref="TrafficRing.Anonymous"/> for requests without a key, <see cref="TrafficRing.Overflow"/> past the series cap.</param>
/// <param name="Kind">Family or model.</param>
/// <param name="Name">The family (tag) or model name.</param>
public readonly record struct TrafficSeriesKey(string Tenant, TrafficSeriesKind Kind, string Name);

/// <summary>The two kinds of series.</summary>
public enum TrafficSeriesKind
{
    /// <summary>An endpoint family: the first OpenAPI tag of the endpoint (Recommendations, Items, Models, ...).</summary>
    Family,

    /// <summary>A model named by the route's <c>{name}</c>.</summary>
    Model,
}

/// <summary>
/// The in-process time series behind the dashboard, so no Prometheus is needed: per series (tenant × family, tenant ×
/// model) a ring of <see cref="Seconds"/> one-second buckets, each holding the 4xx, 429 and 5xx counts and a latency
/// histogram of <see cref="LatencyBoundsMs"/>.Length + 1 buckets (the request count is the histogram's sum). Memory is
/// fixed: at most <see cref="MaxSeries"/> + 2 series of <see cref="BytesPerSeries"/> bytes (244,800 each, 16.2 MB in
/// all), allocated when a series first records; past the cap new series fold into one per kind under
/// <see cref="Overflow"/>. Per-key 429 counts are kept for at most <see cref="MaxKeys"/> keys. Thread-safe; recording
/// is a few interlocked increments.
/// </summary>
public sealed class TrafficRing(TimeProvider time)
{
    /// <summary>Buckets per series: one hour of one-second buckets.</summary>
    public const int Seconds = 3_600;

    /// <summary>Most series kept (tenant × family plus tenant × model).</summary>
    public const int MaxSeries = 64;

    /// <summary>Most API keys whose 429 answers are counted.</summary>
    public const int MaxKeys = 10_000;

    /// <summary>Tenant of requests that carried no (valid) key.</summary>
    public const string Anonymous = "(anonymous)";

    /// <summary>Tenant of the series that fold everything past <see cref="MaxSeries"/>; the operator sees it, tenants do not.</summary>
    public const string Overflow = "(overflow)";

    /// <summary>Upper bounds of the latency buckets, in milliseconds; the last bucket is everything slower.</summary>
    public static readonly double[] LatencyBoundsMs = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500];

    /// <summary>Counters per bucket: 4xx, 429, 5xx, then the latency histogram.</summary>
    internal const int Slots = 3 + 12;

    internal const int ClientErrorSlot = 0;
    internal const int ThrottledSlot = 1;
    internal const int ServerErrorSlot = 2;
    internal const int LatencySlot = 3;

    /// <summary>Bytes of counters one series holds (stamps included).</summary>
    public const int BytesPerSeries = Seconds * ((Slots * sizeof(int)) + sizeof(long));

    private readonly ConcurrentDictionary<TrafficSeriesKey, Series> _series = new();
    private readonly ConcurrentDictionary<string, KeyThrottles> _keys = new(StringComparer.Ordinal);

    /// <summary>Records one finished request.</summary>
    public void Record(string tenant, string family, string? model, int status, double elapsedMs)
    {
        long second = CurrentSecond();
        int latency = LatencyBucket(elapsedMs);
        Get(new TrafficSeriesKey(tenant, TrafficSeriesKind.Family, family)).Add(second, status, latency);
        if (model is not null)
        {
            Get(new TrafficSeriesKey(tenant, TrafficSeriesKind.Model, model)).Add(second, status, latency);
        }
    }

    /// <summary>Counts a 429 answered to a key.</summary>
    public void RecordThrottled(string keyId, string tenant)
    {
        if (_keys.TryGetValue(keyId, out var counter) || (_keys.Count < MaxKeys && (counter = _keys.GetOrAdd(keyId, _ => new KeyThrottles(tenant))) is not null))
        {
            Interlocked.Increment(ref counter.Count);
        }
    }

    /// <summary>429 answers per key since start.</summary>
    public long ThrottledCount(string keyId) => _keys.TryGetValue(keyId, out var counter) ? Interlocked.Read(ref counter.Count) : 0;

    /// <summary>The series the filter lets through, bucketed over the last <paramref name="windowSeconds"/> in steps of <paramref name="stepSeconds"/>.</summary>
    public TrafficWindow Read(Func<TrafficSeriesKey, bool> visible, int windowSeconds, int stepSeconds)
    {
        windowSeconds = Math.Clamp(windowSeconds, 1, Seconds);
        stepSeconds = Math.Clamp(stepSeconds, 1, windowSeconds);
        int steps = windowSeconds / stepSeconds;
        long now = CurrentSecond();
        long first = now - (steps * stepSeconds) + 1;
        var read = new List<(TrafficSeriesKey, TrafficSteps)>();
        foreach (var (key, series) in _series)
        {
            if (visible(key))
            {
                read.Add((key, series.Read(first, steps, stepSeconds)));
            }
        }

        return new TrafficWindow(time.GetUtcNow(), stepSeconds, steps, read);
    }

    /// <summary>Series in use now.</summary>
    public int SeriesCount => _series.Count;

    private long CurrentSecond() => time.GetUtcNow().ToUnixTimeSeconds();

    private Series Get(TrafficSeriesKey key)
    {
        if (_series.TryGetValue(key, out var series))
        {
            return series;
        }

        if (_series.Count >= MaxSeries)
        {
            key = key with { Tenant = Overflow, Name = Overflow };
            if (_series.TryGetValue(key, out series))
            {
                return series;
            }
        }

        // Two overflow series (one per kind) may be created past the cap: the bound is MaxSeries + 2.
        return _series.GetOrAdd(key, _ => new Series());
    }

    private static int LatencyBucket(double elapsedMs)
    {
        var bounds = LatencyBoundsMs;
        for (int i = 0; i < bounds.Length; i++)
        {
            if (elapsedMs <= bounds[i])
            {
                return i;
            }
        }

        return bounds.Length;
    }

    private sealed class KeyThrottles(string tenant)
    {
        public readonly string Tenant = tenant;
        public long Count;
    }

    private sealed class Series
    {
        private readonly long[] _stamps = new long[Seconds];
        private readonly int[] _counts = new int[Seconds * Slots];

        public void Add(long second, int status, int latencyBucket)
        {
            int at = (int)(second % Seconds);
            if (Volatile.Read(ref _stamps[at]) != second)
            {
                // The bucket still holds the second an hour ago: clear it once, under the lock, before counting.
                lock (this)
                {
                    if (_stamps[at] != second)
                    {
                        Array.Clear(_counts, at * Slots, Slots);
                        Volatile.Write(ref _stamps[at], second);
                    }
                }
            }

            int b = at * Slots;
            if (status is >= 400 and < 500)
            {
                Interlocked.Increment(ref _counts[b + ClientErrorSlot]);
                if (status == StatusCodes.Status429TooManyRequests)
                {
                    Interlocked.Increment(ref _counts[b + ThrottledSlot]);
                }
            }
            else if (status >= 500)
            {
                Interlocked.Increment(ref _counts[b + ServerErrorSlot]);
            }

            Interlocked.Increment(ref _counts[b + LatencySlot + latencyBucket]);
        }

        public TrafficSteps Read(long first, int steps, int stepSeconds)
        {
            var sums = new long[steps * Slots];
            for (int s = 0; s < steps; s++)
            {
                for (int k = 0; k < stepSeconds; k++)
                {
                    long second = first + (s * stepSeconds) + k;
                    int at = (int)(second % Seconds);
                    if (Volatile.Read(ref _stamps[at]) != second)
                    {
                        continue;
                    }

                    for (int slot = 0; slot < Slots; slot++)
                    {
                        sums[(s * Slots) + slot] += Volatile.Read(ref _counts[(at * Slots) + slot]);
                    }
                }
            }

            return new TrafficSteps(sums);
        }
    }
}
